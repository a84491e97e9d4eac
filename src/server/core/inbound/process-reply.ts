import { and, asc, desc, eq, lt, ne, sql } from 'drizzle-orm'
import { contacts, conversations, limitNotices, messages, organizations } from '../../db/schema/index.js'
import { executePrepared, type Tx } from '../../db/client.js'
import type { Ctx } from '../context.js'
import { answerCustomer, type ConversationTurn } from '../knowledge/answer-customer.js'
import { monthlyLimitOf } from '../organizations/view.js'
import { monthKey } from '../usage/month.js'
import { markLimitReached, refundUsage, reserveUsage } from '../usage/usage.js'
import { openState } from './business-hours.js'
import { isStart, isStop, OPT_IN_CONFIRMATION, OPT_OUT_CONFIRMATION } from './opt-out.js'
import { markMessageFailed, type OutboundRow, sendOutbound } from './send-outbound.js'

type MessageRow = typeof messages.$inferSelect
type Source = MessageRow['source']

export const LIMIT_NOTICE =
  'Thank you for your message! We have reached our messaging limit for this month, so we cannot reply here right now. Please contact us another way, or write again next month.'

class OverLimit extends Error {
  constructor(readonly hadWelcome: boolean) {
    super('over the monthly limit')
  }
}

/** Sources counted against the monthly limit. */
const COUNTED: Source[] = ['welcome', 'out_of_hours', 'ai']
const HISTORY_TURNS = 10

/**
 * The reply job for one customer message (SPEC §6), in order: opt-out, human hand-off, monthly
 * limit, business hours, welcome, AI answer. Every outbound message is a row unique per
 * (customer message, kind), so a job that runs again resumes without sending anything twice.
 */
