import { sql } from 'drizzle-orm'
import { boolean, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import type { OverageMode, SubscriptionStatus } from '../../../shared/enums.js'
import { organizations, planType } from './organizations.js'

// Billing through Stripe (issue 17). Stripe is the source of truth for subscriptions and invoices;
// these rows are what we last learned from it, so the dashboard and the gates never wait on Stripe.
// The organization's effective plan stays in `organizations` (plan_type, overage_allowance,
// extra_numbers_allowance), written from these rows by core/billing/apply-subscription.ts.

/** An organization's Stripe customer and the subscription state we last read from Stripe. */
export const billingAccounts = pgTable(
  'billing_accounts',
  {
    organizationId: text('organization_id')
      .primaryKey()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    stripeCustomerId: text('stripe_customer_id').notNull().unique(),
    stripeSubscriptionId: text('stripe_subscription_id'),
    subscriptionStatus: text('subscription_status').$type<SubscriptionStatus>(),
    /** The plan the subscription sells (from its base price); null without a subscription. */
    subscribedPlan: planType('subscribed_plan'),
    /**
     * Whether billing granted the subscription's plan at the last sync (paying, or within the grace
     * period). Going from granted to not granted falls back to Starter; an organization that was never
     * granted keeps the plan it has (an operator's custom deal).
     */
    planGranted: boolean('plan_granted').notNull().default(false),
    /** Whether the subscription carries the metered overage price (overage can be billed). */
    hasOverageItem: boolean('has_overage_item').notNull().default(false),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    /** Extra numbers the subscription's per-number item is billed for now. */
    extraNumbersBilled: integer('extra_numbers_billed').notNull().default(0),
    /** The owner's choice for messages beyond the limit. */
    overageMode: text('overage_mode').$type<OverageMode>().notNull().default('refuse'),
    /** Overage messages the owner allows in a month when billing them (a ceiling on the bill). */
    overageCap: integer('overage_cap').notNull().default(1000),
    /** When the first unpaid renewal was seen; null while payments are fine. */
    paymentFailedAt: timestamp('payment_failed_at', { withTimezone: true }),
    /** Until when the paid plan is kept despite the failed payment; afterwards Starter's limits apply. */
    graceEndsAt: timestamp('grace_ends_at', { withTimezone: true }),
    /** When Stripe's state was last applied. */
    syncedAt: timestamp('synced_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('billing_accounts_subscription_idx').on(t.stripeSubscriptionId)],
)

/**
 * Stripe webhook events received (signature checked), by Stripe's event id: a redelivered event is
 * recognised and not applied twice. Processing reads the current state from Stripe, so events may
 * arrive in any order.
 */
export const stripeEvents = pgTable(
  'stripe_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    /** Stripe's `created` (when the event happened at Stripe). */
    stripeCreatedAt: timestamp('stripe_created_at', { withTimezone: true }).notNull(),
    customerId: text('customer_id'),
    /** The invoice an invoice.* event is about. */
    invoiceId: text('invoice_id'),
    organizationId: text('organization_id').references(() => organizations.id, { onDelete: 'set null' }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    /** The last processing error (processing is retried by the job queue). */
    error: text('error'),
  },
  (t) => [index('stripe_events_received_idx').on(t.receivedAt)],
)

/** The organization's invoices as Stripe last described them (listed in the Billing tab, with links). */
export const billingInvoices = pgTable(
  'billing_invoices',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    number: text('number'),
    /** Stripe.Invoice.Status: draft, open, paid, uncollectible, void. */
    status: text('status').notNull(),
    currency: text('currency').notNull(),
    /** In the currency's smallest unit (cents). */
    amountDue: integer('amount_due').notNull(),
    amountPaid: integer('amount_paid').notNull(),
    hostedInvoiceUrl: text('hosted_invoice_url'),
    invoicePdf: text('invoice_pdf'),
    periodStart: timestamp('period_start', { withTimezone: true }),
    periodEnd: timestamp('period_end', { withTimezone: true }),
    stripeCreatedAt: timestamp('stripe_created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('billing_invoices_org_idx').on(t.organizationId, t.stripeCreatedAt)],
)
