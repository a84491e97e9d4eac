import { and, eq } from 'drizzle-orm'
import { conversationNotes } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { Forbidden, NotFound } from '../errors.js'
import { can, isUuid } from '../members/permissions.js'
import { authorizePerson } from './authorize-person.js'

/** Deletes a note: its author (agent and up), or an owner or admin (anyone's). */
export async function deleteNote({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; conversationId: string; noteId: string }
}) {
  const { role } = await authorizePerson(ctx, input.organizationId, 'conversations:reply')
  if (!isUuid(input.conversationId) || !isUuid(input.noteId)) throw new NotFound('Note')
  await ctx.db.transaction(async (tx) => {
    const where = and(
      eq(conversationNotes.id, input.noteId),
      eq(conversationNotes.organizationId, input.organizationId),
      eq(conversationNotes.conversationId, input.conversationId),
    )
    const [note] = await tx
      .select({ authorUserId: conversationNotes.authorUserId })
      .from(conversationNotes)
      .where(where)
      .for('update')
    if (!note) throw new NotFound('Note')
    // Owners and admins (who manage the inbox) tidy up anyone's notes; others only their own.
    if (note.authorUserId !== ctx.actor.userId && !can(role, 'inbox:manage')) {
      throw new Forbidden('Only its author, an owner or an admin can delete this note')
    }
    await tx.delete(conversationNotes).where(where)
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'conversation_note.deleted',
        target: { type: 'conversation', id: input.conversationId },
        details: { noteId: input.noteId, authorUserId: note.authorUserId },
      },
      tx,
    )
  })
}
