import type { Tx } from '../../db/client.js'
import { auditLog } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { dbOf } from '../context.js'

export interface AuditEntry {
  organizationId: string
  /** What happened, `area.verb`: `settings.updated`, `member.removed`, `api_key.created`, … */
  action: string
  target?: { type: string; id: string }
  /** What changed (field names, the new values that are not secrets). Never secrets or customer text. */
  details?: Record<string, unknown>
}

/**
 * Records who did what in an organization. Call it inside the transaction that makes the change
 * (pass `tx`, or a ctx whose `tx` is open), so the entry exists if and only if the change does.
 * The actor comes from the ctx: a person (email), an API key (name and prefix), or `system`.
 */
export async function recordAudit(ctx: Ctx, entry: AuditEntry, tx?: Tx) {
  const actor = ctx.actor
  const key = actor?.apiKey
  await (tx ?? dbOf(ctx)).insert(auditLog).values({
    organizationId: entry.organizationId,
    actorUserId: actor?.userId || null,
    actorApiKeyId: key?.id ?? null,
    actorLabel: key ? `API key "${key.name}" (${key.prefix}…)` : (actor?.email ?? 'system'),
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    details: entry.details ?? {},
    ip: actor?.ip ?? null,
    userAgent: actor?.userAgent?.slice(0, 300) ?? null,
  })
}
