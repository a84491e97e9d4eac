import { and, asc, desc, eq, lt } from 'drizzle-orm'
import type { DeliveryStatus } from '../../../shared/enums.js'
import { webhookAttempts, webhookDeliveries } from '../../db/schema/index.js'
import { requireOrganizationFeature } from '../billing/entitlements.js'
import type { ActorCtx } from '../context.js'
import { encryptText } from '../crypto/encryption.js'
import { BadRequest, Conflict, NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { eventEnvelope } from './emit.js'
import { newMessageId } from './signature.js'
import { attemptView, deliveryView, payloadOf } from './view.js'
import { findEndpoint } from './webhook-endpoints.js'

type Ids = { organizationId: string; webhookId: string }

const encodeCursor = (seq: number) => Buffer.from(`d:${seq}`).toString('base64url')
function decodeCursor(cursor: string): number {
  const m = /^d:(\d{1,12})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!m?.[1])
    throw new BadRequest('Invalid input', [{ path: 'cursor', message: 'not a cursor this list gave' }])
  return Number(m[1])
}

/** A subscription's deliveries, newest first, optionally of one status. */
export async function listDeliveries({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: Ids & { status?: DeliveryStatus; cursor?: string; limit?: number }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'developers:manage')
  const endpoint = await findEndpoint(ctx.db, input.organizationId, input.webhookId)
  const limit = input.limit ?? 50
  const rows = await ctx.db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpoint.id),
        eq(webhookDeliveries.organizationId, input.organizationId),
        input.status ? eq(webhookDeliveries.status, input.status) : undefined,
        input.cursor !== undefined ? lt(webhookDeliveries.seq, decodeCursor(input.cursor)) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.seq))
    .limit(limit + 1)
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return {
    deliveries: page.map(deliveryView),
    nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null,
  }
}

async function findDelivery(ctx: ActorCtx, input: Ids & { deliveryId: string }) {
  const endpoint = await findEndpoint(ctx.db, input.organizationId, input.webhookId)
  const [row] = await ctx.db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.id, input.deliveryId),
        eq(webhookDeliveries.endpointId, endpoint.id),
        eq(webhookDeliveries.organizationId, input.organizationId),
      ),
    )
  if (!row) throw new NotFound('Delivery')
  return { endpoint, row }
}

/** One delivery with the event it carries and every attempt (the delivery log). */
export async function getDelivery({ ctx, input }: { ctx: ActorCtx; input: Ids & { deliveryId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'developers:manage')
  const { row } = await findDelivery(ctx, input)
  const log = await ctx.db
    .select()
    .from(webhookAttempts)
    .where(eq(webhookAttempts.deliveryId, row.id))
    .orderBy(asc(webhookAttempts.attempt))
  return { ...deliveryView(row), payload: payloadOf(row), log: log.map(attemptView) }
}

const refuseDisabled = (enabled: boolean) => {
  if (!enabled) {
    throw new Conflict('The webhook is disabled: enable it first', { reason: 'WEBHOOK_DISABLED' })
  }
}

/**
 * Sends a delivery again, now, with the same `webhook-id` (a receiver that already has it can
 * tell), and a fresh round of retries.
 */
export async function replayDelivery({ ctx, input }: { ctx: ActorCtx; input: Ids & { deliveryId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'developers:manage')
  await requireOrganizationFeature(ctx.db, input.organizationId, 'webhooks')
  const { endpoint, row } = await findDelivery(ctx, input)
  refuseDisabled(endpoint.enabled)
  const replayed = await ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date(), deliveredAt: null })
      .where(eq(webhookDeliveries.id, row.id))
      .returning()
    await ctx.jobs.send('webhooks.deliver', {}, { tx })
    return updated ?? row
  })
  return deliveryView(replayed)
}

/** Queues a `webhook.test` event to this endpoint alone (whatever it subscribes to). */
export async function sendTestEvent({ ctx, input }: { ctx: ActorCtx; input: Ids }) {
  await authorizeOrganization(ctx, input.organizationId, 'developers:manage')
  await requireOrganizationFeature(ctx.db, input.organizationId, 'webhooks')
  const endpoint = await findEndpoint(ctx.db, input.organizationId, input.webhookId)
  refuseDisabled(endpoint.enabled)
  const created = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookDeliveries)
      .values({
        id: newMessageId(),
        endpointId: endpoint.id,
        organizationId: input.organizationId,
        eventType: 'webhook.test',
        payload: encryptText(
          eventEnvelope('webhook.test', {
            webhookId: endpoint.id,
            organizationId: input.organizationId,
            message: 'A test event sent from the dashboard',
          }),
        ),
      })
      .returning()
    if (!row) throw new Error('expected the inserted delivery')
    await ctx.jobs.send('webhooks.deliver', {}, { tx })
    return row
  })
  return deliveryView(created)
}
