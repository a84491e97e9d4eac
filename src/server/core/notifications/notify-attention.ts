import type { Ctx } from '../context.js'

/** Tells the members who chose so that a conversation needs a person (live helper implements). */
export async function notifyAttention(_: {
  ctx: Ctx
  input: { organizationId: string; conversationId: string; episode: string }
}): Promise<void> {}
