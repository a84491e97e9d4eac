import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { syncFromStripe } from './apply-subscription.js'
import { getBilling } from './billing.js'
import { billingOn } from './billing-account.js'
import { providerFailure } from './start-checkout.js'

/**
 * Reads the subscription from Stripe now and applies it (owners): the Billing tab calls it on coming
 * back from Checkout or the portal, before Stripe's webhook may have arrived. Returns the billing view.
 */
export async function syncBilling({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'org:billing')
  const billing = billingOn(ctx)
  try {
    await syncFromStripe(ctx, billing, input.organizationId)
  } catch (error) {
    throw providerFailure(ctx, error, 'read the subscription')
  }
  return getBilling({ ctx, input })
}
