import { and, eq } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { organizations } from '../../db/schema/index.js'
import type { ActorCtx, Ctx } from '../context.js'
import { dbOf } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization, type MemberRole, type Permission } from '../members/permissions.js'
import { DEFAULT_AI_SETTINGS, DEFAULT_BUSINESS_HOURS } from '../organizations/schemas.js'

/**
 * Authorizes the actor on a knowledge base: a business organization through its membership
 * (authorizeOrganization: 404 for other tenants, 403 for a role without the permission), or the
 * actor's own personal knowledge base, which only its owner reaches.
 */
export async function authorizeKnowledgeBase(
  ctx: ActorCtx,
  organizationId: string,
  permission: Extract<Permission, 'knowledge:read' | 'knowledge:write'>,
): Promise<{ role: MemberRole }> {
  // An API key belongs to a business organization, never to its maker's personal knowledge base.
  if (ctx.actor.apiKey) return authorizeOrganization(ctx, organizationId, permission)
  const [personal] = await dbOf(ctx)
    .select({ id: organizations.id })
    .from(organizations)
    .where(
      and(
        eq(organizations.id, organizationId),
        eq(organizations.kind, 'personal'),
        eq(organizations.personalOwnerId, ctx.actor.userId),
      ),
    )
    .limit(1)
  if (personal) return { role: 'owner' }
  return authorizeOrganization(ctx, organizationId, permission)
}

/** The actor's personal knowledge base (an organization of kind `personal`), created on first use. */
export const personalKnowledgeBase = ({ ctx }: { ctx: ActorCtx }) =>
  personalKnowledgeBaseOf(dbOf(ctx), ctx.actor.userId)

/** A user's personal knowledge base, created on first use (also for their messages to the shared number). */
export async function personalKnowledgeBaseOf(db: Tx, userId: string) {
  const find = () =>
    db
      .select()
      .from(organizations)
      .where(and(eq(organizations.kind, 'personal'), eq(organizations.personalOwnerId, userId)))
      .limit(1)
  const [existing] = await find()
  if (existing) return existing
  // personal_owner_id is unique: two first requests at once create one row.
  await db
    .insert(organizations)
    .values({
      kind: 'personal',
      personalOwnerId: userId,
      name: 'Personal knowledge base',
      businessHours: DEFAULT_BUSINESS_HOURS,
      ai: { ...DEFAULT_AI_SETTINGS },
    })
    .onConflictDoNothing()
  const [created] = await find()
  if (!created) throw new NotFound('Personal knowledge base')
  return created
}

/** Loads the organization row (any kind) for system work such as training and answering. */
export async function loadKnowledgeOwner(ctx: Ctx, organizationId: string) {
  const [org] = await dbOf(ctx)
    .select()
    .from(organizations)
    .where(eq(organizations.id, organizationId))
    .limit(1)
  return org
}
