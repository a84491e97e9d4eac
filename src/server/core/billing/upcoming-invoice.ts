import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { billingAccountOf, isPaying, isTroubled } from './billing-account.js'
import { providerFailure } from './start-checkout.js'

/** The next invoice as Stripe would draw it now (plan, extra numbers, overage so far); owners. */
export async function upcomingInvoice({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'org:billing')
  const account = ctx.billing ? await billingAccountOf(ctx.db, input.organizationId) : null
  if (!ctx.billing || !account?.stripeSubscriptionId) return { upcoming: null }
  if (!isPaying(account.subscriptionStatus) && !isTroubled(account.subscriptionStatus))
    return { upcoming: null }
  try {
    const p = await ctx.billing.previewNextInvoice({
      customerId: account.stripeCustomerId,
      subscriptionId: account.stripeSubscriptionId,
    })
    return {
      upcoming: {
        amountDue: p.amountDue,
        currency: p.currency,
        periodStart: p.periodStart?.toISOString() ?? null,
        periodEnd: p.periodEnd?.toISOString() ?? null,
        lines: p.lines,
      },
    }
  } catch (error) {
    throw providerFailure(ctx, error, 'preview the next invoice')
  }
}
