import Stripe from 'stripe'
import { type PlanType, SUBSCRIPTION_STATUSES, type SubscriptionStatus } from '../../../shared/enums.js'
import type { StripeConfig } from '../../config.js'
import {
  type Billing,
  type BillingEvent,
  type BillingInvoice,
  type BillingSubscription,
  InvalidWebhookSignature,
} from './types.js'

// Billing through the official `stripe` package. Everything Stripe-shaped stays in this file:
// price ids ↔ plans, subscription items, invoice parents, meter events, webhook signatures.

/** Statuses in which a subscription is (or may again be) paying: preferred over ended ones. */
const LIVE: readonly SubscriptionStatus[] = [
  'active',
  'trialing',
  'past_due',
  'unpaid',
  'incomplete',
  'paused',
]

/** Seconds a signed webhook may be old before it is refused as a replay (Stripe's default tolerance). */
const SIGNATURE_TOLERANCE_SECONDS = 300

const idOf = (v: string | { id: string } | null | undefined) => (typeof v === 'string' ? v : (v?.id ?? null))
const dateOf = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null)

export function createStripeBilling(config: StripeConfig): Billing {
  const base = config.apiBaseUrl ? new URL(config.apiBaseUrl) : undefined
  const stripe = new Stripe(config.secretKey, {
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'https:' ? 443 : 80),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'whatsapp-ai-platform' },
  })
  const planOfPrice = new Map<string, PlanType>(
    (Object.entries(config.planPrices) as [PlanType, string][]).map(([plan, price]) => [price, plan]),
  )

  function subscriptionOf(s: Stripe.Subscription): BillingSubscription {
    const items = s.items.data
    const baseItem = items.find((i) => planOfPrice.has(i.price.id)) ?? null
    const extra = config.extraNumberPrice
      ? items.find((i) => i.price.id === config.extraNumberPrice)
      : undefined
    const periodEnds = items.map((i) => i.current_period_end).filter((n) => typeof n === 'number')
    return {
      id: s.id,
      customerId: idOf(s.customer) ?? '',
      status: statusOf(s.status),
      planType: baseItem ? (planOfPrice.get(baseItem.price.id) ?? null) : null,
      baseItemId: baseItem?.id ?? null,
      extraNumbersItemId: extra?.id ?? null,
      extraNumbers: extra?.quantity ?? 0,
      hasOverageItem: Boolean(config.overage && items.some((i) => i.price.id === config.overage?.price)),
      currentPeriodEnd: dateOf(periodEnds.length ? Math.min(...periodEnds) : null),
      cancelAtPeriodEnd: s.cancel_at_period_end,
      organizationId: s.metadata?.organization_id ?? null,
      created: new Date(s.created * 1000),
    }
  }

  function invoiceOf(i: Stripe.Invoice): BillingInvoice {
    return {
      id: i.id ?? '',
      customerId: idOf(i.customer) ?? '',
      subscriptionId: idOf(i.parent?.subscription_details?.subscription),
      number: i.number ?? null,
      status: i.status ?? 'draft',
      currency: i.currency,
      amountDue: i.amount_due,
      amountPaid: i.amount_paid,
      hostedInvoiceUrl: i.hosted_invoice_url ?? null,
      invoicePdf: i.invoice_pdf ?? null,
      periodStart: dateOf(i.period_start),
      periodEnd: dateOf(i.period_end),
      created: new Date(i.created * 1000),
      attemptCount: i.attempt_count,
    }
  }

  const retrieve = (id: string) => stripe.subscriptions.retrieve(id).then(subscriptionOf)

  return {
    provider: 'stripe',
    sellsExtraNumbers: Boolean(config.extraNumberPrice),
    sellsOverage: Boolean(config.overage),

    async createCustomer({ organizationId, name, email }) {
      const customer = await stripe.customers.create(
        { name, email, metadata: { organization_id: organizationId } },
        // One customer per organization even when two owners click at once or a request is retried.
        { idempotencyKey: `customer-${organizationId}` },
      )
      return customer.id
    },

    async createCheckout({ customerId, organizationId, planType, successUrl, cancelUrl }) {
      const lineItems: Stripe.Checkout.SessionCreateParams.LineItem[] = [
        { price: config.planPrices[planType], quantity: 1 },
      ]
      // The metered price rides along from the start: it costs nothing until overage is reported,
      // and lets an owner turn overage billing on later without another checkout.
      if (config.overage) lineItems.push({ price: config.overage.price })
      const session = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: customerId,
        client_reference_id: organizationId,
        line_items: lineItems,
        success_url: successUrl,
        cancel_url: cancelUrl,
        metadata: { organization_id: organizationId, plan: planType },
        subscription_data: { metadata: { organization_id: organizationId } },
      })
      if (!session.url) throw new Error('Stripe returned a Checkout session without a URL')
      return { id: session.id, url: session.url }
    },

    async createPortal({ customerId, returnUrl }) {
      const session = await stripe.billingPortal.sessions.create({
        customer: customerId,
        return_url: returnUrl,
      })
      return { url: session.url }
    },

    async currentSubscription(customerId) {
      const list = await stripe.subscriptions.list({ customer: customerId, status: 'all', limit: 20 })
      const subs = list.data.map(subscriptionOf).sort((a, b) => b.created.getTime() - a.created.getTime())
      return subs.find((s) => LIVE.includes(s.status)) ?? subs[0] ?? null
    },

    async changePlan(subscription, planType) {
      const price = config.planPrices[planType]
      const items: Stripe.SubscriptionUpdateParams.Item[] = subscription.baseItemId
        ? [{ id: subscription.baseItemId, price }]
        : [{ price, quantity: 1 }]
      const updated = await stripe.subscriptions.update(subscription.id, {
        items,
        proration_behavior: 'create_prorations',
      })
      return subscriptionOf(updated)
    },

    async setExtraNumbers(subscription, quantity) {
      const price = config.extraNumberPrice
      if (!price) throw new Error('no per-number price is configured (STRIPE_PRICE_EXTRA_NUMBER)')
      if (subscription.extraNumbersItemId) {
        if (quantity === 0) await stripe.subscriptionItems.del(subscription.extraNumbersItemId)
        else
          await stripe.subscriptionItems.update(subscription.extraNumbersItemId, {
            quantity,
            proration_behavior: 'create_prorations',
          })
      } else if (quantity > 0) {
        await stripe.subscriptionItems.create({
          subscription: subscription.id,
          price,
          quantity,
          proration_behavior: 'create_prorations',
        })
      }
      return retrieve(subscription.id)
    },

    async cancelSubscription(subscriptionId) {
      // Overage already used is still invoiced; what was paid for the rest of the period is not refunded.
      await stripe.subscriptions.cancel(subscriptionId, { invoice_now: true, prorate: false })
    },

    async reportOverage({ customerId, messages, identifier, at }) {
      if (!config.overage) throw new Error('no overage price is configured (STRIPE_PRICE_OVERAGE)')
      try {
        await stripe.billing.meterEvents.create({
          event_name: config.overage.meterEventName,
          payload: { stripe_customer_id: customerId, value: String(messages) },
          identifier,
          timestamp: Math.floor(at.getTime() / 1000),
        })
      } catch (error) {
        // Stripe keeps identifiers for at least 24 hours (MeterEventCreateParams.identifier) and
        // refuses a repeat with 400 "An event already exists with identifier …" (not counted):
        // the report was made before (a retry after a crash), which is what the caller wants.
        if (
          error instanceof Stripe.errors.StripeInvalidRequestError &&
          /already exists with identifier/i.test(error.message)
        )
          return
        throw error
      }
    },

    async previewNextInvoice({ customerId, subscriptionId }) {
      const preview = await stripe.invoices.createPreview({
        customer: customerId,
        subscription: subscriptionId,
      })
      return {
        amountDue: preview.amount_due,
        currency: preview.currency,
        periodStart: dateOf(preview.period_start),
        periodEnd: dateOf(preview.period_end),
        lines: preview.lines.data.map((l) => ({ description: l.description ?? '', amount: l.amount })),
      }
    },

    async getInvoice(id) {
      return invoiceOf(await stripe.invoices.retrieve(id))
    },

    parseWebhook(rawBody, signatureHeader) {
      if (!signatureHeader) throw new InvalidWebhookSignature('the Stripe-Signature header is missing')
      let event: Stripe.Event
      try {
        event = stripe.webhooks.constructEvent(
          rawBody,
          signatureHeader,
          config.webhookSecret,
          SIGNATURE_TOLERANCE_SECONDS,
        )
      } catch (error) {
        throw new InvalidWebhookSignature(error instanceof Error ? error.message : String(error))
      }
      return eventOf(event)
    },
  }
}

/** Stripe may add statuses; an unknown one is treated as ended (no paid plan) until we learn it. */
const statusOf = (status: string): SubscriptionStatus =>
  (SUBSCRIPTION_STATUSES as readonly string[]).includes(status) ? (status as SubscriptionStatus) : 'canceled'

function eventOf(event: Stripe.Event): BillingEvent {
  const object = event.data.object as {
    object?: string
    id?: string
    customer?: string | { id: string } | null
    client_reference_id?: string | null
    metadata?: Record<string, string> | null
  }
  return {
    id: event.id,
    type: event.type,
    created: new Date(event.created * 1000),
    customerId: idOf(object.customer),
    organizationId: object.client_reference_id ?? object.metadata?.organization_id ?? null,
    invoiceId: object.object === 'invoice' ? (object.id ?? null) : null,
  }
}
