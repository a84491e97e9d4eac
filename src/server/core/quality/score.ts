import { and, eq, sql } from 'drizzle-orm'
import type { AnswerFollowup } from '../../../shared/enums.js'
import { queryRows, type Tx } from '../../db/client.js'
import { type AnswerGrade, answerScores, conversations } from '../../db/schema/index.js'

// How an answer's signals become one number, and answers' numbers a conversation's. Written down
// in docs/guide/analytics.md ("Answer quality"); change both together.

export interface AnswerSignals {
  fromKnowledge: boolean
  saidDontKnow: boolean
  escalated: boolean
  lowConfidence: boolean
  followup: AnswerFollowup | null
  grade: AnswerGrade | null
}

const clamp = (x: number) => Math.min(1, Math.max(0, x))
const round = (x: number) => Math.round(x * 1000) / 1000

/** A model's grade as one number: grounded and helpful matter most, tone less. */
export const gradeValue = (g: AnswerGrade) => 0.4 * g.groundedness + 0.4 * g.helpfulness + 0.2 * g.tone

/**
 * 0..1. The base: 0.9 answered from the knowledge with a good match, 0.6 from a weak match, 0.2
 * "I don't know" (or "a person will help"), 0.5 anything else (a greeting, an answer from the
 * business facts without a retrieved passage). Then −0.1 when the assistant handed the chat over,
 * and the customer's next message: +0.1 thanks, −0.3 the same question again, −0.3 asking for a
 * person. With a model's grade, the score is half these signals and half the grade.
 */
export function answerScore(s: AnswerSignals): number {
  let score = s.saidDontKnow ? 0.2 : s.fromKnowledge ? (s.lowConfidence ? 0.6 : 0.9) : 0.5
  if (s.escalated) score -= 0.1
  if (s.followup === 'thanked') score += 0.1
  if (s.followup === 'repeated' || s.followup === 'asked_person') score -= 0.3
  score = clamp(score)
  if (s.grade) score = 0.5 * score + 0.5 * clamp(gradeValue(s.grade))
  return round(score)
}

/** A 1–5 rating on the 0..1 scale. */
export const ratingValue = (rating: number) => (rating - 1) / 4

/**
 * 0..1: the mean of the conversation's answer scores; when the customer rated it, half that mean
 * and half the rating ((rating − 1) / 4), or the rating alone when no answer was scored.
 */
export function conversationScore(answerScoresMean: number | null, rating: number | null): number | null {
  if (rating === null) return answerScoresMean === null ? null : round(answerScoresMean)
  if (answerScoresMean === null) return round(ratingValue(rating))
  return round(0.5 * answerScoresMean + 0.5 * ratingValue(rating))
}

/** Scores an answer again from its stored signals (after a follow-up or a grade); returns the new score. */
export async function rescoreAnswer(db: Tx, organizationId: string, messageId: string) {
  const [row] = await db
    .select()
    .from(answerScores)
    .where(and(eq(answerScores.messageId, messageId), eq(answerScores.organizationId, organizationId)))
  if (!row) return null
  const score = answerScore(row)
  await db
    .update(answerScores)
    .set({ score })
    .where(and(eq(answerScores.messageId, messageId), eq(answerScores.organizationId, organizationId)))
  return { conversationId: row.conversationId, score }
}

/** Sets conversations.quality_score from its answers and its rating (conversationScore). */
export async function rescoreConversation(db: Tx, organizationId: string, conversationId: string) {
  const [row] = await queryRows<{ mean: number | string | null; rating: number | null }>(
    db,
    sql`
    select (select avg(score)::float8 from answer_scores
            where conversation_id = ${conversationId} and organization_id = ${organizationId}) as mean,
           c.rating
    from conversations c where c.id = ${conversationId} and c.organization_id = ${organizationId}`,
  )
  if (!row) return
  const score = conversationScore(row.mean === null ? null : Number(row.mean), row.rating)
  await db
    .update(conversations)
    .set({ qualityScore: score })
    .where(and(eq(conversations.id, conversationId), eq(conversations.organizationId, organizationId)))
}
