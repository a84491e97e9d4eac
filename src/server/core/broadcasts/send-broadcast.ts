import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { and, eq, sql } from 'drizzle-orm'
import type { SkipReason } from '../../../shared/enums.js'
import { renderTemplate } from '../../../shared/template-text.js'
import { oneRow, queryRows, type Tx } from '../../db/client.js'
import { readVariables, writeEncrypted } from '../../db/encrypted-columns.js'
import { broadcastRecipients, broadcasts, organizations, templates } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { sendOutbound } from '../inbound/send-outbound.js'
import { sendableLimitOf } from '../organizations/view.js'
import { markLimitReached, refundUsage, reserveUsage } from '../usage/usage.js'
import { emitEvent } from '../webhooks/emit.js'
import { messagesLeftThisMonth } from './audience.js'
import { takeSendSlot } from './sender-pace.js'

type BroadcastRow = typeof broadcasts.$inferSelect
type OrganizationRow = typeof organizations.$inferSelect
type TemplateRow = typeof templates.$inferSelect

// Sending a broadcast, a step at a time (job `broadcasts.send`). A step claims pending recipients
// in batches; for each batch one transaction reserves the month's usage, makes the messages (in
// each contact's one conversation) and marks the recipients `messaged` with their message — so a
// recipient has a message exactly when it was counted. Then each message is sent through the one
// sending path (sendOutbound), which never sends a message that has a provider id.
//
// Exactly once across crashes: a message is claimed just before it is sent (its `updated_at` moves
// off its `created_at`, compare-and-set), so two steps never send one message. A message left
// unsent by a step that died — made but never claimed, or claimed and not sent within the lease —
// is taken over by the next step once the lease has passed. The one window left is the provider
// accepting a message and the process dying before its id is written (milliseconds); that message
// would go out again after the lease.

/** How long a step sends before handing over to a fresh job (so a restart loses little). */
export const STEP_BUDGET_MS = 20_000
/**
 * A claimed message not sent within this is taken over. Longer than one attempt can take (the
 * Twilio client's 15 s timeout; the claim is renewed before each attempt).
 */
export const CLAIM_LEASE_MS = 30_000
const MAX_IN_FLIGHT = 16
/**
 * A scheduled broadcast's job waits at most this long at a time (then looks again): pg-boss's
 * delay is an interval PostgreSQL refuses beyond a few months, and a short wait costs nothing.
 */
export const MAX_WAIT_SECONDS = 6 * 60 * 60
const RETRY_DELAYS_MS = [1_000, 4_000]

export interface StepOptions {
  budgetMs?: number
  claimLeaseMs?: number
  /** Stops the step between sends (shutdown, tests), as a crash would but waiting for sends in flight. */
  signal?: AbortSignal
}

export type StepResult =
  | { next: 'done'; sent: number }
  | { next: 'now'; sent: number }
  | { next: 'later'; afterSeconds: number; sent: number }

interface Loaded {
  broadcast: BroadcastRow
  org: OrganizationRow
  template: TemplateRow
}

async function load(
  ctx: Ctx,
  input: { organizationId: string; broadcastId: string },
): Promise<Loaded | undefined> {
  const [row] = await ctx.db
    .select({ broadcast: broadcasts, org: organizations, template: templates })
    .from(broadcasts)
    .innerJoin(organizations, eq(organizations.id, broadcasts.organizationId))
    .innerJoin(templates, eq(templates.id, broadcasts.templateId))
    .where(and(eq(broadcasts.id, input.broadcastId), eq(broadcasts.organizationId, input.organizationId)))
  return row
}

