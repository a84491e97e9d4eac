import type { Ctx } from '../context.js'
import type { CustomerAnswer } from '../knowledge/answer-customer.js'

/** Scores an AI answer from its signals when it is stored (quality helper implements). */
export async function recordAnswer(
  _ctx: Ctx,
  _input: {
    organizationId: string
    conversationId: string
    messageId: string
    questionMessageId: string
    variantId: string | null
    answer: CustomerAnswer
  },
): Promise<void> {}
