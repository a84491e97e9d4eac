import { and, eq, sql } from 'drizzle-orm'
import { oneRow } from '../../db/client.js'
import { invitations, memberships, organizations, user } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { Conflict, Forbidden } from '../errors.js'
import { invitationEmail } from './invitation-email.js'
import { INVITATION_TTL_MS, invitationView, MAX_PENDING_INVITATIONS } from './invitations.js'
import { authorizeOrganization, type MemberRole } from './permissions.js'

/**
 * Invites an email address to the organization with a role and emails the invitee. The answer is
 * the same whether or not the address has an account (nothing about other accounts is revealed);
 * the invitee joins only by accepting, from an account that verified that address.
 */
export async function inviteMember({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; email: string; role: MemberRole }
}) {
  const { role: actorRole } = await authorizeOrganization(ctx, input.organizationId, 'members:manage')
  if (input.role === 'owner' && actorRole !== 'owner')
    throw new Forbidden('Only an owner can invite an owner')
  const email = input.email.toLowerCase()
  // The inviter already sees the team, so saying an address is in it reveals nothing new.
  const [member] = await ctx.db
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId))
    .where(and(eq(memberships.organizationId, input.organizationId), eq(user.email, email)))
    .limit(1)
  if (member) throw new Conflict('That email address is already a member of this organization')
  const [open] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(invitations)
    .where(and(eq(invitations.organizationId, input.organizationId), eq(invitations.status, 'pending')))
  if ((open?.n ?? 0) >= MAX_PENDING_INVITATIONS) {
    throw new Conflict(`This organization has ${MAX_PENDING_INVITATIONS} open invitations; revoke some first`)
  }

  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS)
  const row = await ctx.db.transaction(async (tx) => {
    const invited = oneRow(
      await tx
        .insert(invitations)
        .values({
          organizationId: input.organizationId,
          email,
          role: input.role,
          invitedBy: ctx.actor.userId,
          expiresAt,
        })
        .onConflictDoUpdate({
          target: [invitations.organizationId, invitations.email],
          targetWhere: sql`${invitations.status} = 'pending'`,
          set: { role: input.role, invitedBy: ctx.actor.userId, expiresAt, updatedAt: sql`now()` },
        })
        .returning(),
      'invitation',
    )
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'member.invited',
        target: { type: 'invitation', id: invited.id },
        details: { email, role: input.role },
      },
      tx,
    )
    return invited
  })

  const [[org], [inviter]] = await Promise.all([
    ctx.db
      .select({ name: organizations.name })
      .from(organizations)
      .where(eq(organizations.id, input.organizationId)),
    ctx.db.select({ name: user.name }).from(user).where(eq(user.id, ctx.actor.userId)),
  ])
  try {
    await ctx.mailer.send(
      invitationEmail({
        to: email,
        organizationName: org?.name ?? 'an organization',
        inviterName: inviter?.name ?? ctx.actor.email,
        role: input.role,
        appUrl: ctx.config.appUrl,
        expiresAt,
      }),
    )
  } catch (err) {
    // The invitation stands: the invitee also finds it on their organizations page.
    ctx.log.error({ err, invitationId: row.id }, 'invitation email not sent')
  }
  return invitationView(row, inviter?.name ?? null)
}
