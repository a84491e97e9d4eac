import { and, asc, desc, eq, sql } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { contacts, conversations, messages, organizations } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { markNeedsAttention } from '../conversations/attention.js'
import { variantFor } from '../experiments/variant-for.js'
import { answerCustomer, type ConversationTurn } from '../knowledge/answer-customer.js'
import { recordAnswer } from '../quality/record-answer.js'
import { refundUsage } from '../usage/usage.js'
import { emitEvent } from '../webhooks/emit.js'
import { markMessageFailed, type OutboundRow, sendOutbound } from './send-outbound.js'

type MessageRow = typeof messages.$inferSelect
type Source = MessageRow['source']

/** Sources counted against the monthly limit (given back when never sent). */
// What counts against the month (countedBy in decide-reply.ts): the welcome never does.
const COUNTED: Source[] = ['out_of_hours', 'ai']
const HISTORY_TURNS = 10
/** A burst's messages are stored together (one transaction), well within this. */
const BURST_STORED_WITHIN_MS = 60_000
const BURST_MAX = 20

/**
 * Sends what was planned for one customer message: notices and the welcome first, then the AI
 * answer (made now if an earlier attempt did not). A reply with a provider id is never sent again,
 * so running this twice sends nothing twice. Retryable failures throw unless it is the last attempt.
 */
export async function deliverReplies(ctx: Ctx, messageId: string, attempt: { isLastAttempt: boolean }) {
  const pending = await ctx.db
    .select({ message: messages, conversation: conversations, contact: contacts, org: organizations })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(organizations, eq(organizations.id, messages.organizationId))
    .where(and(eq(messages.replyToId, messageId), eq(messages.status, 'queued')))
    .orderBy(asc(messages.createdAt))
  const send = async (reply: OutboundRow & { org: typeof organizations.$inferSelect }) => {
    const outcome = await sendOutbound(ctx, reply.message.id, attempt, reply)
    if (outcome === 'failed' && COUNTED.includes(reply.message.source) && !reply.contact.simulated) {
      // Never sent: it does not count against the month.
      await refundUsage(ctx.db, reply.org, 1, reply.message.createdAt)
    }
  }
  for (const reply of pending) if (reply.message.source !== 'ai') await send(reply)

  const aiReply = pending.find((r) => r.message.source === 'ai')
  if (!aiReply) return
  if (aiReply.message.body === '') {
    const answered = await answer(ctx, messageId, aiReply, attempt)
    if (!answered) return
    aiReply.message.body = answered
  }
  await send(aiReply)
}

/** Makes and records the AI answer; on the last attempt a failure is recorded and shown. */
async function answer(
  ctx: Ctx,
  messageId: string,
  reply: OutboundRow & { org: typeof organizations.$inferSelect },
  attempt: { isLastAttempt: boolean },
): Promise<string | null> {
  const { org, conversation, contact } = reply
  const [inbound] = await ctx.db.select().from(messages).where(eq(messages.id, messageId))
  if (!inbound) return null
  // A question split over several messages is answered as one; the earlier ones are its start.
  const burst = [...(await burstBefore(ctx, inbound)), inbound]
  const log = ctx.log.child({ messageId, organizationId: org.id })
  // A running experiment answers this contact with its variant of the assistant (sticky).
  const variant = await variantFor(ctx.db, { organizationId: org.id, contactId: contact.id })
  let result: Awaited<ReturnType<typeof answerCustomer>>
  try {
    result = await answerCustomer({
      ctx,
      input: {
        organizationId: org.id,
        message: burst.map(withMediaNote).join('\n'),
        history: await historyOf(ctx, burst[0] ?? inbound),
        customerName: contact.profileName ?? undefined,
        variant: variant?.settings,
      },
    })
  } catch (err) {
    if (!attempt.isLastAttempt) throw err
    const reason = `The assistant could not answer: ${err instanceof Error ? err.message : String(err)}`
    await markMessageFailed(ctx, reply.message.id, reason, 'model')
    if (!contact.simulated) await refundUsage(ctx.db, org, 1, reply.message.createdAt)
    log.error({ err }, 'AI answer failed for good')
    return null
  }
  const text = result.text.slice(0, 4096)
  const record = (db: Tx) =>
    db
      .update(messages)
      .set({
        body: text,
        model: result.model,
        tokensIn: result.tokensIn,
        tokensOut: result.tokensOut,
        latencyMs: result.latencyMs,
        variantId: variant?.variantId ?? null,
        updatedAt: sql`now()`,
      })
      .where(eq(messages.id, reply.message.id))
  if (result.escalate) {
    await ctx.db.transaction(async (tx) => {
      await record(tx)
      const [before] = await tx
        .select({ status: conversations.status })
        .from(conversations)
        .where(eq(conversations.id, conversation.id))
        .for('update')
      await tx
        .update(conversations)
        .set({ status: 'human', updatedAt: sql`now()` })
        .where(eq(conversations.id, conversation.id))
      await markNeedsAttention(tx, ctx.jobs, {
        organizationId: org.id,
        conversationId: conversation.id,
        reason: result.escalation ?? 'assistant_unable',
        notify: !contact.simulated,
      })
      if (before && before.status !== 'human' && !contact.simulated) {
        await emitEvent(
          tx,
          {
            organizationId: org.id,
            type: 'conversation.handed_off',
            orderingKey: conversation.id,
            subjectPhone: contact.waId,
            data: {
              conversationId: conversation.id,
              contact: { id: contact.id, phone: contact.waId, name: contact.profileName },
              by: { type: 'assistant' },
              reason: 'escalated',
              messageId,
              at: new Date().toISOString(),
            },
          },
          ctx.jobs,
        )
      }
    })
    log.info('conversation handed to a human')
  } else {
    await record(ctx.db)
  }
  // Scoring never holds the answer back: a failure is logged, the answer still goes out.
  await recordAnswer(ctx, {
    organizationId: org.id,
    conversationId: conversation.id,
    messageId: reply.message.id,
    questionMessageId: messageId,
    variantId: variant?.variantId ?? null,
    answer: result,
  }).catch((err) => log.warn({ err }, 'scoring the answer failed'))
  return text
}