/** One step of sending a broadcast; says whether (and when) another step should follow. */
export async function sendBroadcastStep(
  ctx: Ctx,
  input: { organizationId: string; broadcastId: string },
  opts: StepOptions = {},
): Promise<StepResult> {
  const started = Date.now()
  const budget = opts.budgetMs ?? STEP_BUDGET_MS
  const lease = opts.claimLeaseMs ?? CLAIM_LEASE_MS
  const loaded = await load(ctx, input)
  if (!loaded) return { next: 'done', sent: 0 }
  const { broadcast, org } = loaded
  if (broadcast.status === 'scheduled') {
    const wait = broadcast.sendAt.getTime() - Date.now()
    if (wait > 1000)
      return { next: 'later', afterSeconds: Math.min(MAX_WAIT_SECONDS, Math.ceil(wait / 1000)), sent: 0 }
    await ctx.db
      .update(broadcasts)
      .set({ status: 'sending', startedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(broadcasts.id, broadcast.id), eq(broadcasts.status, 'scheduled')))
  }
  const sender = new PacedSender(ctx, broadcast.fromNumber, org, lease, opts.signal)
  const stopped = () => opts.signal?.aborted === true
  const overBudget = () => Date.now() - started > budget

  // Messages a step that died left unsent.
  for (;;) {
    if (stopped() || overBudget()) break
    const orphans = await queryRows<{ id: string }>(
      ctx.db,
      sql`select m.id from broadcast_recipients r join messages m on m.id = r.message_id
        where r.broadcast_id = ${broadcast.id} and r.state = 'messaged'
          and m.provider_message_id is null and m.status = 'queued'
          and m.updated_at < now() - make_interval(secs => ${lease / 1000})
        order by r.position limit 500`,
    )
    const fresh = orphans.filter((m) => !sender.has(m.id))
    if (fresh.length === 0) break
    for (const m of fresh) {
      if (stopped()) break
      await sender.send(m.id, 'orphan')
    }
    await sender.drain()
  }

  const batchSize = Math.min(500, Math.max(20, ctx.config.broadcastRatePerSecond * 2))
  for (;;) {
    if (stopped() || overBudget()) {
      await sender.drain()
      return stopped() ? { next: 'done', sent: sender.sent } : { next: 'now', sent: sender.sent }
    }
    const batch = await claimBatch(ctx, loaded, batchSize)
    if (batch.claimed === 0) break
    for (const id of batch.messageIds) {
      if (stopped()) break
      await sender.send(id, 'fresh')
    }
  }
  await sender.drain()
  return finish(ctx, broadcast, lease, sender.sent)
}

/** After the last batch: completed when every recipient was skipped or its message settled. */
async function finish(ctx: Ctx, broadcast: BroadcastRow, lease: number, sent: number): Promise<StepResult> {
  const left = oneRow(
    await queryRows<{ pending: number; unsent: number }>(
      ctx.db,
      sql`select count(*) filter (where r.state = 'pending')::int as pending,
          count(*) filter (where r.state = 'messaged' and m.provider_message_id is null and m.status = 'queued')::int as unsent
        from broadcast_recipients r left join messages m on m.id = r.message_id
        where r.broadcast_id = ${broadcast.id}`,
    ),
    'broadcast progress',
  )
  if (left.unsent > 0) return { next: 'later', afterSeconds: Math.ceil(lease / 1000), sent }
  if (left.pending > 0) {
    // Claimed by a step running beside this one, or added back: look again.
    const [now] = await ctx.db
      .select({ status: broadcasts.status })
      .from(broadcasts)
      .where(eq(broadcasts.id, broadcast.id))
    return now?.status === 'sending' ? { next: 'later', afterSeconds: 5, sent } : { next: 'done', sent }
  }
  await ctx.db.transaction(async (tx) => {
    const [completed] = await tx
      .update(broadcasts)
      .set({ status: 'completed', finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(broadcasts.id, broadcast.id), eq(broadcasts.status, 'sending')))
      .returning()
    if (!completed) return
    const states = await queryRows<{ state: string; n: number }>(
      tx,
      sql`select state::text as state, count(*)::int as n from broadcast_recipients where broadcast_id = ${broadcast.id} group by state`,
    )
    await emitEvent(
      tx,
      {
        organizationId: completed.organizationId,
        type: 'broadcast.completed',
        data: {
          broadcastId: completed.id,
          name: completed.name,
          startedAt: completed.startedAt?.toISOString() ?? null,
          finishedAt: completed.finishedAt?.toISOString() ?? new Date().toISOString(),
          recipients: Object.fromEntries(states.map((r) => [r.state, Number(r.n)])),
        },
      },
      ctx.jobs,
    )
  })
  return { next: 'done', sent }
}

interface ClaimedRow {
  id: string
  contact_id: string | null
  variables: Record<string, string> | null
  opted_out: boolean | null
  opted_in: boolean | null
}

