import { and, eq, inArray, ne } from 'drizzle-orm'
import { memberships, organizations, user } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { BadRequest, Conflict, Forbidden, NotFound } from '../errors.js'

/**
 * Deletes the signed-in person's account (GDPR article 17, for the account). `confirmEmail` must
 * repeat their address. The last owner of a business organization must first hand it over or
 * delete it (409 LAST_OWNER, naming the organizations; nothing deleted). The rows that belong to
 * the account go with it through the foreign keys: sessions (so the cookie stops working),
 * sign-in accounts, memberships, phone verifications and the personal knowledge base; what
 * others keep (audit entries, invitations and keys they made) keeps its label, not the link.
 */
export async function deleteAccount({ ctx, input }: { ctx: ActorCtx; input: { confirmEmail: string } }) {
  if (ctx.actor.apiKey) throw new Forbidden('An API key cannot delete an account')
  const userId = ctx.actor.userId
  await ctx.db.transaction(async (tx) => {
    const [u] = await tx.select().from(user).where(eq(user.id, userId)).for('update')
    if (!u) throw new NotFound('Account')
    if (input.confirmEmail.trim().toLowerCase() !== u.email.toLowerCase())
      throw new BadRequest('To delete your account, repeat your email address in "confirmEmail"', [
        { path: 'confirmEmail', message: 'must be the email address of your account' },
      ])
    const owned = await tx
      .select({ id: organizations.id, name: organizations.name })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
      .where(
        and(
          eq(memberships.userId, userId),
          eq(memberships.role, 'owner'),
          eq(organizations.kind, 'business'),
        ),
      )
      .for('update', { of: organizations })
    const ownedIds = owned.map((o) => o.id)
    const others =
      ownedIds.length === 0
        ? []
        : await tx
            .select({ organizationId: memberships.organizationId })
            .from(memberships)
            .where(
              and(
                inArray(memberships.organizationId, ownedIds),
                eq(memberships.role, 'owner'),
                ne(memberships.userId, userId),
              ),
            )
    const alone = owned.filter((o) => !others.some((m) => m.organizationId === o.id))
    if (alone.length > 0)
      throw new Conflict(
        'You are the only owner of these organizations: make another member owner, or delete them, before deleting your account',
        { reason: 'LAST_OWNER', organizations: alone },
      )
    await tx.delete(user).where(eq(user.id, userId))
  })
}
