import { and, eq, sql } from 'drizzle-orm'
import { oneRow, queryRows } from '../../db/client.js'
import { memberships } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Conflict } from '../errors.js'
import { openInvitationFor } from './open-invitation.js'

/** Joins the organization with the invited role (an existing membership keeps its role). */
export async function acceptInvitation({ ctx, input }: { ctx: ActorCtx; input: { invitationId: string } }) {
  const invitation = await openInvitationFor(ctx, input.invitationId)
  return ctx.db.transaction(async (tx) => {
    const claimed = await queryRows<{ id: string }>(
      tx,
      sql`
      update invitations set status = 'accepted', responded_at = now(), updated_at = now()
      where id = ${invitation.id} and status = 'pending' and expires_at > now()
      returning id`,
    )
    if (claimed.length === 0) throw new Conflict('This invitation is no longer open')
    await tx
      .insert(memberships)
      .values({ organizationId: invitation.organizationId, userId: ctx.actor.userId, role: invitation.role })
      .onConflictDoNothing()
    const m = oneRow(
      await tx
        .select({ role: memberships.role })
        .from(memberships)
        .where(
          and(
            eq(memberships.organizationId, invitation.organizationId),
            eq(memberships.userId, ctx.actor.userId),
          ),
        ),
      'membership',
    )
    return { organizationId: invitation.organizationId, role: m.role }
  })
}
