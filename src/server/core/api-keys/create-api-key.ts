import { oneRow } from '../../db/client.js'
import { apiKeys } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import { requireOrganizationFeature } from '../billing/entitlements.js'
import type { ActorCtx } from '../context.js'
import { BadRequest } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import type { CreateApiKeyInput } from './schemas.js'
import { apiKeyPrefixOf, generateApiKeySecret, hashApiKeySecret } from './secret.js'
import { type ApiKeyView, apiKeyViews } from './view.js'

/**
 * Makes an API key for the organization (owner or admin). The secret is returned here and never
 * again: only its SHA-256 is stored, with its first characters to tell keys apart.
 */
export async function createApiKey({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string } & CreateApiKeyInput
}): Promise<{ key: ApiKeyView; secret: string }> {
  await authorizeOrganization(ctx, input.organizationId, 'developers:manage')
  await requireOrganizationFeature(ctx.db, input.organizationId, 'apiAccess')
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null
  if (expiresAt && expiresAt.getTime() <= Date.now()) {
    throw new BadRequest('Invalid input', [{ path: 'expiresAt', message: 'must be in the future' }])
  }
  const secret = generateApiKeySecret()
  const prefix = apiKeyPrefixOf(secret)
  const id = await ctx.db.transaction(async (tx) => {
    const row = oneRow(
      await tx
        .insert(apiKeys)
        .values({
          organizationId: input.organizationId,
          name: input.name,
          prefix,
          secretHash: hashApiKeySecret(secret),
          scopes: input.scopes,
          expiresAt,
          createdBy: ctx.actor.userId || null,
        })
        .returning({ id: apiKeys.id }),
      'api key',
    )
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'api_key.created',
        target: { type: 'api_key', id: row.id },
        details: {
          name: input.name,
          scopes: input.scopes,
          prefix,
          expiresAt: expiresAt?.toISOString() ?? null,
        },
      },
      tx,
    )
    return row.id
  })
  const key = oneRow(await apiKeyViews(ctx.db, input.organizationId, id), 'api key')
  return { key, secret }
}
