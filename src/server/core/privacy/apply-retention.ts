import { eq, isNotNull, sql } from 'drizzle-orm'
import { queryRows } from '../../db/client.js'
import { organizations } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'

const BATCH = 1000
const DAY_MS = 86_400_000

/**
 * Applies every organization's retention policy: its messages older than `retention_days` are
 * deleted, 1,000 per statement (short transactions, no long lock), with the finished inbox rows
 * of its numbers as old. Conversations, contacts and the monthly counts stay.
 */
export async function applyRetention({ ctx, now = new Date() }: { ctx: Ctx; now?: Date }) {
  const orgs = await ctx.db
    .select({ id: organizations.id, days: organizations.retentionDays })
    .from(organizations)
    .where(isNotNull(organizations.retentionDays))
  let deletedMessages = 0
  let deletedInbox = 0
  for (const org of orgs) {
    if (org.days === null) continue
    const cutoff = new Date(now.getTime() - org.days * DAY_MS).toISOString()
    for (;;) {
      const rows = await queryRows<{ id: string }>(
        ctx.db,
        sql`delete from messages where id in (
              select id from messages
              where organization_id = ${org.id} and created_at < ${cutoff}::timestamptz
              limit ${BATCH})
            returning id`,
      )
      deletedMessages += rows.length
      if (rows.length < BATCH) break
    }
    for (;;) {
      const rows = await queryRows<{ id: number }>(
        ctx.db,
        sql`delete from inbox where id in (
              select i.id from inbox i
              where i.done_at is not null and i.received_at < ${cutoff}::timestamptz
                and i.to_number in (select e164 from phone_numbers where organization_id = ${org.id})
              limit ${BATCH})
            returning id`,
      )
      deletedInbox += rows.length
      if (rows.length < BATCH) break
    }
    await ctx.db.update(organizations).set({ retentionRanAt: now }).where(eq(organizations.id, org.id))
  }
  return { organizations: orgs.length, messages: deletedMessages, inbox: deletedInbox }
}
