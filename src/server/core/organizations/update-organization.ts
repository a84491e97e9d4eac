import { eq, sql } from 'drizzle-orm'
import { organizations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Forbidden, NotFound } from '../errors.js'
import { authorizeOrganization, can } from '../members/permissions.js'
import { assertProviderConfigured } from './ai-provider.js'
import type { UpdateOrganizationInput } from './schemas.js'
import { organizationView } from './view.js'

/** Updates settings; nested objects (business hours, AI settings) are replaced whole. */
export async function updateOrganization({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; changes: UpdateOrganizationInput }
}) {
  const { role } = await authorizeOrganization(ctx, input.organizationId, 'org:update')
  const c = input.changes
  if ((c.planType !== undefined || c.monthlyMessageLimit !== undefined) && !can(role, 'org:billing')) {
    throw new Forbidden('Only an owner can change the plan or the monthly limit')
  }
  if (c.ai) assertProviderConfigured(ctx.config, c.ai.provider)
  const [org] = await ctx.db
    .update(organizations)
    .set({
      ...(c.name !== undefined && { name: c.name }),
      ...(c.description !== undefined && { description: c.description }),
      ...(c.industry !== undefined && { industry: c.industry }),
      ...(c.whatsappDisplayName !== undefined && { whatsappDisplayName: c.whatsappDisplayName }),
      ...(c.planType !== undefined && { planType: c.planType }),
      ...(c.monthlyMessageLimit !== undefined && { monthlyMessageLimitOverride: c.monthlyMessageLimit }),
      ...(c.welcomeMessage !== undefined && { welcomeMessage: c.welcomeMessage }),
      ...(c.businessHours !== undefined && { businessHours: c.businessHours }),
      ...(c.ai !== undefined && { ai: c.ai }),
      updatedAt: sql`now()`,
    })
    .where(eq(organizations.id, input.organizationId))
    .returning()
  if (!org) throw new NotFound('Organization')
  return organizationView(ctx.db, org, role)
}
