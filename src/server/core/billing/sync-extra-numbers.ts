import { eq, sql } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { billingAccounts, organizations } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { liveNumberCount } from './apply-plan-change.js'
import { billingAccountOf } from './billing-account.js'
import { entitlementsOf } from './entitlements.js'

// Numbers beyond the plan's are billed one by one: the subscription's per-number item carries a
// quantity equal to the live numbers above entitlementsOf(org).numbers (never released by billing).

/** Subscriptions that can no longer be changed at Stripe (their items are frozen). */
const ENDED = ['canceled', 'incomplete_expired']

/**
 * Enqueues the organization's extra-numbers sync (in `tx` when given): after a number is
 * provisioned, released or failed, and after a plan change. Nothing when billing does not sell
 * extra numbers. One sync waits per organization; it applies the count as it is when it runs.
 */
export async function enqueueExtraNumbersSync(
  ctx: Pick<Ctx, 'billing' | 'jobs'>,
  organizationId: string,
  tx?: Tx,
) {
  if (!ctx.billing?.sellsExtraNumbers) return
  await ctx.jobs.send(
    'billing.sync-extra-numbers',
    { organizationId },
    { ...(tx ? { tx } : {}), singletonKey: organizationId },
  )
}

/**
 * Sets the subscription's per-number item to max(0, live numbers − the plan's numbers), when that
 * differs from what is billed. The billing account row stays locked across the calls to Stripe, so
 * two syncs (or a sync and a webhook's apply) of one organization take turns.
 */
export async function syncExtraNumbers({
  ctx,
  input,
}: {
  ctx: Ctx
  input: { organizationId: string }
}): Promise<{ billed: number } | null> {
  const billing = ctx.billing
  if (!billing?.sellsExtraNumbers) return null
  return ctx.db.transaction(async (tx) => {
    const account = await billingAccountOf(tx, input.organizationId, { lock: true })
    if (!account?.stripeSubscriptionId) return null
    const [org] = await tx.select().from(organizations).where(eq(organizations.id, input.organizationId))
    if (!org) return null
    const desired = Math.max(0, (await liveNumberCount(tx, org.id)) - entitlementsOf(org).numbers)
    if (desired === account.extraNumbersBilled) return { billed: desired }
    const sub = await billing.currentSubscription(account.stripeCustomerId)
    // No subscription left to bill on (it ended): the numbers are not billed, nor released.
    if (!sub || ENDED.includes(sub.status)) return { billed: account.extraNumbersBilled }
    if (sub.extraNumbers !== desired) await billing.setExtraNumbers(sub, desired)
    await tx
      .update(billingAccounts)
      .set({ extraNumbersBilled: desired, updatedAt: sql`now()` })
      .where(eq(billingAccounts.organizationId, org.id))
    return { billed: desired }
  })
}
