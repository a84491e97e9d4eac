import type { ActorCtx } from '../context.js'
import { dbOf } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { loadOrganization, organizationView } from './view.js'

export async function getOrganization({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  const { role } = await authorizeOrganization(ctx, input.organizationId, 'org:read')
  const org = await loadOrganization(dbOf(ctx), input.organizationId)
  if (!org) throw new NotFound('Organization')
  return organizationView(dbOf(ctx), ctx.config, org, role)
}
