import { and, asc, desc, eq, isNotNull, isNull, type SQL, sql } from 'drizzle-orm'
import type { ConversationFilter } from '../../../shared/enums.js'
import type { Tx } from '../../db/client.js'
import { readEncrypted } from '../../db/encrypted-columns.js'
import { contacts, conversations, messages, user } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { nameSearchSql } from '../crypto/blind-index.js'
import { BadRequest, Conflict, NotFound } from '../errors.js'
import { SESSION_WINDOW_MS } from '../inbound/send-outbound.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'
import { decodeKeyCursor, encodeKeyCursor, type KeyCursor } from '../public-api/cursor.js'
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

export interface SummaryQuery {
  limit: number
  conversationId?: string
  filter?: ConversationFilter
  /** Only conversations assigned to this user. */
  assigneeUserId?: string
  /** The caller, for the `mine` filter. */
  viewerUserId?: string
  /** A number (digits of the customer's WhatsApp number) or the start of words of their name. */
  search?: string
  cursor?: KeyCursor
}

/**
 * The inbox's filters (CONVERSATION_FILTERS) as SQL over `conversations`. `human` is a person
 * holding an unresolved chat; `open` anything not resolved; `mine` needs the caller.
 */
function filterSql(filter: ConversationFilter, viewerUserId: string | undefined): SQL | undefined {
  switch (filter) {
    case 'all':
      return undefined
    case 'attention':
      return eq(conversations.needsAttention, true)
    case 'human':
      return and(eq(conversations.status, 'human'), isNull(conversations.resolvedAt))
    case 'open':
      return isNull(conversations.resolvedAt)
    case 'resolved':
      return isNotNull(conversations.resolvedAt)
    case 'mine':
      return viewerUserId ? eq(conversations.assignedUserId, viewerUserId) : sql`false`
  }
}

/** Matches the customer's number as text, or every word of the search starting a word of their name. */
function searchSql(search: string): SQL {
  const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  // Names are encrypted at rest: searched through their blind index (core/crypto/blind-index.ts).
  const byName = nameSearchSql(contacts.nameTerms, search)
  return byName ? sql`(${contacts.waId} ilike ${like} or ${byName})` : sql`${contacts.waId} ilike ${like}`
}

/**
 * Conversation summaries of an organization, most recent first (ties by id, newest id first),
 * with `key`, the row's position for a keyset cursor (`last_message_at` as PostgreSQL writes it:
 * microseconds kept, so pages neither skip nor repeat rows).
 */
async function summaryRows(db: Tx, organizationId: string, opts: SummaryQuery) {
  const lastMessage = sql<
    string | null
  >`(select m.body from messages m where m.conversation_id = ${conversations.id} and m.body <> '' order by m.created_at desc limit 1)`.mapWith(
    (v: string | null): string | null => readEncrypted(v),
  )
  const where: (SQL | undefined)[] = [eq(conversations.organizationId, organizationId)]
  if (opts.conversationId) where.push(eq(conversations.id, opts.conversationId))
  if (opts.filter) where.push(filterSql(opts.filter, opts.viewerUserId))
  if (opts.assigneeUserId) where.push(eq(conversations.assignedUserId, opts.assigneeUserId))
  const search = opts.search?.trim()
  if (search) where.push(searchSql(search))
  if (opts.cursor) {
    const [at, id] = opts.cursor
    const t = sql`${at}::timestamptz`
    where.push(
      sql`(${conversations.lastMessageAt} < ${t} or (${conversations.lastMessageAt} = ${t} and ${conversations.id} < ${id}))`,
    )
  }
  const rows = await db
    .select({
      conversation: conversations,
      contact: contacts,
      lastMessage,
      assignee: { id: user.id, name: user.name },
      key: sql<string>`${conversations.lastMessageAt}::text`,
    })
    .from(conversations)
    .innerJoin(
      contacts,
      and(
        eq(contacts.id, conversations.contactId),
        eq(contacts.organizationId, conversations.organizationId),
      ),
    )
    .leftJoin(user, eq(user.id, conversations.assignedUserId))
    .where(and(...where))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(opts.limit)
  const now = Date.now()
  return rows.map((r) => ({
    key: r.key,
    summary: {
      id: r.conversation.id,
      status: r.conversation.status,
      needsAttention: r.conversation.needsAttention,
      attentionReason: r.conversation.attentionReason,
      attentionSince: r.conversation.attentionSince?.toISOString() ?? null,
      assignedTo: r.assignee ? { userId: r.assignee.id, name: r.assignee.name } : null,
      resolvedAt: r.conversation.resolvedAt?.toISOString() ?? null,
      qualityScore: r.conversation.qualityScore,
      rating: r.conversation.rating,
      lastMessageAt: r.conversation.lastMessageAt.toISOString(),
      createdAt: r.conversation.createdAt.toISOString(),
      lastMessage: r.lastMessage,
      ...sessionWindow(r.conversation.lastInboundAt, now),
      contact: {
        id: r.contact.id,
        waId: r.contact.waId,
        name: r.contact.name,
        profileName: r.contact.profileName,
        optedOut: r.contact.optedOut,
        simulated: r.contact.simulated,
      },
    },
  }))
}

