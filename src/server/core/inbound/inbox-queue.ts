import { sql } from 'drizzle-orm'
import { type Db, rowsOf } from '../../db/client.js'
import { decryptMediaItems, readEncrypted } from '../../db/encrypted-columns.js'
import { inbox } from '../../db/schema/index.js'

type InboxRow = typeof inbox.$inferSelect

/** Tries per inbox row: 5 over about a minute and a quarter (5, 10, 20, 40 s apart). */
export const MAX_ATTEMPTS = 5
const RETRY_DELAY_SECONDS = 5

const toRow = (r: Record<string, unknown>): InboxRow => ({
  id: Number(r.id),
  messageSid: r.message_sid as string,
  toNumber: r.to_number as string,
  fromWaId: r.from_wa_id as string,
  // Raw SQL: decrypted here (db/encrypted-columns.ts).
  profileName: readEncrypted((r.profile_name as string | null) ?? null),
  body: readEncrypted(r.body as string),
  media: decryptMediaItems(r.media),
  simulated: Boolean(r.simulated),
  receivedAt: new Date(r.received_at as string),
  messageId: (r.message_id as string | null) ?? null,
  lockedBy: (r.locked_by as string | null) ?? null,
  lockedUntil: r.locked_until ? new Date(r.locked_until as string) : null,
  attempts: Number(r.attempts),
  nextAttemptAt: new Date(r.next_attempt_at as string),
  lastError: (r.last_error as string | null) ?? null,
  doneAt: r.done_at ? new Date(r.done_at as string) : null,
  outcome: (r.outcome as string | null) ?? null,
})

/** Rows of one chat taken together at most (a longer burst is answered in parts). */
const ROWS_PER_CHAT = 20

/**
 * Takes the due rows of up to `limit` chats for this worker, oldest first, each chat's rows in
 * arrival order and only while none of its earlier rows is unfinished, so a customer's messages
 * are answered in order and never in parallel. With a quiet period, a chat is taken only once its
 * newest row is that old (or its oldest three times that, so a chat that never pauses is still
 * answered), and all its waiting rows come together: a question split over several messages gets
 * one answer. SKIP LOCKED lets any number of worker processes share the inbox; the lease
 * (`locked_until`) is renewed while the worker lives, so a dead worker's rows come back within
 * `leaseSeconds`.
 */
export async function claimInbox(
  db: Db,
  workerId: string,
  limit: number,
  leaseSeconds: number,
  quietPeriodMs = 0,
): Promise<InboxRow[]> {
  const quiet = sql`${quietPeriodMs} * interval '1 millisecond'`
  const result = await db.execute(sql`
    with waiting as (
      select i.id, i.to_number, i.from_wa_id, i.message_id,
        (
          ${quietPeriodMs}::int = 0
          or i.received_at <= now() - 3 * ${quiet}
          or not exists (
            select 1 from inbox n
            where n.to_number = i.to_number and n.from_wa_id = i.from_wa_id and n.done_at is null
              and n.received_at > now() - ${quiet}
          )
        ) as settled
      from inbox i
      where i.done_at is null and i.next_attempt_at <= now()
        and (i.locked_until is null or i.locked_until < now())
        and not exists (
          select 1 from inbox e
          where e.to_number = i.to_number and e.from_wa_id = i.from_wa_id and e.done_at is null and e.id < i.id
        )
    ),
    head as (
      -- A retry (already stored and planned) need not wait; its chat's new rows still do.
      -- Locked on the table itself: a locking clause does not reach into another WITH query.
      select i.id, i.to_number, i.from_wa_id, w.settled from inbox i join waiting w on w.id = i.id
      where w.settled or w.message_id is not null
      order by i.id
      limit ${limit}
      for update of i skip locked
    ),
    chat as (
      select r.id from inbox r
      where r.id in (
        select id from (
          select e.id, row_number() over (partition by e.to_number, e.from_wa_id order by e.id) as n
          from inbox e join head h on e.to_number = h.to_number and e.from_wa_id = h.from_wa_id
          where e.done_at is null and e.id >= h.id
            and (e.id = h.id or (${quietPeriodMs}::int > 0 and (h.settled or e.message_id is not null)))
        ) ranked
        where ranked.n <= ${ROWS_PER_CHAT}
      )
        and (r.locked_until is null or r.locked_until < now())
      for update skip locked
    )
    update inbox set locked_by = ${workerId}, locked_until = now() + ${leaseSeconds} * interval '1 second', attempts = inbox.attempts + 1
    from chat where inbox.id = chat.id
    returning inbox.*`)
  return rowsOf(result)
    .map(toRow)
    .sort((a, b) => a.id - b.id)
}

