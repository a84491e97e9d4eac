import { sql } from 'drizzle-orm'
import { queryRows } from '../../db/client.js'
import type { Ctx } from '../context.js'

/** A sending broadcast whose rows have not moved for this long has lost its job. */
const STALL_MS = 3 * 60_000

/**
 * The safety net behind the sending jobs: a broadcast still `sending` whose recipients have not
 * moved for a few minutes, or `scheduled` and a minute past due, gets a new step (its job ran out
 * of retries, or was lost). A step beside a live one is harmless: they claim different rows.
 */
export async function sweepBroadcasts(ctx: Ctx) {
  const stalled = await queryRows<{ id: string; organization_id: string }>(
    ctx.db,
    sql`select id, organization_id from broadcasts
      where (status = 'sending' and updated_at < now() - make_interval(secs => ${STALL_MS / 1000}))
         or (status = 'scheduled' and send_at < now() - interval '1 minute')
      order by updated_at limit 100`,
  )
  for (const b of stalled) {
    await ctx.jobs.send('broadcasts.send', { organizationId: b.organization_id, broadcastId: b.id })
  }
  if (stalled.length > 0)
    ctx.log.warn({ broadcasts: stalled.map((b) => b.id) }, 'restarted stalled broadcasts')
  return { restarted: stalled.length }
}
