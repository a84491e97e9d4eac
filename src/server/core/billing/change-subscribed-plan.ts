import type { PlanType } from '../../../shared/enums.js'
import { EXTRA_NUMBERS_MAX, PLANS } from '../../../shared/plans.js'
import type { Billing } from '../../providers/billing/types.js'
import type { ActorCtx } from '../context.js'
import { Conflict } from '../errors.js'
import { liveNumbersOf } from './apply-plan-change.js'
import { applySubscription } from './apply-subscription.js'
import { billingAccountOf, isPaying } from './billing-account.js'
import { entitlementsOf } from './entitlements.js'
import { providerFailure } from './start-checkout.js'

/**
 * With billing on, an owner's upgrade or downgrade swaps the subscription's price at Stripe
 * (prorated) and applies Stripe's answer at once; the webhook that follows finds nothing to change.
 * Without a paying subscription there is nothing to swap: 409 CHECKOUT_REQUIRED (subscribe first).
 * A downgrade leaving more live numbers than the new plan holds is refused (NUMBERS_OVER_PLAN)
 * unless numbers are sold one by one, in which case the extra ones are billed.
 */
export async function changeSubscribedPlan(
  ctx: ActorCtx,
  billing: Billing,
  organizationId: string,
  planType: PlanType,
) {
  const stored = await ctx.db.transaction(async (tx) => {
    const account = await billingAccountOf(tx, organizationId, { lock: true })
    if (!account?.stripeSubscriptionId || !isPaying(account.subscriptionStatus)) {
      throw new Conflict(
        account?.paymentFailedAt
          ? 'The last payment failed: update the payment method before changing plan'
          : 'Subscribe through Stripe Checkout first',
        { reason: account?.paymentFailedAt ? 'PAYMENT_ISSUE' : 'CHECKOUT_REQUIRED' },
      )
    }
    const live = await liveNumbersOf(tx, organizationId)
    const allowed = PLANS[planType].numbers + (billing.sellsExtraNumbers ? EXTRA_NUMBERS_MAX : 0)
    if (live.length > allowed) {
      throw new Conflict(
        `The ${PLANS[planType].label} plan holds ${allowed} number${allowed === 1 ? '' : 's'} and this organization has ${live.length}: release ${live.length - allowed} first`,
        { reason: 'NUMBERS_OVER_PLAN', numbers: live, allowed },
      )
    }
    try {
      const current = await billing.currentSubscription(account.stripeCustomerId)
      if (!current || !isPaying(current.status)) {
        throw new Conflict('The subscription is no longer active: subscribe through Stripe Checkout', {
          reason: 'CHECKOUT_REQUIRED',
        })
      }
      const updated = current.planType === planType ? current : await billing.changePlan(current, planType)
      return await applySubscription(ctx, tx, billing, account, updated)
    } catch (error) {
      throw providerFailure(ctx, error, 'change the subscription')
    }
  })
  const org = await ctx.db.query.organizations.findFirst({ where: (o, { eq }) => eq(o.id, organizationId) })
  if (!org) throw new Conflict('The organization was deleted meanwhile')
  ctx.log.info(
    {
      organizationId,
      by: ctx.actor.email,
      planType: org.planType,
      subscription: stored.stripeSubscriptionId,
    },
    'subscription plan changed by an owner',
  )
  return { planType: org.planType, entitlements: entitlementsOf(org) }
}
