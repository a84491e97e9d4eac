import { and, arrayContains, eq, inArray } from 'drizzle-orm'
import type { WebhookEventType } from '../../../shared/enums.js'
import type { Tx } from '../../db/client.js'
import { organizations, webhookDeliveries, webhookEndpoints } from '../../db/schema/index.js'
import { entitlementsOf } from '../billing/entitlements.js'
import type { JobQueue } from '../context.js'
import { encryptText } from '../crypto/encryption.js'
import { newMessageId } from './signature.js'

export interface WebhookEvent {
  organizationId: string
  type: WebhookEventType
  /** The event's facts: ids and the fields an integration needs, JSON only. */
  data: Record<string, unknown>
  /** Events with the same key (a conversation's id) reach each endpoint in the order they were made. */
  orderingKey?: string
  /** The customer's phone number, when the event is about one (an erasure finds it by this). */
  subjectPhone?: string
}

/** What entitlementsOf reads, selected with the endpoints (no second round trip). */
const planFields = {
  planType: organizations.planType,
  monthlyMessageLimitOverride: organizations.monthlyMessageLimitOverride,
  planOverrides: organizations.planOverrides,
}

/** The Standard Webhooks envelope, as it is signed and sent. */
export const eventEnvelope = (type: string, data: Record<string, unknown>, at = new Date()) =>
  JSON.stringify({ type, timestamp: at.toISOString(), data })

/**
 * Writes the event into the outbox, one row per enabled endpoint of the organization subscribed to
 * its type, in the caller's transaction: the deliveries exist if and only if the fact does. With
 * `jobs`, the dispatcher is enqueued in the same transaction (it starts at the commit); without,
 * the dispatcher's every-minute run finds the rows. An organization without webhooks, or whose plan
 * lacks them (the plan is read in the same query), costs one indexed query. Returns the number of
 * deliveries written.
 */
export async function emitEvent(tx: Tx, event: WebhookEvent, jobs?: Pick<JobQueue, 'send'>): Promise<number> {
  const endpoints = await tx
    .select({ id: webhookEndpoints.id, ...planFields })
    .from(webhookEndpoints)
    .innerJoin(organizations, eq(organizations.id, webhookEndpoints.organizationId))
    .where(
      and(
        eq(webhookEndpoints.organizationId, event.organizationId),
        eq(webhookEndpoints.enabled, true),
        arrayContains(webhookEndpoints.events, [event.type]),
      ),
    )
  const first = endpoints[0]
  // A plan without webhooks (a downgrade) queues nothing; the endpoints stay for an upgrade.
  if (!first || !entitlementsOf(first).features.webhooks) return 0
  const payload = encryptText(eventEnvelope(event.type, event.data))
  await tx.insert(webhookDeliveries).values(
    endpoints.map((e) => ({
      id: newMessageId(),
      endpointId: e.id,
      organizationId: event.organizationId,
      eventType: event.type,
      payload,
      orderingKey: event.orderingKey ?? null,
      subjectPhone: event.subjectPhone ?? null,
    })),
  )
  if (jobs) await jobs.send('webhooks.deliver', {}, { tx })
  return endpoints.length
}

/**
 * Which of these organizations have an enabled endpoint subscribed to `type` (one query): a
 * batch of facts skips building events nobody receives.
 */
export async function subscribedOrganizations(
  tx: Tx,
  organizationIds: readonly string[],
  type: WebhookEventType,
): Promise<Set<string>> {
  if (organizationIds.length === 0) return new Set()
  const rows = await tx
    .selectDistinct({ organizationId: webhookEndpoints.organizationId, ...planFields })
    .from(webhookEndpoints)
    .innerJoin(organizations, eq(organizations.id, webhookEndpoints.organizationId))
    .where(
      and(
        inArray(webhookEndpoints.organizationId, [...new Set(organizationIds)]),
        eq(webhookEndpoints.enabled, true),
        arrayContains(webhookEndpoints.events, [type]),
      ),
    )
  return new Set(rows.filter((r) => entitlementsOf(r).features.webhooks).map((r) => r.organizationId))
}
