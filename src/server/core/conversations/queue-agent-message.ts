import { eq, sql } from 'drizzle-orm'
import { oneRow } from '../../db/client.js'
import { conversations, messages } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'

/**
 * Stores an agent's outbound message as `queued` (source `agent`, not counted against the month) and
 * enqueues the `messages.send` job in the same transaction, then wakes the sender after the commit.
 * Writing takes the conversation over, so the AI does not answer the customer's reply over the agent.
 * Callers authorize and validate first; `template` is set for a template message (ContentSid + values).
 */
export async function queueAgentMessage(
  ctx: ActorCtx,
  input: {
    organizationId: string
    conversationId: string
    body: string
    template?: { id: string; variables: Record<string, string> }
  },
) {
  const message = await ctx.db.transaction(async (tx) => {
    const row = oneRow(
      await tx
        .insert(messages)
        .values({
          organizationId: input.organizationId,
          conversationId: input.conversationId,
          direction: 'outbound',
          body: input.body,
          status: 'queued',
          source: 'agent',
          ...(input.template
            ? { templateId: input.template.id, contentVariables: input.template.variables }
            : {}),
          authorUserId: ctx.actor.userId,
        })
        .returning(),
      'message',
    )
    await tx
      .update(conversations)
      .set({ status: 'human', needsAttention: false, lastMessageAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(conversations.id, input.conversationId))
    await ctx.jobs.send('messages.send', { messageId: row.id }, { tx })
    return row
  })
  ctx.jobs.wake('messages.send')
  return message
}
