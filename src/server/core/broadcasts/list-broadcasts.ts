import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { broadcastViews } from './view.js'

/** An organization's broadcasts with their counts, newest first (the latest 100). */
export async function listBroadcasts({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'broadcasts:read')
  return broadcastViews(ctx.db, input.organizationId, { limit: 100 })
}
