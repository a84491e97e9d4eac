import { eq, sql } from 'drizzle-orm'
import { organizations } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import { requireOrganizationFeature } from '../billing/entitlements.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { assertProviderConfigured } from './ai-provider.js'
import type { UpdateOrganizationInput } from './schemas.js'
import { organizationView } from './view.js'

/**
 * Updates settings; nested objects (business hours, AI settings) are replaced whole. The plan and
 * the monthly limit are not settings: the operator changes them (set-plan.ts).
 */
export async function updateOrganization({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; changes: UpdateOrganizationInput }
}) {
  const { role } = await authorizeOrganization(ctx, input.organizationId, 'org:update')
  const c = input.changes
  if (c.ai) assertProviderConfigured(ctx.config, c.ai.provider)
  // Turning business hours on needs a plan with them (402); saving them off is always allowed.
  if (c.businessHours?.enabled)
    await requireOrganizationFeature(ctx.db, input.organizationId, 'businessHours')
  const org = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(organizations)
      .set({
        ...(c.name !== undefined && { name: c.name }),
        ...(c.description !== undefined && { description: c.description }),
        ...(c.industry !== undefined && { industry: c.industry }),
        ...(c.whatsappDisplayName !== undefined && { whatsappDisplayName: c.whatsappDisplayName }),
        ...(c.welcomeMessage !== undefined && { welcomeMessage: c.welcomeMessage }),
        ...(c.businessHours !== undefined && { businessHours: c.businessHours }),
        // The quality settings have their own route (core/quality): saving the AI settings keeps them.
        ...(c.ai !== undefined && {
          ai: sql`${JSON.stringify(c.ai)}::jsonb || jsonb_strip_nulls(jsonb_build_object('quality', ${organizations.ai} -> 'quality'))`,
        }),
        updatedAt: sql`now()`,
      })
      .where(eq(organizations.id, input.organizationId))
      .returning()
    if (row) {
      const fields = Object.keys(c).filter((k) => c[k as keyof typeof c] !== undefined)
      await recordAudit(
        ctx,
        {
          organizationId: row.id,
          action: 'settings.updated',
          target: { type: 'organization', id: row.id },
          details: { fields },
        },
        tx,
      )
    }
    return row
  })
  if (!org) throw new NotFound('Organization')
  return organizationView(ctx.db, ctx.config, org, role)
}
