import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'
import { broadcastViews } from './view.js'

/** One broadcast with its recipients' counts by status; 404 when not this organization's. */
export async function getBroadcast({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; broadcastId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'broadcasts:read')
  if (!isUuid(input.broadcastId)) throw new NotFound('Broadcast')
  const [view] = await broadcastViews(ctx.db, input.organizationId, { id: input.broadcastId, limit: 1 })
  if (!view) throw new NotFound('Broadcast')
  return view
}
