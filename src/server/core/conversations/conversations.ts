import { and, asc, desc, eq, sql } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { readEncrypted } from '../../db/encrypted-columns.js'
import { contacts, conversations, messages } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { BadRequest, Conflict, NotFound } from '../errors.js'
import { SESSION_WINDOW_MS } from '../inbound/send-outbound.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'
import { emitEvent } from '../webhooks/emit.js'
import { queueAgentMessage } from './queue-agent-message.js'

type MessageRow = typeof messages.$inferSelect

export const messageView = (m: MessageRow) => ({
  id: m.id,
  direction: m.direction,
  body: m.body,
  media: m.media,
  status: m.status,
  errorCode: m.errorCode,
  errorMessage: m.errorMessage,
  source: m.source,
  templateId: m.templateId,
  model: m.model,
  latencyMs: m.latencyMs,
  createdAt: m.createdAt.toISOString(),
  sentAt: m.sentAt?.toISOString() ?? null,
})

/** Conversation summaries of an organization, most recent first. */
export async function conversationSummaries(
  db: Tx,
  organizationId: string,
  opts: { limit: number; conversationId?: string },
) {
  const lastMessage = sql<
    string | null
  >`(select m.body from messages m where m.conversation_id = ${conversations.id} and m.body <> '' order by m.created_at desc limit 1)`.mapWith(
    (v: string | null): string | null => readEncrypted(v),
  )
  const rows = await db
    .select({ conversation: conversations, contact: contacts, lastMessage })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(
      and(
        eq(conversations.organizationId, organizationId),
        opts.conversationId ? eq(conversations.id, opts.conversationId) : undefined,
      ),
    )
    .orderBy(desc(conversations.lastMessageAt))
    .limit(opts.limit)
  const now = Date.now()
  return rows.map((r) => ({
    id: r.conversation.id,
    status: r.conversation.status,
    needsAttention: r.conversation.needsAttention,
    lastMessageAt: r.conversation.lastMessageAt.toISOString(),
    createdAt: r.conversation.createdAt.toISOString(),
    lastMessage: r.lastMessage,
    ...sessionWindow(r.conversation.lastInboundAt, now),
    contact: {
      waId: r.contact.waId,
      profileName: r.contact.profileName,
      optedOut: r.contact.optedOut,
      simulated: r.contact.simulated,
    },
  }))
}

/**
 * WhatsApp's customer service window: free text may be sent until 24 hours after the customer's
 * last message; after that (or before they ever wrote) only an approved template.
 */
export function sessionWindow(lastInboundAt: Date | null, now = Date.now()) {
  const closesAt = lastInboundAt ? lastInboundAt.getTime() + SESSION_WINDOW_MS : null
  return {
    windowOpen: closesAt !== null && now < closesAt,
    windowClosesAt: closesAt === null ? null : new Date(closesAt).toISOString(),
  }
}

export async function listConversations({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; limit?: number }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'conversations:read')
  return conversationSummaries(ctx.db, input.organizationId, { limit: input.limit ?? 50 })
}

export async function oneConversation(ctx: ActorCtx, organizationId: string, conversationId: string) {
  if (!isUuid(conversationId)) throw new NotFound('Conversation')
  const [summary] = await conversationSummaries(ctx.db, organizationId, { limit: 1, conversationId })
  if (!summary) throw new NotFound('Conversation')
  return summary
}

export async function getConversation({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; conversationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'conversations:read')
  const conversation = await oneConversation(ctx, input.organizationId, input.conversationId)
  const rows = await ctx.db
    .select()
    .from(messages)
    .where(
      and(eq(messages.organizationId, input.organizationId), eq(messages.conversationId, conversation.id)),
    )
    .orderBy(asc(messages.createdAt))
    .limit(500)
  return { conversation, messages: rows.map(messageView) }
}

async function setStatus(
  ctx: ActorCtx,
  organizationId: string,
  conversationId: string,
  status: 'ai' | 'human',
) {
  await authorizeOrganization(ctx, organizationId, 'conversations:reply')
  // Another organization's conversation is a 404 before anything changes.
  await oneConversation(ctx, organizationId, conversationId)
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select({
        status: conversations.status,
        contactId: contacts.id,
        waId: contacts.waId,
        name: contacts.profileName,
        simulated: contacts.simulated,
      })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(and(eq(conversations.id, conversationId), eq(conversations.organizationId, organizationId)))
      .for('update', { of: conversations })
    await tx
      .update(conversations)
      .set({ status, needsAttention: false, attentionSince: null, updatedAt: sql`now()` })
      .where(and(eq(conversations.id, conversationId), eq(conversations.organizationId, organizationId)))
    if (!before || before.status === status || before.simulated) return
    // Taking a chat over hands it off to a person; handing it back is what resolves it (the
    // product has no other "resolved" state).
    await emitEvent(
      tx,
      {
        organizationId,
        type: status === 'human' ? 'conversation.handed_off' : 'conversation.resolved',
        orderingKey: conversationId,
        subjectPhone: before.waId,
        data: {
          conversationId,
          contact: { id: before.contactId, phone: before.waId, name: before.name },
          by: { type: 'member', userId: ctx.actor.userId, email: ctx.actor.email },
          ...(status === 'human' ? { reason: 'taken_over' } : {}),
          at: new Date().toISOString(),
        },
      },
      ctx.jobs,
    )
  })
  return oneConversation(ctx, organizationId, conversationId)
}

/** An agent takes the conversation: the AI stops answering it. */
export const takeOver = ({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; conversationId: string }
}) => setStatus(ctx, input.organizationId, input.conversationId, 'human')

/** The agent gives the conversation back to the AI. */
export const handBack = ({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; conversationId: string }
}) => setStatus(ctx, input.organizationId, input.conversationId, 'ai')

/** An agent's reply: stored, then sent by the `messages.send` job (retried on provider failures). */
export async function replyAsAgent({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; conversationId: string; body: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'conversations:reply')
  const body = input.body.trim()
  if (!body) throw new BadRequest('Invalid input', [{ path: 'body', message: 'must not be empty' }])
  const conversation = await oneConversation(ctx, input.organizationId, input.conversationId)
  if (!conversation.windowOpen) {
    // It would only fail at WhatsApp (63016): say so now, so the agent sends a template instead.
    throw new Conflict(
      "The customer's last message is more than 24 hours old: WhatsApp only lets a business write first with an approved template",
      { reason: 'OUTSIDE_WINDOW', windowClosesAt: conversation.windowClosesAt },
    )
  }
  const message = await queueAgentMessage(ctx, {
    organizationId: input.organizationId,
    conversationId: conversation.id,
    body,
  })
  return messageView(message)
}
