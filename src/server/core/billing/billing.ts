import { and, eq } from 'drizzle-orm'
import { PLANS } from '../../../shared/plans.js'
import { monthlyUsage, organizations } from '../../db/schema/index.js'
import type { ActorCtx, Ctx } from '../context.js'
import { dbOf } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { monthKey } from '../usage/month.js'
import { applyPlanChange, liveNumberCount } from './apply-plan-change.js'
import { type BillingAccountRow, billingAccountOf, isPaying, isTroubled } from './billing-account.js'
import { changeSubscribedPlan } from './change-subscribed-plan.js'
import { entitlementsOf } from './entitlements.js'
import { knowledgeUsageOf } from './knowledge-allowance.js'
import type { ChangePlanInput } from './schemas.js'

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
    .select({ n: monthlyUsage.messageCount, overage: monthlyUsage.overageCount })
    .from(monthlyUsage)
    .where(and(eq(monthlyUsage.organizationId, org.id), eq(monthlyUsage.month, month)))
  const knowledge = await knowledgeUsageOf(db, org.id)
  const account = ctx.billing ? await billingAccountOf(db, org.id) : null
  const messagesUsed = used?.n ?? 0
  return {
    billing: billingStateOf(ctx, org, account),
    planType: org.planType,
    entitlements,
    plans: PLANS,
    usage: {
      messagesUsed,
      messagesLimit: entitlements.monthlyMessages,
      overageUsed: used?.overage ?? 0,
      numbersUsed: await liveNumberCount(db, org.id),
      numbersLimit: entitlements.numbers,
      knowledgeSources: knowledge.sources,
      knowledgeChars: knowledge.chars,
    },
  }
}

/** What the Billing tab shows of Stripe: the subscription, a payment problem, overage and extra numbers. */
function billingStateOf(ctx: Ctx, org: typeof organizations.$inferSelect, account: BillingAccountRow | null) {
  const billing = ctx.billing
  if (!billing) {
    return {
      enabled: false,
      provider: null,
      subscription: null,
      paymentIssue: null,
      overage: { available: false, mode: 'refuse' as const, cap: 0, allowance: 0 },
      extraNumbers: { available: false, billed: 0 },
    }
  }
  const live = isPaying(account?.subscriptionStatus) || isTroubled(account?.subscriptionStatus)
  return {
    enabled: true,
    provider: billing.provider,
    subscription:
      account?.stripeSubscriptionId && account.subscriptionStatus
        ? {
            status: account.subscriptionStatus,
            planType: account.subscribedPlan,
            currentPeriodEnd: account.currentPeriodEnd?.toISOString() ?? null,
            cancelAtPeriodEnd: account.cancelAtPeriodEnd,
          }
        : null,
    paymentIssue:
      account?.paymentFailedAt && account.graceEndsAt
        ? {
            failedAt: account.paymentFailedAt.toISOString(),
            graceEndsAt: account.graceEndsAt.toISOString(),
            fallenBack: !account.planGranted,
          }
        : null,
    overage: {
      available: billing.sellsOverage && live && Boolean(account?.hasOverageItem),
      mode: account?.overageMode ?? 'refuse',
      cap: account?.overageCap ?? DEFAULT_OVERAGE_CAP,
      allowance: org.overageAllowance,
    },
    extraNumbers: {
      available: billing.sellsExtraNumbers && Boolean(account?.planGranted),
      billed: account?.extraNumbersBilled ?? 0,
    },
  }
}

/** The overage cap an owner starts from (billing_accounts.overage_cap's default). */
const DEFAULT_OVERAGE_CAP = 1000

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
  if (ctx.billing) return changeSubscribedPlan(ctx, ctx.billing, input.organizationId, input.changes.planType)
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