/**
 * How long until the next chat waiting out its quiet period may be taken (undefined: none waits),
 * so the worker wakes then instead of at its next poll.
 */
export async function msUntilQuiet(db: Db, quietPeriodMs: number): Promise<number | undefined> {
  if (quietPeriodMs <= 0) return undefined
  const quiet = sql`${quietPeriodMs} * interval '1 millisecond'`
  const result = await db.execute(sql`
    select extract(epoch from min(due) - now()) * 1000 as ms
    from (
      select least(max(received_at) + ${quiet}, min(received_at) + 3 * ${quiet}) as due from inbox
      where done_at is null and message_id is null and (locked_until is null or locked_until < now())
      group by to_number, from_wa_id
    ) chats
    where due > now()`)
  const ms = rowsOf(result).at(0)?.ms
  if (ms === null || ms === undefined) return undefined
  return Math.max(0, Math.ceil(Number(ms)))
}

/** Renews this worker's lease on the rows it is working on. */
export async function renewLease(db: Db, workerId: string, ids: number[], leaseSeconds: number) {
  if (ids.length === 0) return
  await db.execute(sql`
    update inbox set locked_until = now() + ${leaseSeconds} * interval '1 second'
    where locked_by = ${workerId} and done_at is null and id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`)
}

/** Marks rows finished (only while this worker holds them). */
export async function finishInbox(db: Db, workerId: string, done: { id: number; outcome: string }[]) {
  if (done.length === 0) return
  await db.execute(sql`
    update inbox set done_at = now(), outcome = x.outcome, locked_by = null, locked_until = null
    from jsonb_to_recordset(${JSON.stringify(done)}::jsonb) as x(id bigint, outcome text)
    where inbox.id = x.id and inbox.locked_by = ${workerId} and inbox.done_at is null`)
}

/**
 * A row whose attempt failed: tried again later with backoff, or, after its last attempt,
 * finished as failed with the reason (the message and any planned reply stay visible).
 */
export async function failInbox(db: Db, workerId: string, row: InboxRow, reason: string) {
  const last = row.attempts >= MAX_ATTEMPTS
  const delay = RETRY_DELAY_SECONDS * 2 ** Math.max(row.attempts - 1, 0)
  await db.execute(sql`
    update inbox set
      last_error = ${reason.slice(0, 1000)},
      locked_by = null, locked_until = null,
      next_attempt_at = now() + ${delay} * interval '1 second',
      done_at = case when ${last} then now() else null end,
      outcome = case when ${last} then 'failed' else null end
    where id = ${row.id} and locked_by = ${workerId} and done_at is null`)
}

/** Gives rows back untouched (not counted as an attempt): another batch takes them. */
export async function releaseInbox(db: Db, workerId: string, ids: number[]) {
  if (ids.length === 0) return
  await db.execute(sql`
    update inbox set locked_by = null, locked_until = null, attempts = greatest(attempts - 1, 0)
    where locked_by = ${workerId} and done_at is null and id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`)
}

/** Finished rows are kept a week (their messages stay in the conversations). */
export async function pruneInbox(db: Db) {
  await db.execute(sql`delete from inbox where done_at < now() - interval '7 days'`)
}

export type { InboxRow }
export { inbox }
