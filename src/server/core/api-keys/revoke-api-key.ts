import { and, eq, isNull } from 'drizzle-orm'
import { apiKeys } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'
import { type ApiKeyView, apiKeyViews } from './view.js'

/**
 * Revokes a key at once: its next request is a 401. Revoking a revoked key changes nothing (and
 * records nothing); the key stays listed as revoked.
 */
export async function revokeApiKey({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; keyId: string }
}): Promise<ApiKeyView> {
  await authorizeOrganization(ctx, input.organizationId, 'developers:manage')
  if (!isUuid(input.keyId)) throw new NotFound('API key')
  await ctx.db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(apiKeys.organizationId, input.organizationId),
          eq(apiKeys.id, input.keyId),
          isNull(apiKeys.revokedAt),
        ),
      )
      .returning({ name: apiKeys.name, scopes: apiKeys.scopes, prefix: apiKeys.prefix })
    if (!revoked) return
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'api_key.revoked',
        target: { type: 'api_key', id: input.keyId },
        details: { name: revoked.name, scopes: revoked.scopes, prefix: revoked.prefix },
      },
      tx,
    )
  })
  const [key] = await apiKeyViews(ctx.db, input.organizationId, input.keyId)
  if (!key) throw new NotFound('API key')
  return key
}
