import { and, asc, eq } from 'drizzle-orm'
import { memberships, organizations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { dbOf } from '../context.js'
import { organizationViews } from './view.js'

/** The business organizations the actor is a member of. */
export async function listOrganizations({ ctx }: { ctx: ActorCtx }) {
  const db = dbOf(ctx)
  const rows = await db
    .select({ org: organizations, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(and(eq(memberships.userId, ctx.actor.userId), eq(organizations.kind, 'business')))
    .orderBy(asc(organizations.createdAt))
  return organizationViews(db, ctx.config, rows)
}
