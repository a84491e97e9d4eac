import { eq, sql } from 'drizzle-orm'
import { oneRow } from '../../db/client.js'
import { conversations, messages, organizations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Conflict } from '../errors.js'
import { sendableLimitOf } from '../organizations/view.js'
import { reserveUsage } from '../usage/usage.js'

/**
 * Stores an agent's outbound message as `queued` (source `agent`, not counted against the month) and
 * enqueues the `messages.send` job in the same transaction, then wakes the sender after the commit.
 * Writing takes the conversation over, so the AI does not answer the customer's reply over the agent.
 * Sent with an API key, the message is an integration's: counted against the month, no take-over.
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
          // A key whose maker's account is gone acts for nobody in particular.
          authorUserId: ctx.actor.userId || null,
        })
        .returning(),
      'message',
    )
    if (ctx.actor.apiKey) {
      // An integration's message (an order update, a reminder) is automated: it counts against the
      // month like a broadcast, and the AI keeps answering the customer's reply.
      const org = oneRow(
        await tx.select().from(organizations).where(eq(organizations.id, input.organizationId)),
        'organization',
      )
      if (!(await reserveUsage(tx, org, 1, undefined, ctx.jobs))) {
        throw new Conflict(
          `The organization reached its limit of ${sendableLimitOf(org)} messages this month`,
          {
            reason: 'OVER_LIMIT',
          },
        )
      }
      await tx
        .update(conversations)
        .set({ lastMessageAt: sql`now()`, updatedAt: sql`now()` })
        .where(eq(conversations.id, input.conversationId))
    } else {
      await tx
        .update(conversations)
        .set({
          status: 'human',
          needsAttention: false,
          attentionSince: null,
          lastMessageAt: sql`now()`,
          updatedAt: sql`now()`,
        })
        .where(eq(conversations.id, input.conversationId))
    }
    await ctx.jobs.send('messages.send', { messageId: row.id }, { tx })
    return row
  })
  ctx.jobs.wake('messages.send')
  return message
}
