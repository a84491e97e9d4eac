import { and, eq, sql } from 'drizzle-orm'
import type { QualitySettings } from '../../db/schema/index.js'
import { organizations } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { loadOrganization } from '../organizations/view.js'
import { qualitySettingsOf } from './settings.js'

/** The organization's answer-quality settings (defaults filled in). */
export async function getQualitySettings({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string }
}): Promise<QualitySettings> {
  await authorizeOrganization(ctx, input.organizationId, 'org:read')
  const org = await loadOrganization(ctx.db, input.organizationId)
  if (!org) throw new NotFound('Organization')
  return qualitySettingsOf(org.ai)
}

/** Replaces the answer-quality settings (kept in organizations.ai.quality; the rest of `ai` untouched). */
export async function updateQualitySettings({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; settings: QualitySettings }
}): Promise<QualitySettings> {
  await authorizeOrganization(ctx, input.organizationId, 'org:update')
  const saved = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(organizations)
      .set({
        ai: sql`jsonb_set(${organizations.ai}, '{quality}', ${JSON.stringify(input.settings)}::jsonb)`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(organizations.id, input.organizationId), eq(organizations.kind, 'business')))
      .returning({ ai: organizations.ai })
    if (!row) return null
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'settings.updated',
        target: { type: 'organization', id: input.organizationId },
        details: { fields: ['quality'], quality: input.settings },
      },
      tx,
    )
    return row
  })
  if (!saved) throw new NotFound('Organization')
  return qualitySettingsOf(saved.ai)
}
