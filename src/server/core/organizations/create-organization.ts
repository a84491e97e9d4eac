import type { ActorCtx } from '../context.js'
import { memberships, organizations } from '../../db/schema/index.js'
import { organizationView } from './view.js'
import { type CreateOrganizationInput, DEFAULT_AI_SETTINGS, DEFAULT_BUSINESS_HOURS } from './schemas.js'
import { assertProviderConfigured } from './ai-provider.js'

/** Creates an organization; the creator becomes its owner. */
export async function createOrganization({ ctx, input }: { ctx: ActorCtx; input: CreateOrganizationInput }) {
  if (input.ai) assertProviderConfigured(ctx.config, input.ai.provider)
  return ctx.db.transaction(async (tx) => {
    const [org] = await tx
      .insert(organizations)
      .values({
        name: input.name,
        description: input.description ?? '',
        industry: input.industry ?? '',
        whatsappDisplayName: input.whatsappDisplayName ?? null,
        planType: input.planType ?? 'starter',
        monthlyMessageLimitOverride: input.monthlyMessageLimit ?? null,
        welcomeMessage: input.welcomeMessage ?? `Hello! Welcome to ${input.name}. How can we help you today?`,
        businessHours: input.businessHours ?? DEFAULT_BUSINESS_HOURS,
        ai: input.ai ?? { ...DEFAULT_AI_SETTINGS },
      })
      .returning()
    await tx.insert(memberships).values({ organizationId: org.id, userId: ctx.actor.userId, role: 'owner' })
    return organizationView(tx, org, 'owner')
  })
}
