import { asc, eq } from 'drizzle-orm'
import { templates } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { templateView } from './view.js'

/** Every template of the organization, by name then language (every member may read them). */
export async function listTemplates({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'templates:read')
  const rows = await ctx.db
    .select()
    .from(templates)
    .where(eq(templates.organizationId, input.organizationId))
    .orderBy(asc(templates.name), asc(templates.language))
  return rows.map(templateView)
}
