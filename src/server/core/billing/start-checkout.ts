import { eq } from 'drizzle-orm'
import type { PlanType } from '../../../shared/enums.js'
import { organizations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Conflict, NotFound, ProviderFailed } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { billingOn, ensureCustomer, isPaying, isTroubled } from './billing-account.js'

/** Where Stripe sends the owner back: the Billing tab, which then syncs from Stripe. */
export const billingTabUrl = (appUrl: string, organizationId: string, query: string) =>
  `${appUrl}/Dashboard/organizations/${encodeURIComponent(organizationId)}?tab=billing&${query}`

/**
 * An owner subscribes: a Stripe Checkout session for `planType`, opened in the browser. An
 * organization that already has a live subscription changes plan instead (409 SUBSCRIBED).
 * The plan applies when Stripe confirms (webhook, or the sync on return), never on the redirect alone.
 */
export async function startCheckout({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; planType: PlanType }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'org:billing')
  const billing = billingOn(ctx)
  const [org] = await ctx.db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, input.organizationId))
  if (!org) throw new NotFound('Organization')
  try {
    const account = await ensureCustomer(ctx, billing, org)
    if (isPaying(account.subscriptionStatus) || isTroubled(account.subscriptionStatus)) {
      throw new Conflict('This organization already has a subscription: change its plan instead', {
        reason: 'SUBSCRIBED',
      })
    }
    return await billing.createCheckout({
      customerId: account.stripeCustomerId,
      organizationId: org.id,
      planType: input.planType,
      successUrl: billingTabUrl(
        ctx.config.appUrl,
        org.id,
        'checkout=success&session_id={CHECKOUT_SESSION_ID}',
      ),
      cancelUrl: billingTabUrl(ctx.config.appUrl, org.id, 'checkout=canceled'),
    })
  } catch (error) {
    throw providerFailure(ctx, error, 'open Stripe Checkout')
  }
}

/** A Stripe failure as 502 PROVIDER_FAILED (logged); our own errors pass through. */
export function providerFailure(ctx: ActorCtx, error: unknown, what: string) {
  if (error instanceof Conflict || error instanceof NotFound) return error
  ctx.log.warn({ err: error }, `Stripe call failed: could not ${what}`)
  return new ProviderFailed(`Stripe could not be reached to ${what}; try again in a moment`)
}
