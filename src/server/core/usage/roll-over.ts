import { eq } from 'drizzle-orm'
import { monthlyUsage, organizations } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { monthKey } from './month.js'

/**
 * Opens the current billing month (in each organization's own time zone) for every organization.
 * Idempotent: running it twice, or in the middle of a month, changes nothing that exists. Usage
 * is kept per month, so a new month starts at zero and history stays for the statistics.
 */
export async function rollOverUsage({ ctx }: { ctx: Ctx }, now = new Date()) {
  const orgs = await ctx.db
    .select({ id: organizations.id, businessHours: organizations.businessHours })
    .from(organizations)
    .where(eq(organizations.kind, 'business'))
  let opened = 0
  for (let i = 0; i < orgs.length; i += 500) {
    const values = orgs
      .slice(i, i + 500)
      .map((o) => ({ organizationId: o.id, month: monthKey(now, o.businessHours.timezone) }))
    const inserted = await ctx.db
      .insert(monthlyUsage)
      .values(values)
      .onConflictDoNothing()
      .returning({ id: monthlyUsage.organizationId })
    opened += inserted.length
  }
  ctx.log.info({ organizations: orgs.length, opened }, 'usage rolled over')
  return { organizations: orgs.length, opened, at: now.toISOString() }
}
