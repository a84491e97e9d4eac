import { eq } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { billingAccounts } from '../../db/schema/index.js'
import type { Billing } from '../../providers/billing/types.js'
import type { ActorCtx } from '../context.js'
import { Conflict } from '../errors.js'

export type BillingAccountRow = typeof billingAccounts.$inferSelect

/** Statuses in which the subscription is paying for its plan. */
export const PAYING_STATUSES = ['active', 'trialing'] as const
/** Statuses after a failed renewal: the plan is kept during the grace period. */
export const TROUBLED_STATUSES = ['past_due', 'unpaid'] as const

export const isPaying = (status: string | null | undefined) =>
  (PAYING_STATUSES as readonly string[]).includes(status ?? '')
export const isTroubled = (status: string | null | undefined) =>
  (TROUBLED_STATUSES as readonly string[]).includes(status ?? '')

/** The billing provider, or 409 BILLING_OFF: this deployment does not bill (plans are switched freely). */
export function billingOn(ctx: { billing: Billing | null }): Billing {
  if (!ctx.billing) {
    throw new Conflict('Billing is off on this deployment: plans are switched freely', {
      reason: 'BILLING_OFF',
    })
  }
  return ctx.billing
}

export async function billingAccountOf(db: Tx, organizationId: string, opts: { lock?: boolean } = {}) {
  const q = db.select().from(billingAccounts).where(eq(billingAccounts.organizationId, organizationId))
  const [row] = opts.lock ? await q.for('update') : await q
  return row ?? null
}

/**
 * The organization's Stripe customer, made on first use. Stripe's idempotency key (the organization
 * id) and the unique row make two owners clicking at once end with one customer.
 */
export async function ensureCustomer(
  ctx: ActorCtx,
  billing: Billing,
  org: { id: string; name: string },
): Promise<BillingAccountRow> {
  const existing = await billingAccountOf(ctx.db, org.id)
  if (existing) return existing
  const customerId = await billing.createCustomer({
    organizationId: org.id,
    name: org.name,
    email: ctx.actor.email,
  })
  await ctx.db
    .insert(billingAccounts)
    .values({ organizationId: org.id, stripeCustomerId: customerId })
    .onConflictDoNothing()
  const row = await billingAccountOf(ctx.db, org.id)
  if (!row) throw new Error('the billing account vanished right after it was made')
  return row
}
