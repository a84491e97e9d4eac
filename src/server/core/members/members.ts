import { and, asc, eq, sql } from 'drizzle-orm'
import { queryRows } from '../../db/client.js'
import { memberships, user } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { Conflict, Forbidden, NotFound } from '../errors.js'
import { authorizeOrganization, type MemberRole } from './permissions.js'

// Team management: owner does everything; admin manages members except owners. New members
// come in by invitation (invite-member.ts, accept-invitation.ts).

const memberColumns = {
  userId: memberships.userId,
  role: memberships.role,
  email: user.email,
  name: user.name,
  joinedAt: memberships.createdAt,
}

const toView = (m: { userId: string; role: MemberRole; email: string; name: string; joinedAt: Date }) => ({
  ...m,
  joinedAt: m.joinedAt.toISOString(),
})

export async function listMembers({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'dashboard:read')
  const rows = await ctx.db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId))
    .where(eq(memberships.organizationId, input.organizationId))
    .orderBy(asc(memberships.createdAt))
  return rows.map(toView)
}

/** Owners in the organization, locked for the rest of the transaction so two demotions cannot race. */
async function lockOwners(
  tx: Parameters<Parameters<ActorCtx['db']['transaction']>[0]>[0],
  organizationId: string,
) {
  const rows = await queryRows<{ user_id: string }>(
    tx,
    sql`select user_id from memberships where organization_id = ${organizationId} and role = 'owner' for update`,
  )
  return rows.map((r) => r.user_id)
}

export async function updateMemberRole({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; userId: string; role: MemberRole }
}) {
  const { role: actorRole } = await authorizeOrganization(ctx, input.organizationId, 'members:manage')
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select(memberColumns)
      .from(memberships)
      .innerJoin(user, eq(user.id, memberships.userId))
      .where(and(eq(memberships.organizationId, input.organizationId), eq(memberships.userId, input.userId)))
    if (!current) throw new NotFound('Member')
    if (actorRole !== 'owner' && (current.role === 'owner' || input.role === 'owner')) {
      throw new Forbidden('Only an owner can change an owner or make someone owner')
    }
    if (current.role === 'owner' && input.role !== 'owner') {
      const owners = await lockOwners(tx, input.organizationId)
      if (owners.length <= 1) throw new Conflict('An organization must keep at least one owner')
    }
    await tx
      .update(memberships)
      .set({ role: input.role, updatedAt: sql`now()` })
      .where(and(eq(memberships.organizationId, input.organizationId), eq(memberships.userId, input.userId)))
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'member.role_changed',
        target: { type: 'user', id: input.userId },
        details: { email: current.email, from: current.role, to: input.role },
      },
      tx,
    )
    return toView({ ...current, role: input.role })
  })
}

export async function removeMember({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; userId: string }
}) {
  // Anyone may leave; removing someone else needs members:manage.
  const leaving = input.userId === ctx.actor.userId
  const { role: actorRole } = await authorizeOrganization(
    ctx,
    input.organizationId,
    leaving ? 'dashboard:read' : 'members:manage',
  )
  await ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ role: memberships.role, email: user.email })
      .from(memberships)
      .innerJoin(user, eq(user.id, memberships.userId))
      .where(and(eq(memberships.organizationId, input.organizationId), eq(memberships.userId, input.userId)))
    if (!current) throw new NotFound('Member')
    if (current.role === 'owner') {
      if (!leaving && actorRole !== 'owner') throw new Forbidden('Only an owner can remove an owner')
      const owners = await lockOwners(tx, input.organizationId)
      if (owners.length <= 1) throw new Conflict('An organization must keep at least one owner')
    }
    await tx
      .delete(memberships)
      .where(and(eq(memberships.organizationId, input.organizationId), eq(memberships.userId, input.userId)))
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'member.removed',
        target: { type: 'user', id: input.userId },
        details: { email: current.email, role: current.role, left: leaving },
      },
      tx,
    )
  })
}
