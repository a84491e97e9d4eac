import { eq, sql } from 'drizzle-orm'
import { billingAccounts, billingInvoices, stripeEvents } from '../../db/schema/index.js'
import type { Billing } from '../../providers/billing/types.js'
import type { Ctx } from '../context.js'
import { syncFromStripe } from './apply-subscription.js'

/**
 * Applies a stored Stripe event. It does not trust the event's snapshot: it reads the subscription
 * (and an invoice.* event's invoice) from Stripe now, so events applied late, twice or out of order
 * all end in Stripe's current state. A failure is recorded on the event and rethrown (the job retries).
 */
export async function processStripeEvent({ ctx, input }: { ctx: Ctx; input: { eventId: string } }) {
  const billing = ctx.billing
  const [event] = await ctx.db.select().from(stripeEvents).where(eq(stripeEvents.id, input.eventId))
  if (!event || event.processedAt || !event.organizationId) return
  if (!billing) return
  const organizationId = event.organizationId
  try {
    if (event.type === 'checkout.session.completed' && event.customerId) {
      // A Checkout whose customer was made elsewhere still links the organization to it.
      await ctx.db
        .insert(billingAccounts)
        .values({ organizationId, stripeCustomerId: event.customerId })
        .onConflictDoNothing()
    }
    if (event.invoiceId) await storeInvoice(ctx, billing, organizationId, event.invoiceId)
    await syncFromStripe(ctx, billing, organizationId)
    await ctx.db
      .update(stripeEvents)
      .set({ processedAt: sql`now()`, error: null })
      .where(eq(stripeEvents.id, event.id))
  } catch (error) {
    await ctx.db
      .update(stripeEvents)
      .set({ error: error instanceof Error ? error.message.slice(0, 500) : String(error) })
      .where(eq(stripeEvents.id, event.id))
    throw error
  }
}

/** Stores an invoice as Stripe describes it now, for the Billing tab. */
export async function storeInvoice(ctx: Ctx, billing: Billing, organizationId: string, invoiceId: string) {
  const i = await billing.getInvoice(invoiceId)
  const values = {
    number: i.number,
    status: i.status,
    currency: i.currency,
    amountDue: i.amountDue,
    amountPaid: i.amountPaid,
    hostedInvoiceUrl: i.hostedInvoiceUrl,
    invoicePdf: i.invoicePdf,
    periodStart: i.periodStart,
    periodEnd: i.periodEnd,
    stripeCreatedAt: i.created,
    updatedAt: new Date(),
  }
  await ctx.db
    .insert(billingInvoices)
    .values({ id: i.id, organizationId, ...values })
    .onConflictDoUpdate({ target: billingInvoices.id, set: values })
}
