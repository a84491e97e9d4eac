import { and, asc, eq } from 'drizzle-orm'
import { conversationNotes, user } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { oneConversation } from '../conversations/conversations.js'
import { authorizePerson } from './authorize-person.js'
import { noteView } from './note-view.js'

/** The team's notes on a conversation, oldest first (people only: never sent to the customer). */
export async function listNotes({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; conversationId: string }
}) {
  await authorizePerson(ctx, input.organizationId, 'conversations:read')
  const conversation = await oneConversation(ctx, input.organizationId, input.conversationId)
  const rows = await ctx.db
    .select({ note: conversationNotes, author: { id: user.id, name: user.name } })
    .from(conversationNotes)
    .leftJoin(user, eq(user.id, conversationNotes.authorUserId))
    .where(
      and(
        eq(conversationNotes.organizationId, input.organizationId),
        eq(conversationNotes.conversationId, conversation.id),
      ),
    )
    .orderBy(asc(conversationNotes.createdAt), asc(conversationNotes.id))
    .limit(1000)
  return rows.map((r) => noteView(r.note, r.author))
}
