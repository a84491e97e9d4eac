import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { type UnansweredRange, unansweredGroups } from './list-unanswered.js'

/** GET …/unanswered: the grouped questions the assistant could not answer (stats:read). */
export async function listUnanswered({ ctx, input }: { ctx: ActorCtx; input: UnansweredRange }) {
  await authorizeOrganization(ctx, input.organizationId, 'stats:read')
  return unansweredGroups(ctx, input)
}
