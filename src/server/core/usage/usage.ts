import { and, eq, isNull, sql } from 'drizzle-orm'
import { queryRows, type Tx } from '../../db/client.js'
import { monthlyUsage, type organizations } from '../../db/schema/index.js'
import { enqueueOverageReport } from '../billing/report-overage.js'
import type { JobQueue } from '../context.js'
import { monthlyLimitOf, sendableLimitOf } from '../organizations/view.js'
import { emitEvent } from '../webhooks/emit.js'
import { monthKey } from './month.js'

type OrganizationRow = typeof organizations.$inferSelect

/**
 * Counts `n` messages against the organization's monthly limit (with the overage billing allows)
 * if, and only if, they fit. One conditional UPDATE: concurrent callers serialize on the row, and
 * PostgreSQL re-checks the condition after waiting, so the limit can never be passed. With `jobs`,
 * messages counted beyond the included limit get their overage report enqueued in `tx`.
 */
export async function reserveUsage(
  tx: Tx,
  org: OrganizationRow,
  n: number,
  now = new Date(),
  jobs?: Pick<JobQueue, 'send'>,
): Promise<boolean> {
  const month = monthKey(now, org.businessHours.timezone)
  const limit = sendableLimitOf(org)
  const included = monthlyLimitOf(org)
  // One statement: the first message of a month creates the row (when it fits), later ones add
  // to it only while the sum stays within the limit. The part beyond the included messages is
  // counted as overage now, under the limit of now (a later plan change does not re-price it).
  const counted = await queryRows<{ message_count: number }>(
    tx,
    sql`
    insert into monthly_usage (organization_id, month, message_count, overage_count)
    select ${org.id}, ${month}, ${n}::int, greatest(0, ${n}::int - ${included}::int)
    where ${n}::int <= ${limit}::int
    on conflict (organization_id, month) do update
      set message_count = monthly_usage.message_count + excluded.message_count,
          overage_count = monthly_usage.overage_count + greatest(0, least(excluded.message_count,
            monthly_usage.message_count + excluded.message_count - ${included}::int))
      where monthly_usage.message_count + excluded.message_count <= ${limit}::int
    returning message_count`,
  )
  const [row] = counted
  if (!row) return false
  if (jobs && Number(row.message_count) > monthlyLimitOf(org)) await enqueueOverageReport(jobs, org.id, tx)
  return true
}

/**
 * Records when the organization first hit its limit this month, overage included (shown in its
 * stats), and sends
 * `usage.limit_reached` when this call is the one that recorded it.
 */
export async function markLimitReached(
  tx: Tx,
  org: OrganizationRow,
  now = new Date(),
  jobs?: Pick<JobQueue, 'send'>,
) {
  const month = monthKey(now, org.businessHours.timezone)
  const [changed] = await tx
    .update(monthlyUsage)
    .set({ limitReachedAt: sql`now()` })
    .where(
      and(
        eq(monthlyUsage.organizationId, org.id),
        eq(monthlyUsage.month, month),
        isNull(monthlyUsage.limitReachedAt),
      ),
    )
    .returning({ messageCount: monthlyUsage.messageCount, limitReachedAt: monthlyUsage.limitReachedAt })
  if (!changed) return
  await emitEvent(
    tx,
    {
      organizationId: org.id,
      type: 'usage.limit_reached',
      data: {
        month,
        limit: sendableLimitOf(org),
        messageCount: changed.messageCount,
        reachedAt: changed.limitReachedAt?.toISOString() ?? now.toISOString(),
      },
    },
    jobs,
  )
}

/** Gives back a counted message that was never sent (and its overage, while not yet reported). */
export async function refundUsage(tx: Tx, org: OrganizationRow, n: number, at: Date) {
  const month = monthKey(at, org.businessHours.timezone)
  await tx
    .update(monthlyUsage)
    .set({
      messageCount: sql`greatest(${monthlyUsage.messageCount} - ${n}, 0)`,
      overageCount: sql`${monthlyUsage.overageCount} - greatest(0, least(${n}, ${monthlyUsage.overageCount} - ${monthlyUsage.overageReported}))`,
    })
    .where(and(eq(monthlyUsage.organizationId, org.id), eq(monthlyUsage.month, month)))
}
