import type { ActorCtx } from '../context.js'
import { Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { billingAccountOf, billingOn } from './billing-account.js'
import { billingTabUrl, providerFailure } from './start-checkout.js'

/** "Manage billing": a Stripe Billing Portal session (payment method, invoices, cancel). Owners. */
export async function openPortal({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'org:billing')
  const billing = billingOn(ctx)
  const account = await billingAccountOf(ctx.db, input.organizationId)
  if (!account) {
    throw new Conflict('This organization has no billing account yet: subscribe to a plan first', {
      reason: 'NO_CUSTOMER',
    })
  }
  try {
    return await billing.createPortal({
      customerId: account.stripeCustomerId,
      returnUrl: billingTabUrl(ctx.config.appUrl, input.organizationId, 'portal=return'),
    })
  } catch (error) {
    throw providerFailure(ctx, error, 'open the billing portal')
  }
}
