import { and, eq, sql } from 'drizzle-orm'
import { conversations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { clearAttention } from '../conversations/attention.js'
import { oneConversation } from '../conversations/conversations.js'
import { authorizeOrganization } from '../members/permissions.js'
import { lockConversation } from './lock-conversation.js'

/**
 * The team is done with the conversation: `resolved_at` is set (kept when already resolved) and
 * the attention episode ends, so a later need is a new episode with new notifications. The status
 * stays as it is — resolving does not hand a conversation back to the AI (hand-back does): a chat a
 * person holds stays theirs, and the customer's next message reopens it.
 */
export async function resolveConversation({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; conversationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'conversations:reply')
  await ctx.db.transaction(async (tx) => {
    const before = await lockConversation(tx, input.organizationId, input.conversationId)
    await clearAttention(tx, input)
    if (before.resolvedAt) return
    await tx
      .update(conversations)
      .set({ resolvedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(conversations.id, before.id), eq(conversations.organizationId, input.organizationId)))
  })
  return oneConversation(ctx, input.organizationId, input.conversationId)
}