/**
 * The conversation before this customer message. A chat's messages are stored one at a time, in
 * order, so every reply to an earlier message is older than this one.
 */
async function historyOf(ctx: Ctx, inbound: MessageRow): Promise<ConversationTurn[]> {
  const rows = await ctx.db
    .select({ direction: messages.direction, body: messages.body, status: messages.status })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, inbound.conversationId),
        sql`${messages.createdAt} < (select m.created_at from messages m where m.id = ${inbound.id})`,
      ),
    )
    .orderBy(desc(messages.createdAt))
    .limit(HISTORY_TURNS)
  return rows
    .reverse()
    .filter((r) => r.body.trim() !== '' && r.status !== 'failed')
    .map((r) => ({ role: r.direction === 'inbound' ? 'customer' : 'assistant', text: r.body }))
}

/**
 * The customer's messages answered together with this one (oldest first): those stored just
 * before it, with no reply of their own and nothing sent in between. The inbound worker stores a
 * burst in one transaction and plans one answer, on its last message (core/inbound/decide-burst.ts);
 * the time bound keeps older unanswered messages (sent while the team held the chat, or while
 * closed) out of it.
 */
async function burstBefore(ctx: Ctx, inbound: MessageRow): Promise<MessageRow[]> {
  const earlier = await ctx.db
    .select({
      message: messages,
      answered: sql<boolean>`exists (select 1 from messages r where r.reply_to_id = ${messages.id})`,
    })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, inbound.conversationId),
        // In SQL: a burst's timestamps differ by microseconds, which a JS Date cannot tell apart.
        sql`${messages.createdAt} < (select m.created_at from messages m where m.id = ${inbound.id})`,
        sql`${messages.createdAt} >= (select m.created_at from messages m where m.id = ${inbound.id}) - ${BURST_STORED_WITHIN_MS} * interval '1 millisecond'`,
      ),
    )
    .orderBy(desc(messages.createdAt))
    .limit(BURST_MAX)
  const burst: MessageRow[] = []
  for (const { message, answered } of earlier) {
    if (message.direction !== 'inbound' || answered) break
    burst.unshift(message)
  }
  return burst
}

/** The customer's text, plus a note of any media (the assistant cannot see it). */
export function withMediaNote(message: Pick<MessageRow, 'body' | 'media'>): string {
  if (message.media.length === 0) return message.body
  const kinds = message.media.map((m) => m.contentType).join(', ')
  const note = `[The customer sent ${message.media.length} attachment${message.media.length === 1 ? '' : 's'} (${kinds}) that you cannot see.]`
  return message.body.trim() ? `${message.body}\n${note}` : note
}
