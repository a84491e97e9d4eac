import { and, asc, eq } from 'drizzle-orm'
import { invitations, user } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { invitationView } from './invitations.js'
import { authorizeOrganization } from './permissions.js'

/** Open invitations of the organization (expired ones included, flagged), for owners and admins. */
export async function listInvitations({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'members:manage')
  const rows = await ctx.db
    .select({ invitation: invitations, invitedBy: user.name })
    .from(invitations)
    .leftJoin(user, eq(user.id, invitations.invitedBy))
    .where(and(eq(invitations.organizationId, input.organizationId), eq(invitations.status, 'pending')))
    .orderBy(asc(invitations.createdAt))
  return rows.map((r) => invitationView(r.invitation, r.invitedBy))
}
