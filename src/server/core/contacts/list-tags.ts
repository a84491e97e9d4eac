import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { tagsWithCounts } from './tag-view.js'

export async function listTags({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:read')
  return tagsWithCounts(ctx.db, input.organizationId)
}
