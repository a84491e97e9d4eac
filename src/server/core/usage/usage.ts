import { and, eq, isNull, sql } from 'drizzle-orm'
import { queryRows, type Tx } from '../../db/client.js'
import { monthlyUsage, type organizations } from '../../db/schema/index.js'
import type { JobQueue } from '../context.js'
import { monthlyLimitOf } from '../organizations/view.js'
import { emitEvent } from '../webhooks/emit.js'
import { monthKey } from './month.js'

type OrganizationRow = typeof organizations.$inferSelect

/**
 * Counts `n` messages against the organization's monthly limit if, and only if, they fit.
 * One conditional UPDATE: concurrent callers serialize on the row, and PostgreSQL re-checks the
 * condition after waiting, so the limit can never be passed.
 */
export async function reserveUsage(
  tx: Tx,
  org: OrganizationRow,
  n: number,
  now = new Date(),
): Promise<boolean> {
  const month = monthKey(now, org.businessHours.timezone)
  const limit = monthlyLimitOf(org)
  // One statement: the first message of a month creates the row (when it fits), later ones add
  // to it only while the sum stays within the limit.
  const counted = await queryRows<{ message_count: number }>(
    tx,
    sql`
    insert into monthly_usage (organization_id, month, message_count)
    select ${org.id}, ${month}, ${n}::int where ${n}::int <= ${limit}::int
    on conflict (organization_id, month) do update
      set message_count = monthly_usage.message_count + excluded.message_count
      where monthly_usage.message_count + excluded.message_count <= ${limit}::int
    returning message_count`,
  )
  return counted.length > 0
}

/**
 * Records when the organization first hit its limit this month (shown in its stats), and sends
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
        limit: monthlyLimitOf(org),
        messageCount: changed.messageCount,
        reachedAt: changed.limitReachedAt?.toISOString() ?? now.toISOString(),
      },
    },
    jobs,
  )
}

/** Gives back a counted message that was never sent. */
export async function refundUsage(tx: Tx, org: OrganizationRow, n: number, at: Date) {
  const month = monthKey(at, org.businessHours.timezone)
  await tx
    .update(monthlyUsage)
    .set({ messageCount: sql`greatest(${monthlyUsage.messageCount} - ${n}, 0)` })
    .where(and(eq(monthlyUsage.organizationId, org.id), eq(monthlyUsage.month, month)))
}
