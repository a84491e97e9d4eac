import { and, eq, inArray, sql } from 'drizzle-orm'
import { queryRows, type Tx } from '../../db/client.js'
import {
  memberships,
  organizations,
  user,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Services } from '../context.js'
import { decryptText } from '../crypto/encryption.js'
import { safeFetch } from './safe-fetch.js'
import { signWebhook } from './signature.js'
import { webhookDisabledEmail } from './webhook-disabled-email.js'

/**
 * Seconds to wait after the 1st, 2nd, … failed attempt: about a day in all (27 h 35 min). After the
 * last, the delivery is failed (it can still be replayed by hand).
 */
export const RETRY_DELAYS_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600] as const
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1

/** A claimed delivery is this run's for this long; a run that died gives it back after it. */
const LEASE_SECONDS = 60
const BATCH_SIZE = 10
/** A run stops claiming after this long and enqueues the next run (the job's expiry stays far). */
const RUN_BUDGET_MS = 30_000
const USER_AGENT = 'WhatsApp-AI-Assistants-Webhooks/1.0 (+https://www.standardwebhooks.com)'
const RESPONSE_KEPT_CHARS = 2048

interface Claimed {
  id: string
  endpoint_id: string
  organization_id: string
  event_type: string
  payload: string
  attempts: number
}

export interface DeliveryRun {
  attempted: number
  delivered: number
  /** The budget ran out with deliveries still due: run again now. */
  more: boolean
  /** A failure of this run is retried this soon (seconds): run again then. */
  retryInSeconds: number | null
}

/**
 * Sends the outbox's due deliveries, a small batch at a time. A delivery waits while an older
 * delivery of the same endpoint with the same ordering key (a conversation) is still pending, so
 * a conversation's events arrive in order. Claiming moves `next_attempt_at` forward by a lease
 * (nothing is held locked while the requests are in flight).
 */
export async function deliverDueWebhooks(services: Services): Promise<DeliveryRun> {
  const started = Date.now()
  const run: DeliveryRun = { attempted: 0, delivered: 0, more: false, retryInSeconds: null }
  for (;;) {
    const claimed = await claimDue(services.db)
    if (claimed.length === 0) break
    const endpoints = await services.db
      .select()
      .from(webhookEndpoints)
      .where(
        inArray(
          webhookEndpoints.id,
          claimed.map((c) => c.endpoint_id),
        ),
      )
    const byId = new Map(endpoints.map((e) => [e.id, e]))
    const outcomes = await Promise.all(
      claimed.map(async (delivery) => {
        const endpoint = byId.get(delivery.endpoint_id)
        if (!endpoint) return { ok: false, retryIn: null }
        return attemptDelivery(services, delivery, endpoint).catch((err: unknown) => {
          // Recording failed (the endpoint was deleted meanwhile, the database is away): the
          // lease runs out and the delivery, if it still exists, is tried again.
          services.log.warn({ err, deliveryId: delivery.id }, 'webhook attempt not recorded')
          return { ok: false, retryIn: null }
        })
      }),
    )
    for (const o of outcomes) {
      run.attempted++
      if (o.ok) run.delivered++
      else if (o.retryIn !== null && o.retryIn <= 60)
        run.retryInSeconds = Math.min(run.retryInSeconds ?? o.retryIn, o.retryIn)
    }
    if (Date.now() - started > RUN_BUDGET_MS) {
      run.more = true
      break
    }
  }
  return run
}

async function claimDue(db: Tx): Promise<Claimed[]> {
  return queryRows<Claimed>(
    db,
    sql`
      with due as (
        select d.id from webhook_deliveries d
        join webhook_endpoints e on e.id = d.endpoint_id
        where d.status = 'pending' and d.next_attempt_at <= now() and e.enabled
          and not exists (
            select 1 from webhook_deliveries o
            where o.endpoint_id = d.endpoint_id and o.ordering_key = d.ordering_key
              and o.status = 'pending' and o.seq < d.seq
          )
        order by d.next_attempt_at, d.seq
        limit ${BATCH_SIZE}
        for update of d skip locked
      )
      update webhook_deliveries w set next_attempt_at = now() + ${LEASE_SECONDS} * interval '1 second'
      from due where w.id = due.id
      returning w.id, w.endpoint_id, w.organization_id, w.event_type, w.payload, w.attempts`,
  )
}

type EndpointRow = typeof webhookEndpoints.$inferSelect

/** The headers of one attempt, signed (Standard Webhooks). */
export function signedHeaders(secret: string, id: string, body: string, now = new Date()) {
  const timestamp = Math.floor(now.getTime() / 1000)
  return {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, id, timestamp, body),
  }
}

