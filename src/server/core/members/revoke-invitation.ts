import { and, eq, sql } from 'drizzle-orm'
import { invitations } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { Forbidden, NotFound } from '../errors.js'
import { authorizeOrganization, isUuid } from './permissions.js'

/** Withdraws an open invitation (owners and admins; only owners withdraw an owner invitation). */
export async function revokeInvitation({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; invitationId: string }
}) {
  const { role: actorRole } = await authorizeOrganization(ctx, input.organizationId, 'members:manage')
  if (!isUuid(input.invitationId)) throw new NotFound('Invitation')
  const where = and(
    eq(invitations.id, input.invitationId),
    eq(invitations.organizationId, input.organizationId),
    eq(invitations.status, 'pending'),
  )
  const [row] = await ctx.db
    .select({ role: invitations.role, email: invitations.email })
    .from(invitations)
    .where(where)
  if (!row) throw new NotFound('Invitation')
  if (row.role === 'owner' && actorRole !== 'owner')
    throw new Forbidden('Only an owner can withdraw an owner invitation')
  const done = await ctx.db.transaction(async (tx) => {
    const revoked = await tx
      .update(invitations)
      .set({ status: 'revoked', respondedAt: sql`now()`, updatedAt: sql`now()` })
      .where(where)
      .returning({ id: invitations.id })
    for (const r of revoked) {
      await recordAudit(
        ctx,
        {
          organizationId: input.organizationId,
          action: 'invitation.revoked',
          target: { type: 'invitation', id: r.id },
          details: { email: row.email, role: row.role },
        },
        tx,
      )
    }
    return revoked
  })
  if (done.length === 0) throw new NotFound('Invitation')
}
