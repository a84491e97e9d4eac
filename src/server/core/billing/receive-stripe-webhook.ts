import { eq } from 'drizzle-orm'
import { billingAccounts, organizations, stripeEvents } from '../../db/schema/index.js'
import { InvalidWebhookSignature } from '../../providers/billing/types.js'
import type { Ctx } from '../context.js'
import { BadRequest, NotFound } from '../errors.js'

/** Stripe events that change what an organization may do; others are recorded and left alone. */
export const HANDLED_STRIPE_EVENTS = [
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
] as const

/**
 * A Stripe webhook delivery: the signature (and its age) is checked with the SDK, the event is stored
 * by its id and its processing queued in the same transaction, so an accepted event is never lost
 * and a redelivered one is recognised (`duplicate`) and not applied twice. The answer comes before
 * any call to Stripe: processing reads the current state from Stripe, in a job that retries.
 */
export async function receiveStripeWebhook({
  ctx,
  input,
}: {
  ctx: Ctx
  input: { rawBody: string; signature: string | undefined }
}) {
  if (!ctx.billing) throw new NotFound('Billing webhook')
  let event: ReturnType<NonNullable<Ctx['billing']>['parseWebhook']>
  try {
    event = ctx.billing.parseWebhook(input.rawBody, input.signature)
  } catch (error) {
    if (error instanceof InvalidWebhookSignature) {
      throw new BadRequest(`The Stripe signature does not verify: ${error.message}`)
    }
    throw error
  }
  const handled = (HANDLED_STRIPE_EVENTS as readonly string[]).includes(event.type)
  return ctx.db.transaction(async (tx) => {
    let organizationId: string | null = null
    if (event.customerId) {
      const [account] = await tx
        .select({ organizationId: billingAccounts.organizationId })
        .from(billingAccounts)
        .where(eq(billingAccounts.stripeCustomerId, event.customerId))
      organizationId = account?.organizationId ?? null
    }
    if (!organizationId && event.organizationId) {
      const [org] = await tx
        .select({ id: organizations.id })
        .from(organizations)
        .where(eq(organizations.id, event.organizationId))
      organizationId = org?.id ?? null
    }
    const [stored] = await tx
      .insert(stripeEvents)
      .values({
        id: event.id,
        type: event.type,
        stripeCreatedAt: event.created,
        customerId: event.customerId,
        invoiceId: event.invoiceId,
        organizationId,
        // Nothing to do for an event we do not act on, or one about no organization of ours.
        processedAt: handled && organizationId ? null : new Date(),
        error: handled && !organizationId ? 'no organization has this Stripe customer' : null,
      })
      .onConflictDoNothing()
      .returning({ id: stripeEvents.id })
    if (!stored) return { received: true, duplicate: true }
    if (handled && organizationId) {
      await ctx.jobs.send('billing.process-event', { eventId: event.id }, { tx })
    } else {
      ctx.log.info(
        { eventId: event.id, type: event.type, organizationId },
        'Stripe event recorded, nothing to apply',
      )
    }
    return { received: true, duplicate: false }
  })
}
