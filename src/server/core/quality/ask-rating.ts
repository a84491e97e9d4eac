import type { Ctx } from '../context.js'

/** Asks the customer for a 1–5 rating after a quiet period (quality helper implements). */
export async function askRating(_: {
  ctx: Ctx
  input: { organizationId: string; conversationId: string }
}): Promise<void> {}
