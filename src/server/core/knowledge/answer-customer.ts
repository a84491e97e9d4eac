import type { Ctx } from '../context.js'

// CONTRACT between the inbound pipeline (caller) and the knowledge/AI area (implementer).
// The signature and the CustomerAnswer shape are fixed; the body is the knowledge issue's.

export interface ConversationTurn {
  role: 'customer' | 'assistant'
  text: string
}

export interface UsedPassage {
  sourceId: string
  title: string
  content: string
  score: number
}

export interface CustomerAnswer {
  /** What to send to the customer. */
  text: string
  /**
   * The customer asked for a person, or the assistant cannot help: the caller hands the
   * conversation to a human (status `human`, team notified) after sending `text`, which tells the
   * customer someone will answer.
   */
  escalate: boolean
  passages: UsedPassage[]
  /** e.g. `builtin` or `deepseek:deepseek-chat`. */
  model: string
  tokensIn: number | null
  tokensOut: number | null
  latencyMs: number
}

/**
 * Answers one customer message from the organization's own knowledge, the recent conversation
 * and its AI settings. Throws ProviderFailed (retryable) when the model provider fails.
 */
export async function answerCustomer({
  ctx: _ctx,
  input,
}: {
  ctx: Ctx
  input: {
    organizationId: string
    message: string
    /** Oldest first, without the current message. */
    history: ConversationTurn[]
    customerName?: string
  }
}): Promise<CustomerAnswer> {
  const started = performance.now()
  return {
    text: `Thanks for your message! I don't have an answer for "${input.message.slice(0, 80)}" yet. Would you like a person from our team to help?`,
    escalate: false,
    passages: [],
    model: 'builtin',
    tokensIn: null,
    tokensOut: null,
    latencyMs: Math.round(performance.now() - started),
  }
}
