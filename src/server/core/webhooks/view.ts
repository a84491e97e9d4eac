import type { DeliveryStatus, WebhookEventType } from '../../../shared/enums.js'
import type { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema/index.js'
import { decryptText } from '../crypto/encryption.js'

type EndpointRow = typeof webhookEndpoints.$inferSelect
type DeliveryRow = typeof webhookDeliveries.$inferSelect
type AttemptRow = typeof webhookAttempts.$inferSelect

export const webhookView = (e: EndpointRow, counts: { pending: number; failed: number }) => ({
  id: e.id,
  url: e.url,
  description: e.description,
  events: e.events as WebhookEventType[],
  enabled: e.enabled,
  disabledReason: e.disabledReason,
  failingSince: e.failingSince?.toISOString() ?? null,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
  pendingCount: counts.pending,
  failedCount: counts.failed,
})
export type WebhookView = ReturnType<typeof webhookView>

export const deliveryView = (d: DeliveryRow) => ({
  id: d.id,
  eventType: d.eventType as WebhookEventType,
  status: d.status as DeliveryStatus,
  attempts: d.attempts,
  nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  createdAt: d.createdAt.toISOString(),
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
})

export const attemptView = (a: AttemptRow) => ({
  attempt: a.attempt,
  url: a.url,
  requestHeaders: a.requestHeaders,
  statusCode: a.statusCode,
  responseBody: a.responseBody,
  error: a.error,
  durationMs: a.durationMs,
  createdAt: a.createdAt.toISOString(),
})

/** The event as sent (the stored payload is encrypted). */
export function payloadOf(d: DeliveryRow): Record<string, unknown> {
  try {
    return JSON.parse(decryptText(d.payload)) as Record<string, unknown>
  } catch {
    return {}
  }
}
