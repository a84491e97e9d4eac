import { and, eq } from 'drizzle-orm'
import { invitations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Conflict, Forbidden, NotFound } from '../errors.js'
import { isUuid } from './permissions.js'

/**
 * The open invitation `invitationId` addressed to the signed-in user. Unverified email → 403
 * before anything is looked up; someone else's invitation → 404; answered or expired → 409.
 */
export async function openInvitationFor(ctx: ActorCtx, invitationId: string) {
  if (!ctx.actor.emailVerified)
    throw new Forbidden('Verify your email address first: invitations are answered from a verified address')
  if (!isUuid(invitationId)) throw new NotFound('Invitation')
  const [row] = await ctx.db
    .select()
    .from(invitations)
    .where(and(eq(invitations.id, invitationId), eq(invitations.email, ctx.actor.email)))
  if (!row) throw new NotFound('Invitation')
  if (row.status !== 'pending') throw new Conflict(`This invitation was already ${row.status}`)
  if (row.expiresAt.getTime() <= Date.now())
    throw new Conflict('This invitation has expired; ask for a new one')
  return row
}