async function skip(tx: Tx, ids: string[], reason: SkipReason) {
  if (ids.length === 0) return
  await tx.execute(sql`update broadcast_recipients set state = 'skipped', skip_reason = ${reason}::skip_reason, updated_at = now()
    where id in (select unnest(string_to_array(${ids.join(',')}::text, ',')))`)
}

/**
 * Claims the next pending recipients (one batch at a time per broadcast: the broadcast row is locked) and,
 * in the same transaction, skips those who opted out or withdrew consent since, reserves the
 * month's usage for the rest (stopping the broadcast when it does not fit) and makes their messages.
 */
async function claimBatch(ctx: Ctx, { broadcast, org, template }: Loaded, size: number) {
  return ctx.db.transaction(async (tx) => {
    // The broadcast's row, locked for the batch: a cancel waits for this batch or this batch sees
    // the cancel, and steps side by side claim one batch at a time. (A shared lock deadlocked: two
    // steps each held it, one waited on the other's usage row, and the other then wanted the
    // broadcast's row to record its progress.)
    const [current] = await tx
      .select({ status: broadcasts.status })
      .from(broadcasts)
      .where(eq(broadcasts.id, broadcast.id))
      .for('no key update')
    if (current?.status !== 'sending') return { claimed: 0, messageIds: [] }
    const rows = await queryRows<ClaimedRow>(
      tx,
      sql`select r.id, r.contact_id, r.variables, c.opted_out, c.opted_in_at is not null as opted_in
        from broadcast_recipients r left join contacts c on c.id = r.contact_id
        where r.broadcast_id = ${broadcast.id} and r.state = 'pending'
        order by r.position limit ${size}
        for update of r skip locked`,
    )
    if (rows.length === 0) return { claimed: 0, messageIds: [] }
    await skip(
      tx,
      rows.filter((r) => r.contact_id && r.opted_out).map((r) => r.id),
      'opted_out',
    )
    // A contact deleted since (its consent record went with it) or who withdrew consent.
    await skip(
      tx,
      rows.filter((r) => !r.contact_id || (!r.opted_out && !r.opted_in)).map((r) => r.id),
      'no_consent',
    )
    let sendable = rows.filter((r): r is ClaimedRow & { contact_id: string } =>
      Boolean(r.contact_id && !r.opted_out && r.opted_in),
    )
    // The month's usage for the batch; what does not fit is skipped and the broadcast stops.
    let outOfMessages = false
    if (sendable.length > 0 && !(await reserveUsage(tx, org, sendable.length, undefined, ctx.jobs))) {
      outOfMessages = true
      let keep = Math.min(sendable.length, await messagesLeftThisMonth(tx, org))
      if (keep > 0 && !(await reserveUsage(tx, org, keep, undefined, ctx.jobs))) keep = 0
      await skip(
        tx,
        sendable.slice(keep).map((r) => r.id),
        'over_limit',
      )
      sendable = sendable.slice(0, keep)
    }
    const stopIfOut = async () => {
      if (!outOfMessages) return
      await tx
        .update(broadcastRecipients)
        .set({ state: 'skipped', skipReason: 'over_limit', updatedAt: sql`now()` })
        .where(
          and(eq(broadcastRecipients.broadcastId, broadcast.id), eq(broadcastRecipients.state, 'pending')),
        )
      await tx
        .update(broadcasts)
        .set({
          status: 'stopped',
          stoppedReason: `The organization reached its limit of ${sendableLimitOf(org)} messages this month`,
          finishedAt: sql`now()`,
          updatedAt: sql`now()`,
        })
        .where(eq(broadcasts.id, broadcast.id))
      await markLimitReached(tx, org, undefined, ctx.jobs)
    }
    if (sendable.length === 0) {
      await stopIfOut()
      return { claimed: rows.length, messageIds: [] }
    }

    // Each contact's one conversation (made for contacts who never wrote), now on the broadcast's number.
    const conversations = await queryRows<{ id: string; contact_id: string }>(
      tx,
      sql`insert into conversations (organization_id, contact_id, channel_number)
        select ${org.id}, c, ${broadcast.fromNumber} from unnest(string_to_array(${sendable.map((r) => r.contact_id).join(',')}::text, ',')) as c
        on conflict (organization_id, contact_id)
          do update set channel_number = excluded.channel_number, updated_at = now()
        returning id, contact_id`,
    )
    const conversationOf = new Map(conversations.map((c) => [c.contact_id, c.id]))
    const made = sendable.flatMap((r) => {
      const conversationId = conversationOf.get(r.contact_id)
      if (!conversationId) return []
      // The stored variables keep the name encrypted (sendOutbound decrypts them); the body is
      // rendered from the plaintext and stored encrypted (raw SQL: db/encrypted-columns.ts).
      const vars = r.variables ?? {}
      return [
        {
          id: randomUUID(),
          rid: r.id,
          conv: conversationId,
          body: writeEncrypted(renderTemplate(template.body, readVariables(vars))),
          vars,
        },
      ]
    })
    const json = JSON.stringify(made)
    await tx.execute(sql`
      insert into messages
        (id, organization_id, conversation_id, direction, body, status, source, template_id, content_variables)
      select x.id, ${org.id}, x.conv, 'outbound', x.body, 'queued', 'broadcast', ${template.id}, x.vars
      from json_to_recordset(${json}::json) as x(id text, conv text, body text, vars jsonb)`)
    await tx.execute(sql`
      update broadcast_recipients r set state = 'messaged', message_id = x.id, updated_at = now()
      from json_to_recordset(${json}::json) as x(id text, rid text)
      where r.id = x.rid`)
    await tx.update(broadcasts).set({ updatedAt: sql`now()` }).where(eq(broadcasts.id, broadcast.id))
    // Only now: the recipients just messaged are no longer pending.
    await stopIfOut()
    return { claimed: rows.length, messageIds: made.map((m) => m.id) }
  })
}

