import { and, eq, sql } from 'drizzle-orm'
import { invitations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Conflict } from '../errors.js'
import { openInvitationFor } from './open-invitation.js'

export async function declineInvitation({ ctx, input }: { ctx: ActorCtx; input: { invitationId: string } }) {
  const invitation = await openInvitationFor(ctx, input.invitationId)
  const done = await ctx.db
    .update(invitations)
    .set({ status: 'declined', respondedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(invitations.id, invitation.id), eq(invitations.status, 'pending')))
    .returning({ id: invitations.id })
  if (done.length === 0) throw new Conflict('This invitation is no longer open')
}
