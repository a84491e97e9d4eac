import { and, asc, eq, gte, type SQL, sql } from 'drizzle-orm'
import { contacts, conversations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { decodeKeyCursor, encodeKeyCursor } from './cursor.js'
import { v1ConversationView } from './view.js'

export interface ListConversationsInput {
  organizationId: string
  /** Only conversations changed at or after this instant. */
  since?: Date
  cursor?: string
  limit: number
}

/**
 * The organization's conversations by last activity (`updatedAt`: a message, a hand-off, a
 * status change), oldest first, ties by id: a client syncing with `since` reads forward, and a
 * conversation that changes while it pages moves to the end (seen again, never skipped).
 * Simulator customers are never listed.
 */
export async function listConversations({ ctx, input }: { ctx: ActorCtx; input: ListConversationsInput }) {
  await authorizeOrganization(ctx, input.organizationId, 'conversations:read')
  const where: (SQL | undefined)[] = [eq(conversations.organizationId, input.organizationId)]
  if (input.since) where.push(gte(conversations.updatedAt, input.since))
  if (input.cursor !== undefined) {
    const [at, id] = decodeKeyCursor(input.cursor)
    const t = sql`${at}::timestamptz`
    where.push(
      sql`(${conversations.updatedAt} > ${t} or (${conversations.updatedAt} = ${t} and ${conversations.id} > ${id}))`,
    )
  }
  const rows = await ctx.db
    .select({
      conversation: conversations,
      contact: {
        id: contacts.id,
        waId: contacts.waId,
        name: contacts.name,
        profileName: contacts.profileName,
      },
      key: sql<string>`${conversations.updatedAt}::text`,
    })
    .from(conversations)
    .innerJoin(
      contacts,
      and(
        eq(contacts.id, conversations.contactId),
        eq(contacts.organizationId, conversations.organizationId),
        eq(contacts.simulated, false),
      ),
    )
    .where(and(...where))
    .orderBy(asc(conversations.updatedAt), asc(conversations.id))
    .limit(input.limit + 1)
  const page = rows.slice(0, input.limit)
  const last = page.at(-1)
  const now = Date.now()
  return {
    data: page.map((r) => v1ConversationView(r.conversation, r.contact, now)),
    nextCursor: rows.length > input.limit && last ? encodeKeyCursor([last.key, last.conversation.id]) : null,
  }
}