export async function processReply(ctx: Ctx, messageId: string, job: { isLastAttempt: boolean }) {
  const [row] = await ctx.db
    .select({ message: messages, conversation: conversations, contact: contacts, org: organizations })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(organizations, eq(organizations.id, messages.organizationId))
    .where(and(eq(messages.id, messageId), eq(messages.direction, 'inbound')))
  if (!row) return
  const { message, org } = row
  let { contact, conversation } = row
  const log = ctx.log.child({ messageId, organizationId: org.id })

  // 1. Opt-out / opt-in.
  if (isStop(message.body) || isStart(message.body)) {
    const stop = isStop(message.body)
    await ctx.db.transaction(async (tx) => {
      const changed = await tx
        .update(contacts)
        .set({ optedOut: stop, optedOutAt: stop ? sql`now()` : null })
        .where(and(eq(contacts.id, contact.id), eq(contacts.optedOut, !stop)))
        .returning({ id: contacts.id })
      if (changed.length > 0) {
        await insertReplies(tx, message, [{ source: 'opt_out', body: stop ? OPT_OUT_CONFIRMATION : OPT_IN_CONFIRMATION }])
      }
    })
    for (const reply of await pendingReplies(ctx, messageId)) await sendReply(ctx, reply, job)
    log.info({ optedOut: stop }, 'opt-out keyword handled')
    return
  }
  if (contact.optedOut) {
    log.info('contact opted out; no reply')
    return
  }

  // 2. A human has the conversation: no AI; the team sees it.
  if (conversation.status === 'human') {
    await ctx.db.update(conversations).set({ needsAttention: true, updatedAt: sql`now()` }).where(eq(conversations.id, conversation.id))
    return
  }

  // 3–5. What to send, counted against the limit in the same transaction that records it.
  const now = new Date()
  const hours = openState(org.businessHours, now)
  // The usage row is the one every reply of the organization updates: it is counted last, right
  // before the commit, so its lock is held as briefly as possible. Over the limit, the
  // transaction rolls back (nothing planned stays) and the limit path runs instead.
  const plan = async (dropWelcome: boolean) =>
    ctx.db.transaction(async (tx) => {
      // Re-read under lock (another message of this contact may have welcomed or notified them),
      // and whether an earlier attempt already planned this message's replies.
      const [fresh] = await tx
        .select({
          contact: contacts,
          conversation: conversations,
          planned: sql<boolean>`exists (select 1 from messages r where r.reply_to_id = ${messageId})`,
        })
        .from(contacts)
        .innerJoin(conversations, eq(conversations.id, conversation.id))
        .where(eq(contacts.id, contact.id))
        .for('update', { of: contacts })
      if (fresh.planned) return 'planned' as const
      contact = fresh.contact
      conversation = fresh.conversation

      let replies: { source: Source; body: string }[]
      if (!hours.open) {
        if (conversation.outOfHoursNoticeFor === hours.periodKey) return 'nothing' as const // told once this closed period
        replies = [{ source: 'out_of_hours', body: org.businessHours.outOfHoursMessage }]
      } else {
        const welcome = !dropWelcome && contact.welcomedAt === null && org.welcomeMessage.trim() !== ''
        replies = [...(welcome ? [{ source: 'welcome' as const, body: org.welcomeMessage }] : []), { source: 'ai', body: '' }]
      }
      await insertReplies(tx, message, replies)
      if (contact.welcomedAt === null) {
        await tx.update(contacts).set({ welcomedAt: sql`now()` }).where(eq(contacts.id, contact.id))
      }
      if (!hours.open) {
        await tx
          .update(conversations)
          .set({ outOfHoursNoticeFor: hours.periodKey, updatedAt: sql`now()` })
          .where(eq(conversations.id, conversation.id))
      }
      if (!(await reserveUsage(tx, org, replies.length, now))) {
        throw new OverLimit(replies.some((r) => r.source === 'welcome'))
      }
      return 'planned' as const
    })

  // Over the limit, `plan` throws to roll its transaction back; here that is an outcome.
  const tryPlan = async (dropWelcome: boolean) => {
    try {
      return await plan(dropWelcome)
    } catch (err) {
      if (!(err instanceof OverLimit)) throw err
      return err.hadWelcome ? ('over-with-welcome' as const) : ('over' as const)
    }
  }
  // The common case (open, within the limit) in one statement; anything else, the general path.
  let outcome = hours.open && (await planInOneStatement(ctx, { message, contactId: contact.id, org, now })) ? 'planned' : await tryPlan(false)
  // Room for the answer but not the welcome too: answer without the welcome.
  if (outcome === 'over-with-welcome') outcome = await tryPlan(true)
  if (outcome === 'over' || outcome === 'over-with-welcome') {
    await ctx.db.transaction(async (tx) => {
      await markLimitReached(tx, org, now)
      const first = await tx
        .insert(limitNotices)
        .values({ organizationId: org.id, contactId: contact.id, month: monthKey(now, org.businessHours.timezone) })
        .onConflictDoNothing()
        .returning()
      if (first.length > 0) await insertReplies(tx, message, [{ source: 'limit_notice', body: LIMIT_NOTICE }])
      log.info({ noticeSent: first.length > 0 }, 'monthly limit reached; no AI reply')
    })
  }

  // Send what was planned: notices and the welcome first, then the AI answer.
  const pending = await pendingReplies(ctx, messageId)
  for (const reply of pending) if (reply.message.source !== 'ai') await sendReply(ctx, reply, job, org)

  // 6. The AI answer.
  const aiReply = pending.find((r) => r.message.source === 'ai')
  if (!aiReply) return
  const aiRow = aiReply.message
  if (aiRow.body === '') {
    const history = await historyBefore(ctx, conversation.id, message.createdAt)
    let answer: Awaited<ReturnType<typeof answerCustomer>>
    try {
      answer = await answerCustomer({
        ctx,
        input: {
          organizationId: org.id,
          message: withMediaNote(message),
          history,
          customerName: contact.profileName ?? undefined,
        },
      })
    } catch (err) {
      if (!job.isLastAttempt) throw err
      const reason = `The assistant could not answer: ${err instanceof Error ? err.message : String(err)}`
      await markMessageFailed(ctx, aiRow.id, reason, 'model')
      await ctx.db.transaction(async (tx) => {
        await refundUsage(tx, org, 1, aiRow.createdAt)
        await tx.update(conversations).set({ needsAttention: true }).where(eq(conversations.id, conversation.id))
      })
      log.error({ err }, 'AI answer failed for good')
      return
    }
    const record = (db: Tx) =>
      db
        .update(messages)
        .set({
          body: answer.text.slice(0, 4096),
          model: answer.model,
          tokensIn: answer.tokensIn,
          tokensOut: answer.tokensOut,
          latencyMs: answer.latencyMs,
          updatedAt: sql`now()`,
        })
        .where(eq(messages.id, aiRow.id))
    if (answer.escalate) {
      await ctx.db.transaction(async (tx) => {
        await record(tx)
        await tx
          .update(conversations)
          .set({ status: 'human', needsAttention: true, updatedAt: sql`now()` })
          .where(and(eq(conversations.id, conversation.id), ne(conversations.status, 'closed')))
      })
    } else {
      await record(ctx.db)
    }
    if (answer.escalate) log.info('conversation handed to a human')
    aiRow.body = answer.text.slice(0, 4096)
  }
  await sendReply(ctx, aiReply, job, org)
}

async function insertReplies(tx: Tx, inbound: MessageRow, replies: { source: Source; body: string }[]) {
  await tx
    .insert(messages)
    .values(
      replies.map((r, i) => ({
        organizationId: inbound.organizationId,
        conversationId: inbound.conversationId,
        direction: 'outbound' as const,
        body: r.body,
        status: 'queued' as const,
        source: r.source,
        replyToId: inbound.id,
        // Rows of one transaction share now(): the wall clock (plus the position, for clocks
        // too coarse to tell the rows apart) keeps the welcome before the answer.
        createdAt: sql`clock_timestamp() + ${i} * interval '1 millisecond'`,
      })),
    )
    .onConflictDoNothing()
}

