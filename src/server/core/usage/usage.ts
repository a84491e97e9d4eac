import { and, eq, isNull, sql } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { monthlyUsage, type organizations } from '../../db/schema/index.js'
import { monthlyLimitOf } from '../organizations/view.js'
import { monthKey } from './month.js'

type OrganizationRow = typeof organizations.$inferSelect

/**
 * Counts `n` messages against the organization's monthly limit if, and only if, they fit.
 * One conditional UPDATE: concurrent callers serialize on the row, and PostgreSQL re-checks the
 * condition after waiting, so the limit can never be passed.
 */
export async function reserveUsage(tx: Tx, org: OrganizationRow, n: number, now = new Date()): Promise<boolean> {
  const month = monthKey(now, org.businessHours.timezone)
  const limit = monthlyLimitOf(org)
  await tx.insert(monthlyUsage).values({ organizationId: org.id, month }).onConflictDoNothing()
  const updated = await tx
    .update(monthlyUsage)
    .set({ messageCount: sql`${monthlyUsage.messageCount} + ${n}` })
    .where(
      and(
        eq(monthlyUsage.organizationId, org.id),
        eq(monthlyUsage.month, month),
        sql`${monthlyUsage.messageCount} + ${n} <= ${limit}`,
      ),
    )
    .returning({ count: monthlyUsage.messageCount })
  return updated.length > 0
}

/** Records when the organization first hit its limit this month (shown in its stats). */
export async function markLimitReached(tx: Tx, org: OrganizationRow, now = new Date()) {
  const month = monthKey(now, org.businessHours.timezone)
  await tx
    .update(monthlyUsage)
    .set({ limitReachedAt: sql`now()` })
    .where(and(eq(monthlyUsage.organizationId, org.id), eq(monthlyUsage.month, month), isNull(monthlyUsage.limitReachedAt)))
}

/** Gives back a counted message that was never sent. */
export async function refundUsage(tx: Tx, org: OrganizationRow, n: number, at: Date) {
  const month = monthKey(at, org.businessHours.timezone)
  await tx
    .update(monthlyUsage)
    .set({ messageCount: sql`greatest(${monthlyUsage.messageCount} - ${n}, 0)` })
    .where(and(eq(monthlyUsage.organizationId, org.id), eq(monthlyUsage.month, month)))
}
