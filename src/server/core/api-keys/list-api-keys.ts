import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { type ApiKeyView, apiKeyViews } from './view.js'

/** The organization's API keys, active, revoked and expired, newest first (owner or admin). */
export async function listApiKeys({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string }
}): Promise<ApiKeyView[]> {
  await authorizeOrganization(ctx, input.organizationId, 'developers:manage')
  return apiKeyViews(ctx.db, input.organizationId)
}
