import type { ActorCtx } from '../context.js'
import { billingAccountOf, isPaying, isTroubled } from './billing-account.js'
import { providerFailure } from './start-checkout.js'

/**
 * Before an organization is deleted: its Stripe subscription is cancelled, so nobody keeps paying
 * for an organization that no longer exists. A Stripe failure stops the deletion (502, nothing
 * deleted) rather than leaving a subscription running with no organization behind it.
 */
export async function endOrganizationBilling(ctx: ActorCtx, organizationId: string) {
  if (!ctx.billing) return
  const account = await billingAccountOf(ctx.db, organizationId)
  if (!account?.stripeSubscriptionId) return
  if (!isPaying(account.subscriptionStatus) && !isTroubled(account.subscriptionStatus)) return
  try {
    await ctx.billing.cancelSubscription(account.stripeSubscriptionId)
  } catch (error) {
    throw providerFailure(ctx, error, 'cancel the subscription before deleting the organization')
  }
  ctx.log.info(
    { organizationId, subscription: account.stripeSubscriptionId, by: ctx.actor.email },
    'subscription cancelled: the organization is being deleted',
  )
}
