import { and, asc, eq, gt, sql } from 'drizzle-orm'
import { invitations, organizations, user } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Forbidden } from '../errors.js'

/**
 * Open invitations addressed to the signed-in user's email. Only once that email is verified:
 * otherwise anyone could sign up with someone else's address and read who invited them where.
 */
export async function listMyInvitations({ ctx }: { ctx: ActorCtx }) {
  if (!ctx.actor.emailVerified)
    throw new Forbidden('Verify your email address to see the invitations sent to it')
  const rows = await ctx.db
    .select({ invitation: invitations, organizationName: organizations.name, invitedBy: user.name })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .leftJoin(user, eq(user.id, invitations.invitedBy))
    .where(
      and(
        eq(invitations.email, ctx.actor.email),
        eq(invitations.status, 'pending'),
        gt(invitations.expiresAt, sql`now()`),
      ),
    )
    .orderBy(asc(invitations.createdAt))
  return rows.map((r) => ({
    id: r.invitation.id,
    organizationId: r.invitation.organizationId,
    organizationName: r.organizationName,
    role: r.invitation.role,
    invitedBy: r.invitedBy,
    expiresAt: r.invitation.expiresAt.toISOString(),
    createdAt: r.invitation.createdAt.toISOString(),
  }))
}
