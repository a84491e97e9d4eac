import type { PlanType, SubscriptionStatus } from '../../../shared/enums.js'

// Billing behind a small interface (CONVENTIONS 7): core speaks of plans, subscriptions and
// invoices; Stripe's shapes, price ids and quirks stay in ./stripe.ts.

/** A subscription as core needs it. */
export interface BillingSubscription {
  id: string
  customerId: string
  status: SubscriptionStatus
  /** The plan its base price sells; null when no item carries a configured plan price. */
  planType: PlanType | null
  /** The item carrying the plan's price (swapped on upgrade/downgrade). */
  baseItemId: string | null
  /** The per-number item, and how many numbers it bills. */
  extraNumbersItemId: string | null
  extraNumbers: number
  /** Whether the subscription carries the metered overage price (overage can be billed). */
  hasOverageItem: boolean
  currentPeriodEnd: Date | null
  cancelAtPeriodEnd: boolean
  /** `metadata.organization_id` set when we created it. */
  organizationId: string | null
  created: Date
}

/** An invoice as the Billing tab lists it. Amounts in the currency's smallest unit. */
export interface BillingInvoice {
  id: string
  customerId: string
  subscriptionId: string | null
  number: string | null
  /** draft, open, paid, uncollectible, void */
  status: string
  currency: string
  amountDue: number
  amountPaid: number
  hostedInvoiceUrl: string | null
  invoicePdf: string | null
  periodStart: Date | null
  periodEnd: Date | null
  created: Date
  /** Payment attempts made (more than 0 on an open invoice: a payment failed). */
  attemptCount: number
}

/** The next invoice as Stripe would draw it now. */
export interface InvoicePreview {
  amountDue: number
  currency: string
  periodStart: Date | null
  periodEnd: Date | null
  lines: { description: string; amount: number }[]
}

/** A verified webhook event, reduced to what routing and ordering need. */
export interface BillingEvent {
  id: string
  type: string
  created: Date
  customerId: string | null
  /** From `client_reference_id` (Checkout) or `metadata.organization_id` (subscriptions). */
  organizationId: string | null
  /** The invoice an invoice.* event is about. */
  invoiceId: string | null
}

export class InvalidWebhookSignature extends Error {}

export interface Billing {
  provider: 'stripe'
  /** Whether numbers beyond the plan's can be bought (a per-number price is configured). */
  sellsExtraNumbers: boolean
  /** Whether messages beyond the limit can be billed (a metered price and its meter are configured). */
  sellsOverage: boolean
  createCustomer(input: { organizationId: string; name: string; email: string }): Promise<string>
  /** A Checkout session for a new subscription to `planType`; the customer is sent to `url`. */
  createCheckout(input: {
    customerId: string
    organizationId: string
    planType: PlanType
    successUrl: string
    cancelUrl: string
  }): Promise<{ id: string; url: string }>
  createPortal(input: { customerId: string; returnUrl: string }): Promise<{ url: string }>
  /** The customer's subscription that matters now: a live one if any, else the newest; null if none. */
  currentSubscription(customerId: string): Promise<BillingSubscription | null>
  /** Swaps the base item's price to `planType`'s (prorated). */
  changePlan(subscription: BillingSubscription, planType: PlanType): Promise<BillingSubscription>
  /** Sets how many extra numbers the subscription bills (adds, updates or removes the item). */
  setExtraNumbers(subscription: BillingSubscription, quantity: number): Promise<BillingSubscription>
  /** Ends the subscription now (the organization is being deleted). */
  cancelSubscription(subscriptionId: string): Promise<void>
  /** Reports `messages` overage messages; `identifier` makes a retried report count once. */
  reportOverage(input: { customerId: string; messages: number; identifier: string; at: Date }): Promise<void>
  previewNextInvoice(input: { customerId: string; subscriptionId: string }): Promise<InvoicePreview>
  getInvoice(id: string): Promise<BillingInvoice>
  /** Verifies Stripe's signature (and its timestamp tolerance); throws InvalidWebhookSignature. */
  parseWebhook(rawBody: string, signatureHeader: string | undefined): BillingEvent
}