/** Conversation summaries of an organization, most recent first. */
export async function conversationSummaries(db: Tx, organizationId: string, opts: SummaryQuery) {
  return (await summaryRows(db, organizationId, opts)).map((r) => r.summary)
}

export type ConversationSummary = Awaited<ReturnType<typeof conversationSummaries>>[number]

/** How many conversations each inbox filter holds now (the inbox's tab badges). */
async function filterCounts(db: Tx, organizationId: string, viewerUserId: string | undefined) {
  const n = (filter: ConversationFilter) =>
    sql<number>`(count(*) filter (where ${filterSql(filter, viewerUserId) ?? sql`true`}))::int`
  const [row] = await db
    .select({
      all: n('all'),
      attention: n('attention'),
      human: n('human'),
      open: n('open'),
      resolved: n('resolved'),
      mine: n('mine'),
    })
    .from(conversations)
    .where(eq(conversations.organizationId, organizationId))
  return row ?? { all: 0, attention: 0, human: 0, open: 0, resolved: 0, mine: 0 }
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

export interface ListConversationsInput {
  organizationId: string
  filter?: ConversationFilter
  /** A member's user id: only the conversations assigned to them. */
  assignee?: string
  q?: string
  cursor?: string
  limit?: number
}

/**
 * The inbox: the organization's conversations, most recent first, by filter, assignee and search
 * (number or name), a page at a time (keyset on last message time and id: a conversation that
 * gets a new message meanwhile moves to the top, never shifting the pages after it), with the
 * count of every filter.
 */
export async function listConversations({ ctx, input }: { ctx: ActorCtx; input: ListConversationsInput }) {
  await authorizeOrganization(ctx, input.organizationId, 'conversations:read')
  const filter = input.filter ?? 'all'
  // A key has no person to be "mine".
  const viewerUserId = ctx.actor.apiKey ? undefined : ctx.actor.userId
  if (filter === 'mine' && !viewerUserId) {
    throw new BadRequest('Invalid input', [{ path: 'filter', message: 'mine needs a signed-in member' }])
  }
  if (input.assignee !== undefined && !isUuid(input.assignee)) {
    throw new BadRequest('Invalid input', [{ path: 'assignee', message: 'not a user id' }])
  }
  const limit = input.limit ?? 50
  const rows = await summaryRows(ctx.db, input.organizationId, {
    limit: limit + 1,
    filter,
    viewerUserId,
    assigneeUserId: input.assignee,
    search: input.q,
    cursor: input.cursor === undefined ? undefined : decodeKeyCursor(input.cursor),
  })
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    conversations: page.map((r) => r.summary),
    nextCursor: rows.length > limit && last ? encodeKeyCursor([last.key, last.summary.id]) : null,
    counts: await filterCounts(ctx.db, input.organizationId, viewerUserId),
  }
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
