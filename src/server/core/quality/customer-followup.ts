import { and, eq, sql } from 'drizzle-orm'
import { queryRows } from '../../db/client.js'
import { answerScores, conversations, messages } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { rescoreAnswer, rescoreConversation } from './score.js'
import { FOLLOWUP_STRENGTH, followupOf, isRatingReply, ratingOf } from './signals.js'

/**
 * A customer message was stored: a reply to the rating question ("4" within a day of it) is the
 * conversation's rating; anything else is what the customer made of the previous AI answer
 * (thanks, the same question again, asking for a person), kept on that answer when it says more
 * than what was kept. Both rescore. Called for every stored customer message (plan-batch.ts).
 */
export async function recordFollowup(
  ctx: Ctx,
  input: { organizationId: string; conversationId: string; messageId: string; body: string },
): Promise<void> {
  const [state] = await queryRows<{
    created_at: Date | string
    rating_asked_at: Date | string | null
    answer_id: string | null
    followup: string | null
    question_message_id: string | null
  }>(
    ctx.db,
    sql`
    select m.created_at, c.rating_asked_at, a.message_id as answer_id, a.followup, a.question_message_id
    from messages m
    join conversations c on c.id = m.conversation_id and c.organization_id = m.organization_id
    -- The latest scored AI answer before this message.
    left join lateral (
      select s.message_id, s.followup, s.question_message_id from answer_scores s
      join messages am on am.id = s.message_id
      where s.conversation_id = c.id and am.created_at < m.created_at
      order by am.created_at desc limit 1
    ) a on true
    where m.id = ${input.messageId} and m.organization_id = ${input.organizationId}
      and m.conversation_id = ${input.conversationId}`,
  )
  if (!state) return
  const at = new Date(state.created_at)
  const askedAt = state.rating_asked_at === null ? null : new Date(state.rating_asked_at)
  const rating = ratingOf(input.body)
  if (rating !== null && isRatingReply(input.body, askedAt, at)) {
    await ctx.db.transaction(async (tx) => {
      await tx
        .update(conversations)
        .set({ rating, ratedAt: at })
        .where(
          and(
            eq(conversations.id, input.conversationId),
            eq(conversations.organizationId, input.organizationId),
          ),
        )
      await rescoreConversation(tx, input.organizationId, input.conversationId)
    })
    return
  }
  if (!state.answer_id) return
  // The question is stored encrypted: read through the column's type, not the raw row.
  const question = state.question_message_id === null ? null : await bodyOf(ctx, state.question_message_id)
  const followup = followupOf(input.body, question)
  if (!followup) return
  const kept = state.followup as keyof typeof FOLLOWUP_STRENGTH | null
  if (kept && FOLLOWUP_STRENGTH[kept] >= FOLLOWUP_STRENGTH[followup]) return
  const answerId = state.answer_id
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(answerScores)
      .set({ followup })
      .where(and(eq(answerScores.messageId, answerId), eq(answerScores.organizationId, input.organizationId)))
    await rescoreAnswer(tx, input.organizationId, answerId)
    await rescoreConversation(tx, input.organizationId, input.conversationId)
  })
}

async function bodyOf(ctx: Ctx, messageId: string): Promise<string | null> {
  const [row] = await ctx.db.select({ body: messages.body }).from(messages).where(eq(messages.id, messageId))
  return row?.body ?? null
}

/**
 * recordFollowup for the customer messages a batch stored, after its transaction: scoring never
 * holds up or undoes the inbox (a failure is logged).
 */
export async function recordFollowups(
  ctx: Ctx,
  stored: { row: { body: string }; messageId: string; organizationId: string; conversationId: string }[],
): Promise<void> {
  for (const m of stored) {
    if (!m.messageId) continue
    await recordFollowup(ctx, {
      organizationId: m.organizationId,
      conversationId: m.conversationId,
      messageId: m.messageId,
      body: m.row.body,
    }).catch((err) => ctx.log.warn({ err, messageId: m.messageId }, 'recording a follow-up failed'))
  }
}
