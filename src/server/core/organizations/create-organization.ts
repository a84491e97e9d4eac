import { and, count, eq } from 'drizzle-orm'
import { memberships, organizations, user } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Conflict } from '../errors.js'
import { assertProviderConfigured } from './ai-provider.js'
import { type CreateOrganizationInput, DEFAULT_AI_SETTINGS, DEFAULT_BUSINESS_HOURS } from './schemas.js'
import { organizationView } from './view.js'

/**
 * Creates an organization on the default plan; the creator becomes its owner. An account owns
 * at most `MAX_ORGANIZATIONS_PER_USER` organizations (operators excepted): the count is taken
 * under a lock on the account's row, so parallel requests cannot pass it together.
 */
export async function createOrganization({ ctx, input }: { ctx: ActorCtx; input: CreateOrganizationInput }) {
  if (input.ai) assertProviderConfigured(ctx.config, input.ai.provider)
  return ctx.db.transaction(async (tx) => {
    if (!ctx.actor.isOperator) {
      await tx.select({ id: user.id }).from(user).where(eq(user.id, ctx.actor.userId)).for('update')
      const [ownedRow] = await tx
        .select({ owned: count() })
        .from(memberships)
        .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
        .where(
          and(
            eq(memberships.userId, ctx.actor.userId),
            eq(memberships.role, 'owner'),
            eq(organizations.kind, 'business'),
          ),
        )
      const owned = ownedRow?.owned ?? 0
      const max = ctx.config.accountLimits.organizationsPerUser
      if (owned >= max) {
        throw new Conflict(
          `An account can own at most ${max} organization${max === 1 ? '' : 's'}; delete one or ask the platform operator for more`,
          { limit: 'MAX_ORGANIZATIONS_PER_USER', max },
        )
      }
    }
    const [org] = await tx
      .insert(organizations)
      // No plan here: new organizations start on the column's default plan (starter); operators change it.
      .values({
        name: input.name,
        description: input.description ?? '',
        industry: input.industry ?? '',
        whatsappDisplayName: input.whatsappDisplayName ?? null,
        welcomeMessage: input.welcomeMessage ?? `Hello! Welcome to ${input.name}. How can we help you today?`,
        businessHours: input.businessHours ?? DEFAULT_BUSINESS_HOURS,
        ai: input.ai ?? { ...DEFAULT_AI_SETTINGS },
      })
      .returning()
    if (!org) throw new Error('inserting the organization returned no row')
    await tx.insert(memberships).values({ organizationId: org.id, userId: ctx.actor.userId, role: 'owner' })
    return organizationView(tx, ctx.config, org, 'owner')
  })
}
