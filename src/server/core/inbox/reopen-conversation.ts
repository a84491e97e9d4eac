import { and, eq, sql } from 'drizzle-orm'
import { conversations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { oneConversation } from '../conversations/conversations.js'
import { authorizeOrganization } from '../members/permissions.js'
import { lockConversation } from './lock-conversation.js'

/** Back into the open conversations (a customer's new message does the same by itself). */
export async function reopenConversation({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; conversationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'conversations:reply')
  await ctx.db.transaction(async (tx) => {
    const before = await lockConversation(tx, input.organizationId, input.conversationId)
    if (!before.resolvedAt) return
    await tx
      .update(conversations)
      .set({ resolvedAt: null, updatedAt: sql`now()` })
      .where(and(eq(conversations.id, before.id), eq(conversations.organizationId, input.organizationId)))
  })
  return oneConversation(ctx, input.organizationId, input.conversationId)
}
