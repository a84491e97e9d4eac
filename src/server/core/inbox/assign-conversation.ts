import { and, eq, sql } from 'drizzle-orm'
import { conversations, memberships } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { oneConversation } from '../conversations/conversations.js'
import { BadRequest } from '../errors.js'
import { can, isUuid } from '../members/permissions.js'
import { authorizePerson } from './authorize-person.js'
import { lockConversation } from './lock-conversation.js'

const notAssignable = () =>
  new BadRequest('Invalid input', [
    { path: 'userId', message: 'not a member of this organization who may reply to customers' },
  ])

/**
 * Assigns the conversation to a member who may reply (agent and up), or takes the assignment off
 * (`userId` null). People only; recorded in the audit log. The status (AI or person) is untouched:
 * assigning says who looks after it, taking over is what stops the AI.
 */
export async function assignConversation({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; conversationId: string; userId: string | null }
}) {
  await authorizePerson(ctx, input.organizationId, 'conversations:reply')
  await ctx.db.transaction(async (tx) => {
    const before = await lockConversation(tx, input.organizationId, input.conversationId)
    if (input.userId !== null) {
      if (!isUuid(input.userId)) throw notAssignable()
      const [member] = await tx
        .select({ role: memberships.role })
        .from(memberships)
        .where(
          and(eq(memberships.organizationId, input.organizationId), eq(memberships.userId, input.userId)),
        )
      if (!member || !can(member.role, 'conversations:reply')) throw notAssignable()
    }
    if (before.assignedUserId === input.userId) return
    await tx
      .update(conversations)
      .set({ assignedUserId: input.userId, updatedAt: sql`now()` })
      .where(and(eq(conversations.id, before.id), eq(conversations.organizationId, input.organizationId)))
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'conversation.assigned',
        target: { type: 'conversation', id: before.id },
        details: { userId: input.userId, previousUserId: before.assignedUserId },
      },
      tx,
    )
  })
  return oneConversation(ctx, input.organizationId, input.conversationId)
}
