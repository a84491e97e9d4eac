import { sql } from 'drizzle-orm'
import { type Db, rowsOf } from '../../db/client.js'
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
  profileName: (r.profile_name as string | null) ?? null,
  body: r.body as string,
  media: (typeof r.media === 'string' ? JSON.parse(r.media) : r.media) as InboxRow['media'],
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

/**
 * Takes up to `limit` due rows for this worker, oldest first, at most one per chat and only the
 * oldest unfinished one of its chat, so a customer's messages are answered in order and never in
 * parallel. SKIP LOCKED lets any number of worker processes share the inbox; the lease
 * (`locked_until`) is renewed while the worker lives, so a dead worker's rows come back within
 * `leaseSeconds`.
 */
export async function claimInbox(
  db: Db,
  workerId: string,
  limit: number,
  leaseSeconds: number,
): Promise<InboxRow[]> {
  const result = await db.execute(sql`
    with next as (
      select i.id from inbox i
      where i.done_at is null and i.next_attempt_at <= now()
        and (i.locked_until is null or i.locked_until < now())
        and not exists (
          select 1 from inbox e
          where e.to_number = i.to_number and e.from_wa_id = i.from_wa_id and e.done_at is null and e.id < i.id
        )
      order by i.id
      limit ${limit}
      for update skip locked
    )
    update inbox set locked_by = ${workerId}, locked_until = now() + ${leaseSeconds} * interval '1 second', attempts = inbox.attempts + 1
    from next where inbox.id = next.id
    returning inbox.*`)
  return rowsOf(result)
    .map(toRow)
    .sort((a, b) => a.id - b.id)
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
