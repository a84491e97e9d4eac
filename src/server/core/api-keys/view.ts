import { and, desc, eq } from 'drizzle-orm'
import type { ApiScope } from '../../../shared/enums.js'
import type { Tx } from '../../db/client.js'
import { apiKeys, user } from '../../db/schema/index.js'

export type ApiKeyStatus = 'active' | 'revoked' | 'expired'

export interface ApiKeyView {
  id: string
  name: string
  prefix: string
  scopes: ApiScope[]
  status: ApiKeyStatus
  expiresAt: string | null
  lastUsedAt: string | null
  createdAt: string
  revokedAt: string | null
  createdByEmail: string | null
}

export function apiKeyStatus(key: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()) {
  if (key.revokedAt) return 'revoked'
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'expired'
  return 'active'
}

const columns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  expiresAt: apiKeys.expiresAt,
  lastUsedAt: apiKeys.lastUsedAt,
  createdAt: apiKeys.createdAt,
  revokedAt: apiKeys.revokedAt,
  createdByEmail: user.email,
}

type KeyRow = {
  id: string
  name: string
  prefix: string
  scopes: string[]
  expiresAt: Date | null
  lastUsedAt: Date | null
  createdAt: Date
  revokedAt: Date | null
  createdByEmail: string | null
}

function toView(row: KeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    // Written only through the API_SCOPES-checked input of createApiKey.
    scopes: row.scopes as ApiScope[],
    status: apiKeyStatus(row),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdByEmail: row.createdByEmail,
  }
}

/** The organization's keys, newest first (never their secrets: only the hash is stored). */
export async function apiKeyViews(db: Tx, organizationId: string, keyId?: string): Promise<ApiKeyView[]> {
  const rows = await db
    .select(columns)
    .from(apiKeys)
    .leftJoin(user, eq(user.id, apiKeys.createdBy))
    .where(
      keyId === undefined
        ? eq(apiKeys.organizationId, organizationId)
        : and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, keyId)),
    )
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
  return rows.map(toView)
}
