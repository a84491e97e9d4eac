import { eq } from 'drizzle-orm'
import { conversationNotes, user } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { BadRequest } from '../errors.js'
import { authorizePerson } from './authorize-person.js'
import { lockConversation } from './lock-conversation.js'
import { noteView } from './note-view.js'

/** A member's internal note on a conversation (agent and up); encrypted at rest, never sent. */
export async function addNote({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; conversationId: string; body: string }
}) {
  await authorizePerson(ctx, input.organizationId, 'conversations:reply')
  const body = input.body.trim()
  if (!body) throw new BadRequest('Invalid input', [{ path: 'body', message: 'must not be empty' }])
  return ctx.db.transaction(async (tx) => {
    const conversation = await lockConversation(tx, input.organizationId, input.conversationId)
    const [note] = await tx
      .insert(conversationNotes)
      .values({
        organizationId: input.organizationId,
        conversationId: conversation.id,
        authorUserId: ctx.actor.userId,
        body,
      })
      .returning()
    const [author] = await tx
      .select({ id: user.id, name: user.name })
      .from(user)
      .where(eq(user.id, ctx.actor.userId))
    if (!note) throw new Error('insert returned no note')
    return noteView(note, author ?? null)
  })
}
