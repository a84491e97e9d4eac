import { and, eq } from 'drizzle-orm'
import { PLANS } from '../../../shared/plans.js'
import { monthlyUsage, organizations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { dbOf } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { monthKey } from '../usage/month.js'
import { applyPlanChange, liveNumberCount } from './apply-plan-change.js'
import { entitlementsOf } from './entitlements.js'
import { knowledgeUsageOf } from './knowledge-allowance.js'
import type { ChangePlanInput } from './schemas.js'

/** Billing through a provider (Stripe) is not available yet: owners switch plans freely. */
const BILLING_OFF = { enabled: false, provider: null } as const

/**
 * The organization's plan, what it includes (with an operator's overrides), every plan to compare,
 * and its usage: messages this month, live numbers, knowledge sources and characters. Any member.
 */
export async function getBilling({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'dashboard:read')
  const db = dbOf(ctx)
  const [org] = await db.select().from(organizations).where(eq(organizations.id, input.organizationId))
  if (!org) throw new NotFound('Organization')
  const entitlements = entitlementsOf(org)
  const month = monthKey(new Date(), org.businessHours.timezone)
  const [used] = await db
    .select({ n: monthlyUsage.messageCount })
    .from(monthlyUsage)
    .where(and(eq(monthlyUsage.organizationId, org.id), eq(monthlyUsage.month, month)))
  const knowledge = await knowledgeUsageOf(db, org.id)
  return {
    billing: BILLING_OFF,
    planType: org.planType,
    entitlements,
    plans: PLANS,
    usage: {
      messagesUsed: used?.n ?? 0,
      messagesLimit: entitlements.monthlyMessages,
      numbersUsed: await liveNumberCount(db, org.id),
      numbersLimit: entitlements.numbers,
      knowledgeSources: knowledge.sources,
      knowledgeChars: knowledge.chars,
    },
  }
}

/**
 * An owner switches the organization's plan (billing off: free). A downgrade leaving more live
 * numbers than the new plan holds is refused (409 NUMBERS_OVER_PLAN, nothing changes). Knowledge
 * over the new allowance stays and keeps answering; only additions are refused. Features the new
 * plan lacks stop applying (API keys, webhooks, business hours), their settings are kept.
 */
export async function changePlan({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; changes: ChangePlanInput }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'org:billing')
  const after = await ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(organizations)
      .where(eq(organizations.id, input.organizationId))
      .for('update')
    if (!before) throw new NotFound('Organization')
    if (before.planType === input.changes.planType) return before
    return applyPlanChange(ctx, tx, before, { planType: input.changes.planType }, { guardNumbers: true })
  })
  ctx.log.info(
    { organizationId: after.id, by: ctx.actor.email, planType: after.planType },
    'organization plan changed by an owner',
  )
  return { planType: after.planType, entitlements: entitlementsOf(after) }
}
