import { sql } from 'drizzle-orm'
import type { ApiScope } from '../../../shared/enums.js'
import { type Db, queryRows } from '../../db/client.js'
import type { organizations } from '../../db/schema/index.js'
import type { ApiKeyActor } from '../context.js'
import { hashApiKeySecret, looksLikeApiKey } from './secret.js'

export type ApiKeyRefusal = 'unknown' | 'revoked' | 'expired'

export type ResolvedApiKey =
  | { ok: true; key: ApiKeyActor; createdBy: string | null; plan: PlanFields }
  | { ok: false; reason: ApiKeyRefusal }

/** The key's organization's plan fields (entitlementsOf reads them), read with the key. */
type PlanFields = Pick<
  typeof organizations.$inferSelect,
  'planType' | 'monthlyMessageLimitOverride' | 'planOverrides'
>

/**
 * The key a bearer secret names, or why it cannot be used. One statement: the lookup by hash and,
 * when the key is usable and `last_used_at` is more than a minute old, its update — so a busy key
 * writes its row at most once a minute, and no request pays a second round trip. The organization's
 * plan comes with it, so the caller can refuse a key whose plan lacks API access (402).
 */
export async function resolveApiKey(db: Db, secret: string): Promise<ResolvedApiKey> {
  if (!looksLikeApiKey(secret)) return { ok: false, reason: 'unknown' }
  const rows = await queryRows<{
    id: string
    organization_id: string
    name: string
    prefix: string
    scopes: string[]
    created_by: string | null
    revoked: boolean
    expired: boolean
    plan_type: PlanFields['planType']
    monthly_message_limit_override: number | null
    plan_overrides: PlanFields['planOverrides'] | null
  }>(
    db,
    sql`with found as (
          select k.id, k.organization_id, k.name, k.prefix, k.scopes, k.created_by,
                 k.revoked_at is not null as revoked,
                 coalesce(k.expires_at <= now(), false) as expired,
                 o.plan_type, o.monthly_message_limit_override, o.plan_overrides
          from api_keys k join organizations o on o.id = k.organization_id
          where k.secret_hash = ${hashApiKeySecret(secret)}
        ), touched as (
          update api_keys set last_used_at = now()
          where id = (select id from found where not revoked and not expired)
            and (last_used_at is null or last_used_at < now() - interval '1 minute')
          returning id
        )
        select found.*, (select count(*) from touched) as touched from found`,
  )
  const row = rows[0]
  if (!row) return { ok: false, reason: 'unknown' }
  if (row.revoked) return { ok: false, reason: 'revoked' }
  if (row.expired) return { ok: false, reason: 'expired' }
  return {
    ok: true,
    createdBy: row.created_by,
    plan: {
      planType: row.plan_type,
      monthlyMessageLimitOverride: row.monthly_message_limit_override,
      planOverrides: row.plan_overrides ?? {},
    },
    key: {
      id: row.id,
      organizationId: row.organization_id,
      name: row.name,
      prefix: row.prefix,
      // Written only through the API_SCOPES-checked input of createApiKey.
      scopes: row.scopes as ApiScope[],
    },
  }
}
