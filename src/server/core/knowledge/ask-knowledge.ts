import type { ActorCtx } from '../context.js'
import { answerCustomer } from './answer-customer.js'
import { authorizeKnowledgeBase } from './knowledge-base.js'

/** The "try it" box: answers a question exactly as a customer would be answered, with the passages used. */
export async function askKnowledge({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; question: string }
}) {
  await authorizeKnowledgeBase(ctx, input.organizationId, 'knowledge:read')
  const answer = await answerCustomer({
    ctx,
    input: { organizationId: input.organizationId, message: input.question, history: [] },
  })
  return {
    answer: answer.text,
    escalate: answer.escalate,
    passages: answer.passages,
    model: answer.model,
    latencyMs: answer.latencyMs,
  }
}
