import type { Ctx } from '../context.js'

/**
 * A customer message was stored: what it says about the previous AI answer (thanks, the same
 * question again, asking for a person) or a reply to the rating question (quality helper implements).
 */
export async function recordFollowup(
  _ctx: Ctx,
  _input: { organizationId: string; conversationId: string; messageId: string; body: string },
): Promise<void> {}