/**
 * Sends claimed messages at the sender's pace, several in flight. A message that failed for good
 * (refused, opted out meanwhile) gives its counted message back.
 */
class PacedSender {
  sent = 0
  private inFlight = new Set<Promise<void>>()
  private taken = new Set<string>()

  constructor(
    private ctx: Ctx,
    private from: string,
    private org: OrganizationRow,
    private lease: number,
    private signal?: AbortSignal,
  ) {}

  async send(messageId: string, kind: 'fresh' | 'orphan') {
    // A message this step already took is its own to finish, whatever the lease says.
    if (this.taken.has(messageId)) return
    await takeSendSlot(this.from, this.ctx.config.broadcastRatePerSecond, this.signal)
    if (this.signal?.aborted) return
    this.taken.add(messageId)
    // Claimed and sent off the pacing path: a slow database never slows the pace.
    const p = (async () => {
      if (await this.claim(messageId, kind)) await this.deliver(messageId)
    })()
      .catch((err) => this.ctx.log.error({ err, messageId }, 'broadcast message could not be claimed'))
      .finally(() => this.inFlight.delete(p))
    this.inFlight.add(p)
    if (this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.inFlight)
  }

  has(messageId: string) {
    return this.taken.has(messageId)
  }

  async drain() {
    await Promise.all(this.inFlight)
  }

  /** Compare-and-set on `updated_at`: the message becomes this step's, or it is someone else's. */
  private async claim(messageId: string, kind: 'fresh' | 'orphan' | 'renew') {
    const condition =
      kind === 'fresh'
        ? sql`updated_at = created_at`
        : kind === 'orphan'
          ? sql`updated_at < now() - make_interval(secs => ${this.lease / 1000})`
          : sql`true`
    const rows = await queryRows<{ id: string }>(
      this.ctx.db,
      sql`update messages set updated_at = clock_timestamp()
        where id = ${messageId} and provider_message_id is null and status = 'queued' and ${condition}
        returning id`,
    )
    return rows.length > 0
  }

  private async deliver(messageId: string) {
    for (let attempt = 0; ; attempt++) {
      const isLastAttempt = attempt >= RETRY_DELAYS_MS.length
      try {
        if (attempt > 0 && !(await this.claim(messageId, 'renew'))) return
        const outcome = await sendOutbound(this.ctx, messageId, { isLastAttempt })
        if (outcome === 'sent') this.sent++
        if (outcome === 'failed') await refundUsage(this.ctx.db, this.org, 1, new Date())
        return
      } catch (err) {
        if (isLastAttempt) {
          this.ctx.log.error({ err, messageId }, 'broadcast message could not be sent')
          return
        }
        this.ctx.log.warn({ err, messageId, attempt: attempt + 1 }, 'broadcast send failed; retrying')
        await sleep(RETRY_DELAYS_MS[attempt] ?? 5_000)
      }
    }
  }
}
