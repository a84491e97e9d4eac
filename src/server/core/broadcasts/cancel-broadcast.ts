import { and, eq, inArray, sql } from 'drizzle-orm'
import { broadcastRecipients, broadcasts } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { Conflict, NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { broadcastOf } from './list-recipients.js'
import { broadcastViews } from './view.js'

/**
 * Stops a scheduled or sending broadcast: its pending recipients are skipped (`cancelled`); what was
 * sent stays sent. A sending step holds the broadcast's row while it claims a batch, so a batch is
 * either claimed before the cancel (and sent) or not at all. 409 when it already ended.
 */
export async function cancelBroadcast({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; broadcastId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'broadcasts:send')
  const broadcast = await broadcastOf(ctx.db, input.organizationId, input.broadcastId)
  const cancelled = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(broadcasts)
      .set({ status: 'cancelled', finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(broadcasts.id, broadcast.id), inArray(broadcasts.status, ['scheduled', 'sending'])))
      .returning({ id: broadcasts.id })
    if (rows.length === 0) return false
    await tx
      .update(broadcastRecipients)
      .set({ state: 'skipped', skipReason: 'cancelled', updatedAt: sql`now()` })
      .where(and(eq(broadcastRecipients.broadcastId, broadcast.id), eq(broadcastRecipients.state, 'pending')))
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'broadcast.cancelled',
        target: { type: 'broadcast', id: broadcast.id },
        details: { name: broadcast.name },
      },
      tx,
    )
    return true
  })
  if (!cancelled) {
    const [now] = await broadcastViews(ctx.db, input.organizationId, { id: broadcast.id, limit: 1 })
    throw new Conflict(`This broadcast is already ${now?.status ?? broadcast.status}`, {
      reason: 'BROADCAST_FINISHED',
      status: now?.status ?? broadcast.status,
    })
  }
  const [view] = await broadcastViews(ctx.db, input.organizationId, { id: broadcast.id, limit: 1 })
  if (!view) throw new NotFound('Broadcast')
  return view
}