async function attemptDelivery(
  services: Services,
  delivery: Claimed,
  endpoint: EndpointRow,
): Promise<{ ok: boolean; retryIn: number | null }> {
  const body = decryptText(delivery.payload)
  const headers = signedHeaders(decryptText(endpoint.secret), delivery.id, body)
  const began = performance.now()
  let statusCode: number | null = null
  let responseBody: string | null = null
  let error: string | null = null
  try {
    const res = await safeFetch(endpoint.url, {
      headers,
      body,
      allowPrivateAddresses: services.config.webhooks.allowPrivateAddresses,
    })
    statusCode = res.status
    responseBody = res.body.slice(0, RESPONSE_KEPT_CHARS)
    if (res.status < 200 || res.status >= 300) error = `The endpoint answered HTTP ${res.status}`
  } catch (err) {
    error = err instanceof Error ? err.message : String(err)
  }
  const durationMs = Math.round(performance.now() - began)
  const ok = error === null
  const attempts = delivery.attempts + 1
  const retryIn = ok ? null : (RETRY_DELAYS_SECONDS[attempts - 1] ?? null)

  const disabled = await services.db.transaction(async (tx) => {
    const [count] = await queryRows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from webhook_attempts where delivery_id = ${delivery.id}`,
    )
    await tx.insert(webhookAttempts).values({
      deliveryId: delivery.id,
      attempt: (count?.n ?? 0) + 1,
      url: endpoint.url,
      requestHeaders: headers,
      statusCode,
      responseBody,
      error,
      durationMs,
    })
    if (ok) {
      await tx
        .update(webhookDeliveries)
        .set({
          status: 'delivered',
          attempts,
          deliveredAt: sql`now()`,
          lastStatusCode: statusCode,
          lastError: null,
        })
        .where(eq(webhookDeliveries.id, delivery.id))
      await tx
        .update(webhookEndpoints)
        .set({ failingSince: null })
        .where(eq(webhookEndpoints.id, endpoint.id))
      return null
    }
    await tx
      .update(webhookDeliveries)
      .set({
        attempts,
        lastStatusCode: statusCode,
        lastError: error,
        ...(retryIn === null
          ? { status: 'failed' as const }
          : { nextAttemptAt: sql`now() + ${retryIn} * interval '1 second'` }),
      })
      .where(eq(webhookDeliveries.id, delivery.id))
    await tx
      .update(webhookEndpoints)
      .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, now())` })
      .where(eq(webhookEndpoints.id, endpoint.id))
    return disableIfFailingTooLong(services, tx, endpoint)
  })
  if (disabled) await tellOwners(services, disabled)
  return { ok, retryIn: disabled ? null : retryIn }
}

/**
 * Disables an endpoint that has failed, without one success, for longer than the configured
 * hours: its pending deliveries fail, the change is audited (by the system). Returns the endpoint
 * when this call disabled it.
 */
async function disableIfFailingTooLong(services: Services, tx: Tx, endpoint: EndpointRow) {
  const hours = services.config.webhooks.disableAfterHours
  const reason = `Disabled automatically: every delivery failed for more than ${hours} hours`
  const [disabled] = await tx
    .update(webhookEndpoints)
    .set({ enabled: false, disabledReason: reason, updatedAt: sql`now()` })
    .where(
      and(
        eq(webhookEndpoints.id, endpoint.id),
        eq(webhookEndpoints.enabled, true),
        sql`${webhookEndpoints.failingSince} <= now() - ${hours} * interval '1 hour'`,
      ),
    )
    .returning()
  if (!disabled) return null
  await tx
    .update(webhookDeliveries)
    .set({ status: 'failed', lastError: 'The endpoint was disabled before this delivery succeeded' })
    .where(and(eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.status, 'pending')))
  await recordAudit(
    services,
    {
      organizationId: disabled.organizationId,
      action: 'webhook.disabled',
      target: { type: 'webhook', id: disabled.id },
      details: { url: disabled.url, failingSince: disabled.failingSince?.toISOString() ?? null, reason },
    },
    tx,
  )
  return disabled
}

async function tellOwners(services: Services, endpoint: EndpointRow) {
  const owners = await services.db
    .select({ email: user.email, organizationName: organizations.name })
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId))
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(and(eq(memberships.organizationId, endpoint.organizationId), eq(memberships.role, 'owner')))
  for (const owner of owners) {
    try {
      await services.mailer.send(
        webhookDisabledEmail({
          to: owner.email,
          organizationName: owner.organizationName,
          url: endpoint.url,
          reason: endpoint.disabledReason ?? 'failing',
          appUrl: services.config.appUrl,
        }),
      )
    } catch (err) {
      // The endpoint shows as disabled in the dashboard either way.
      services.log.error({ err, webhookId: endpoint.id }, 'webhook-disabled email not sent')
    }
  }
}

/** How long delivered and failed deliveries (and their attempts) stay in the delivery log. */
export const DELIVERY_LOG_DAYS = 30

/** Forgets finished deliveries older than the log keeps, a bounded batch at a time. */
export async function purgeDeliveryLog(services: Services, batch = 5000): Promise<number> {
  let removed = 0
  for (;;) {
    const rows = await queryRows<{ id: string }>(
      services.db,
      sql`delete from webhook_deliveries where id in (
            select id from webhook_deliveries
            where status <> 'pending' and created_at < now() - ${DELIVERY_LOG_DAYS} * interval '1 day'
            limit ${batch})
          returning id`,
    )
    removed += rows.length
    if (rows.length < batch) return removed
  }
}
