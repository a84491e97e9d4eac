import { eq, sql } from 'drizzle-orm'
import { EXTRA_NUMBERS_MAX } from '../../../shared/plans.js'
import type { Tx } from '../../db/client.js'
import { billingAccounts, organizations } from '../../db/schema/index.js'
import type { Billing, BillingSubscription } from '../../providers/billing/types.js'
import type { Ctx } from '../context.js'
import { NotFound } from '../errors.js'
import { applyPlanChange } from './apply-plan-change.js'
import { type BillingAccountRow, billingAccountOf, isPaying, isTroubled } from './billing-account.js'
import { enqueueExtraNumbersSync } from './sync-extra-numbers.js'

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Makes the organization follow its Stripe subscription, inside the caller's transaction with the
 * billing account row locked (so two syncs of one organization apply in the order they read Stripe):
 *
 * - paying (active, trialing): the subscription's plan applies;
 * - a failed renewal (past_due, unpaid): the plan is kept until the grace period ends (it starts the
 *   first time the failure is seen), then Starter's limits apply;
 * - no subscription, or an ended one: Starter, if billing had granted a plan before; an organization
 *   billing never granted a plan keeps the one it has (an operator's custom deal).
 *
 * Nothing is deleted and no number is released: numbers beyond the plan keep working, only new ones
 * are refused. Returns the account row as stored.
 */
export async function applySubscription(
  ctx: Ctx,
  tx: Tx,
  billing: Billing,
  account: BillingAccountRow,
  sub: BillingSubscription | null,
  now = new Date(),
): Promise<BillingAccountRow> {
  const [org] = await tx
    .select()
    .from(organizations)
    .where(eq(organizations.id, account.organizationId))
    .for('update')
  if (!org) throw new NotFound('Organization')

  const troubled = isTroubled(sub?.status)
  const paymentFailedAt = troubled ? (account.paymentFailedAt ?? now) : null
  const graceEndsAt = troubled
    ? (account.graceEndsAt ?? new Date(now.getTime() + (ctx.config.stripe?.graceDays ?? 7) * DAY_MS))
    : null
  const granted =
    Boolean(sub?.planType) &&
    (isPaying(sub?.status) || (troubled && (graceEndsAt?.getTime() ?? 0) > now.getTime()))

  const planType = granted && sub?.planType ? sub.planType : account.planGranted ? 'starter' : org.planType
  const overageAllowance =
    granted && billing.sellsOverage && sub?.hasOverageItem && account.overageMode === 'bill'
      ? account.overageCap
      : 0
  const extraNumbersAllowance = granted && billing.sellsExtraNumbers ? EXTRA_NUMBERS_MAX : 0

  if (planType !== org.planType) {
    // Recorded as the owner who changed plan, or (no actor: a webhook, the grace check) as billing.
    await applyPlanChange(
      ctx,
      tx,
      org,
      { planType, overageAllowance, extraNumbersAllowance },
      { guardNumbers: false },
    )
    // The plan's own count of numbers changed: the per-number item follows (numbers beyond it).
    await enqueueExtraNumbersSync(ctx, org.id, tx)
  } else if (
    overageAllowance !== org.overageAllowance ||
    extraNumbersAllowance !== org.extraNumbersAllowance
  ) {
    await tx
      .update(organizations)
      .set({ overageAllowance, extraNumbersAllowance, updatedAt: sql`now()` })
      .where(eq(organizations.id, org.id))
  }

  const [stored] = await tx
    .update(billingAccounts)
    .set({
      stripeSubscriptionId: sub?.id ?? null,
      subscriptionStatus: sub?.status ?? null,
      subscribedPlan: sub?.planType ?? null,
      planGranted: granted,
      hasOverageItem: sub?.hasOverageItem ?? false,
      currentPeriodEnd: sub?.currentPeriodEnd ?? null,
      cancelAtPeriodEnd: sub?.cancelAtPeriodEnd ?? false,
      extraNumbersBilled: sub?.extraNumbers ?? 0,
      paymentFailedAt,
      graceEndsAt,
      syncedAt: now,
      updatedAt: now,
    })
    .where(eq(billingAccounts.organizationId, account.organizationId))
    .returning()
  if (!stored) throw new Error('the billing account vanished while locked')

  // The grace period ends without any event from Stripe: look again then (the check reads Stripe,
  // so a payment made meanwhile keeps the plan).
  if (troubled && graceEndsAt && !account.graceEndsAt && graceEndsAt.getTime() > now.getTime()) {
    await ctx.jobs.send(
      'billing.grace-check',
      { organizationId: org.id },
      { tx, startAfter: Math.ceil((graceEndsAt.getTime() - now.getTime()) / 1000) + 5 },
    )
  }
  return stored
}

/**
 * Reads the organization's subscription from Stripe and applies it (webhook events, the grace
 * check, an owner's "sync" on coming back from Checkout). The account row stays locked across the
 * read, so a slower sync can never apply an older state over a newer one.
 */
export async function syncFromStripe(ctx: Ctx, billing: Billing, organizationId: string, now = new Date()) {
  return ctx.db.transaction(async (tx) => {
    const account = await billingAccountOf(tx, organizationId, { lock: true })
    if (!account) return null
    const sub = await billing.currentSubscription(account.stripeCustomerId)
    return applySubscription(ctx, tx, billing, account, sub, now)
  })
}