/**
 * $1 welcome text ('' for none), $2 contact, $3 customer message, $4 organization, $5 month,
 * $6 monthly limit, $7 conversation. Prepared: its planning costs as much as running it.
 */
const PLAN_REPLY_SQL = `
    with fresh as (
      select (welcomed_at is null and $1::text <> '') as wants_welcome from contacts where id = $2::text for update
    ), planned as (
      select 1 from messages where reply_to_id = $3::text limit 1
    ), need as (
      select 1 + (select count(*) from fresh where wants_welcome)::int as n
    ), usage as (
      insert into monthly_usage (organization_id, month, message_count)
      select $4::text, $5::text, need.n from need
      where not exists (select 1 from planned) and need.n <= $6::int
      on conflict (organization_id, month) do update
        set message_count = monthly_usage.message_count + excluded.message_count
        where monthly_usage.message_count + excluded.message_count <= $6::int
      returning 1
    ), replies as (
      insert into messages (organization_id, conversation_id, direction, body, status, source, reply_to_id, created_at)
      select $4::text, $7::text, 'outbound', v.body, 'queued', v.source::message_source, $3::text,
             clock_timestamp() + v.ord * interval '1 millisecond'
      from (values (0, 'welcome', $1::text::text), (1, 'ai', '')) as v(ord, source, body)
      where exists (select 1 from usage) and (v.source = 'ai' or exists (select 1 from fresh where wants_welcome))
      on conflict do nothing
      returning 1
    ), welcomed as (
      update contacts set welcomed_at = now()
      where id = $2::text and welcomed_at is null and exists (select 1 from usage)
      returning 1
    )
    select exists (select 1 from planned) as planned, exists (select 1 from usage) as fits,
           (select count(*) from replies)::int as replies, (select count(*) from welcomed)::int as welcomed`

/**
 * Plans the welcome (for a contact never welcomed) and the AI answer, and counts them against the
 * month, in ONE autocommitted statement: the organization's usage row, which every reply updates,
 * stays locked only inside PostgreSQL, never across a round trip to this process. Returns false
 * when it could not (over the limit, or with the welcome): the general path then decides.
 */
async function planInOneStatement(
  ctx: Ctx,
  { message, contactId, org, now }: { message: MessageRow; contactId: string; org: typeof organizations.$inferSelect; now: Date },
): Promise<boolean> {
  const welcome = org.welcomeMessage.trim() === '' ? '' : org.welcomeMessage
  const [row] = await executePrepared<{ planned: boolean; fits: boolean }>(ctx.db, 'reply_plan_v1', PLAN_REPLY_SQL, [
    welcome,
    contactId,
    message.id,
    org.id,
    monthKey(now, org.businessHours.timezone),
    monthlyLimitOf(org),
    message.conversationId,
  ])
  return row.planned || row.fits
}

/** This message's replies not sent yet, oldest first, with what sending them needs. */
function pendingReplies(ctx: Ctx, messageId: string) {
  return ctx.db
    .select({ message: messages, conversation: conversations, contact: contacts })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(messages.replyToId, messageId), eq(messages.status, 'queued')))
    .orderBy(asc(messages.createdAt))
}

async function sendReply(ctx: Ctx, reply: OutboundRow, job: { isLastAttempt: boolean }, org?: typeof organizations.$inferSelect) {
  const outcome = await sendOutbound(ctx, reply.message.id, job, reply)
  if (outcome === 'failed' && org && COUNTED.includes(reply.message.source)) {
    // Never sent: it does not count against the month.
    await refundUsage(ctx.db, org, 1, reply.message.createdAt)
  }
}

async function historyBefore(ctx: Ctx, conversationId: string, before: Date): Promise<ConversationTurn[]> {
  const rows = await ctx.db
    .select({ direction: messages.direction, body: messages.body, media: messages.media, status: messages.status })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), lt(messages.createdAt, before)))
    .orderBy(desc(messages.createdAt))
    .limit(HISTORY_TURNS)
  return rows
    .reverse()
    .filter((r) => r.body.trim() !== '' && r.status !== 'failed')
    .map((r) => ({ role: r.direction === 'inbound' ? 'customer' : 'assistant', text: r.body }))
}

/** The customer's text, plus a note of any media (the assistant cannot see it). */
export function withMediaNote(message: Pick<MessageRow, 'body' | 'media'>): string {
  if (message.media.length === 0) return message.body
  const kinds = message.media.map((m) => m.contentType).join(', ')
  const note = `[The customer sent ${message.media.length} attachment${message.media.length === 1 ? '' : 's'} (${kinds}) that you cannot see.]`
  return message.body.trim() ? `${message.body}\n${note}` : note
}
