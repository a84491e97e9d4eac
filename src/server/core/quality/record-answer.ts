import { and, eq } from 'drizzle-orm'
import { answerScores, contacts, conversations, organizations } from '../../db/schema/index.js'
import { embedderFor } from '../../providers/ai/embed-texts.js'
import { chooseModel } from '../../providers/ai/models.js'
import type { Ctx } from '../context.js'
import type { CustomerAnswer } from '../knowledge/answer-customer.js'
import { answerScore, rescoreConversation } from './score.js'
import { qualitySettingsOf } from './settings.js'
import { isLowConfidence, saysDontKnow } from './signals.js'

/**
 * Scores an AI answer from its signals when it is stored: the passages it used and how well the
 * best matched, whether it said "I don't know" or handed over. Then the conversation's score, and,
 * as the organization chose, a model's grade (queued) and the customer's rating question
 * (scheduled for when the chat has gone quiet; every answer pushes it back).
 */
export async function recordAnswer(
  ctx: Ctx,
  input: {
    organizationId: string
    conversationId: string
    messageId: string
    questionMessageId: string
    variantId: string | null
    answer: CustomerAnswer
  },
): Promise<void> {
  const [found] = await ctx.db
    .select({ ai: organizations.ai, simulated: contacts.simulated })
    .from(conversations)
    .innerJoin(organizations, eq(organizations.id, conversations.organizationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(
      and(eq(conversations.id, input.conversationId), eq(conversations.organizationId, input.organizationId)),
    )
  if (!found) return
  const { answer } = input
  const choice = chooseModel(ctx.config, found.ai)
  const madeByModel = answer.model !== 'builtin' && choice.provider !== 'builtin'
  const passages = answer.passages.map((p) => ({ sourceId: p.sourceId, title: p.title, score: p.score }))
  const saidDontKnow = saysDontKnow(answer)
  const signals = {
    fromKnowledge: passages.length > 0 && !saidDontKnow,
    saidDontKnow,
    escalated: answer.escalate,
    // Fused scores exist only when a model answered and an embedding model is configured.
    lowConfidence: isLowConfidence(passages, {
      mayBeFused: madeByModel && embedderFor(ctx.config) !== undefined,
    }),
    followup: null,
    grade: null,
  }
  await ctx.db
    .insert(answerScores)
    .values({
      messageId: input.messageId,
      organizationId: input.organizationId,
      conversationId: input.conversationId,
      questionMessageId: input.questionMessageId,
      variantId: input.variantId,
      passages,
      topScore: passages.length > 0 ? Math.max(...passages.map((p) => p.score)) : null,
      ...signals,
      score: answerScore(signals),
    })
    // A retried delivery scores the same answer again: the first score stands.
    .onConflictDoNothing()
  await rescoreConversation(ctx.db, input.organizationId, input.conversationId)

  const settings = qualitySettingsOf(found.ai)
  const graded =
    madeByModel &&
    (settings.grading === 'all' || (settings.grading === 'sample' && Math.random() < settings.sampleRate))
  if (graded) {
    await ctx.jobs.send('quality.grade', { organizationId: input.organizationId, messageId: input.messageId })
  }
  if (settings.askRating && !found.simulated) {
    // Every answer schedules a question for its own quiet period; the ones that find a later
    // message do nothing (ask-rating.ts), so the last answer's is the one that asks.
    await ctx.jobs.send(
      'quality.ask-rating',
      { organizationId: input.organizationId, conversationId: input.conversationId },
      { singletonKey: input.conversationId, startAfter: settings.ratingDelayMinutes * 60 },
    )
  }
}
