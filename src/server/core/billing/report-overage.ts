import { and, eq, gt, gte, sql } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { billingAccounts, monthlyUsage, organizations } from '../../db/schema/index.js'
import type { Billing } from '../../providers/billing/types.js'
import type { Ctx, JobQueue } from '../context.js'
import { monthKey, monthStart } from '../usage/month.js'

// Overage billing: messages counted beyond the included monthly limit (room the owner allowed with
// organizations.overage_allowance) are reported to Stripe as meter events. monthly_usage keeps how
// many were counted as overage when they were counted (overage_count, so a plan change later in the
// month re-prices nothing) and how many were reported (overage_reported); each report names its range of messages as the meter
// event's identifier, so a report retried after a crash is counted once by Stripe.

/** Seconds between a message counted beyond the limit and its report: a burst makes one report. */
export const OVERAGE_REPORT_DELAY_SECONDS = 30

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Enqueues the organization's overage report (in `tx` when given): called where a message is
 * counted beyond the included limit. One report waits per organization (the queue's 'short'
 * policy drops a send while one waits); it reports whatever is outstanding when it runs.
 */
export async function enqueueOverageReport(jobs: Pick<JobQueue, 'send'>, organizationId: string, tx?: Tx) {
  await jobs.send(
    'billing.report-overage',
    { organizationId },
    { ...(tx ? { tx } : {}), singletonKey: organizationId, startAfter: OVERAGE_REPORT_DELAY_SECONDS },
  )
}

/**
 * Reports the overage not yet reported, of one organization or (no id) of every organization with
 * a billing account, for the current and the previous month (a report late across the month's end).
 * Billing off or without an overage price: nothing. A Stripe failure leaves that month's row as it
 * was and is rethrown once every other month was tried, so the job retries what failed.
 */
export async function reportOverage({
  ctx,
  input,
  now = new Date(),
}: {
  ctx: Ctx
  input: { organizationId?: string }
  now?: Date
}): Promise<{ reported: number }> {
  const billing = ctx.billing
  if (!billing?.sellsOverage) return { reported: 0 }
  const candidates = await ctx.db
    .select({
      organizationId: monthlyUsage.organizationId,
      month: monthlyUsage.month,
      timezone: sql<string>`${organizations.businessHours}->>'timezone'`,
    })
    .from(monthlyUsage)
    .innerJoin(billingAccounts, eq(billingAccounts.organizationId, monthlyUsage.organizationId))
    .innerJoin(organizations, eq(organizations.id, monthlyUsage.organizationId))
    .where(
      and(
        input.organizationId ? eq(monthlyUsage.organizationId, input.organizationId) : undefined,
        // Months are keyed YYYY-MM, so they compare as text; a bound well before any zone's
        // previous month, refined per organization below.
        gte(monthlyUsage.month, monthKey(new Date(now.getTime() - 62 * DAY_MS), 'UTC')),
        gt(monthlyUsage.overageCount, monthlyUsage.overageReported),
      ),
    )
  let reported = 0
  const failures: unknown[] = []
  for (const c of candidates) {
    const tz = c.timezone || 'UTC'
    const previous = monthKey(new Date(monthStart(now, tz).getTime() - 1), tz)
    if (c.month !== monthKey(now, tz) && c.month !== previous) continue
    try {
      reported += await reportMonth(ctx, billing, c.organizationId, c.month, now)
    } catch (err) {
      ctx.log.warn({ err, organizationId: c.organizationId, month: c.month }, 'overage report failed')
      failures.push(err)
    }
  }
  if (failures.length > 0) {
    throw new Error(`reporting overage failed for ${failures.length} organization month(s)`, {
      cause: failures[0],
    })
  }
  return { reported }
}

/**
 * Reports one organization-month's unreported overage and records it, under a lock per
 * organization-month held across the call to Stripe: two reports at once (the scheduled sweep and
 * the enqueued one) take turns, and the second finds nothing left. The lock is an advisory one, so
 * counting messages (which locks the usage row) never waits on Stripe.
 */
async function reportMonth(ctx: Ctx, billing: Billing, organizationId: string, month: string, now: Date) {
  return ctx.db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`billing.report-overage:${organizationId}:${month}`}))`,
    )
    const [row] = await tx
      .select({
        overageCount: monthlyUsage.overageCount,
        overageReported: monthlyUsage.overageReported,
        customerId: billingAccounts.stripeCustomerId,
      })
      .from(monthlyUsage)
      .innerJoin(billingAccounts, eq(billingAccounts.organizationId, monthlyUsage.organizationId))
      .innerJoin(organizations, eq(organizations.id, monthlyUsage.organizationId))
      .where(and(eq(monthlyUsage.organizationId, organizationId), eq(monthlyUsage.month, month)))
    if (!row) return 0
    const over = row.overageCount
    const from = row.overageReported
    if (over <= from) return 0
    await billing.reportOverage({
      customerId: row.customerId,
      messages: over - from,
      // The range of overage messages this report covers: the same range, retried, is the same
      // meter event to Stripe (it keeps identifiers for at least 24 hours).
      identifier: `${organizationId}:${month}:${from}-${over}`,
      at: now,
    })
    const updated = await tx
      .update(monthlyUsage)
      .set({ overageReported: over })
      .where(
        and(
          eq(monthlyUsage.organizationId, organizationId),
          eq(monthlyUsage.month, month),
          eq(monthlyUsage.overageReported, from),
        ),
      )
      .returning({ month: monthlyUsage.month })
    return updated.length > 0 ? over - from : 0
  })
}
