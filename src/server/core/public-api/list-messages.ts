import { and, asc, eq, gte, type SQL, sql } from 'drizzle-orm'
import { contacts, conversations, messages } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'
import { decodeKeyCursor, encodeKeyCursor } from './cursor.js'
import { v1MessageView } from './view.js'

export interface ListMessagesInput {
  organizationId: string
  conversationId: string
  /** Only messages created at or after this instant. */
  since?: Date
  cursor?: string
  limit: number
}

/**
 * A conversation's messages, oldest first (ties by id). New messages are written at the end, so
 * paging forward never skips or repeats one; statuses are as they are now (`message.status`
 * webhooks tell about changes).
 */
export async function listMessages({ ctx, input }: { ctx: ActorCtx; input: ListMessagesInput }) {
  await authorizeOrganization(ctx, input.organizationId, 'conversations:read')
  if (!isUuid(input.conversationId)) throw new NotFound('Conversation')
  const [conversation] = await ctx.db
    .select({ id: conversations.id, number: conversations.channelNumber, phone: contacts.waId })
    .from(conversations)
    .innerJoin(
      contacts,
      and(
        eq(contacts.id, conversations.contactId),
        eq(contacts.organizationId, conversations.organizationId),
        eq(contacts.simulated, false),
      ),
    )
    .where(
      and(eq(conversations.organizationId, input.organizationId), eq(conversations.id, input.conversationId)),
    )
  if (!conversation) throw new NotFound('Conversation')

  const where: (SQL | undefined)[] = [
    eq(messages.organizationId, input.organizationId),
    eq(messages.conversationId, conversation.id),
  ]
  if (input.since) where.push(gte(messages.createdAt, input.since))
  if (input.cursor !== undefined) {
    const [at, id] = decodeKeyCursor(input.cursor)
    const t = sql`${at}::timestamptz`
    where.push(
      sql`(${messages.createdAt} > ${t} or (${messages.createdAt} = ${t} and ${messages.id} > ${id}))`,
    )
  }
  const rows = await ctx.db
    .select({ message: messages, key: sql<string>`${messages.createdAt}::text` })
    .from(messages)
    .where(and(...where))
    .orderBy(asc(messages.createdAt), asc(messages.id))
    .limit(input.limit + 1)
  const page = rows.slice(0, input.limit)
  const last = page.at(-1)
  const ends = { customerPhone: conversation.phone, businessPhone: conversation.number }
  return {
    data: page.map((r) => v1MessageView(r.message, ends)),
    nextCursor: rows.length > input.limit && last ? encodeKeyCursor([last.key, last.message.id]) : null,
  }
}
