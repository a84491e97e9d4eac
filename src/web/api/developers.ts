import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { ApiScope, DeliveryStatus, WebhookEventType } from '../../shared/enums'
import { api } from './client'

// The shapes of the API keys and webhooks routes (issue 16's contract). Written here until
// schema.gen.ts carries them; then they can become `Schemas['ApiKey']` and friends.

export type ApiKeyStatus = 'active' | 'revoked' | 'expired'

export interface ApiKey {
  id: string
  name: string
  /** The secret's first characters (`wak_…`), to recognise a key without its secret. */
  prefix: string
  scopes: ApiScope[]
  status: ApiKeyStatus
  expiresAt: string | null
  lastUsedAt: string | null
  createdAt: string
  revokedAt: string | null
  createdByEmail: string | null
}

export interface NewApiKey {
  name: string
  scopes: ApiScope[]
  expiresAt?: string | null
}

/** A key just created, with its secret: the only answer that ever carries it. */
export interface CreatedApiKey {
  key: ApiKey
  secret: string
}

export interface Webhook {
  id: string
  url: string
  description: string
  events: WebhookEventType[]
  enabled: boolean
  disabledReason: string | null
  failingSince: string | null
  createdAt: string
  updatedAt: string
  pendingCount: number
  failedCount: number
}

export interface NewWebhook {
  url: string
  description?: string
  events: WebhookEventType[]
}

export type WebhookChanges = Partial<NewWebhook & { enabled: boolean }>

export interface CreatedWebhook {
  webhook: Webhook
  secret: string
}

export interface Delivery {
  id: string
  eventType: WebhookEventType
  status: DeliveryStatus
  attempts: number
  nextAttemptAt: string | null
  lastStatusCode: number | null
  lastError: string | null
  createdAt: string
  deliveredAt: string | null
}

/** One try at delivering: what was sent and what came back. */
export interface DeliveryAttempt {
  attempt: number
  url: string
  requestHeaders: Record<string, string>
  statusCode: number | null
  responseBody: string | null
  error: string | null
  durationMs: number
  createdAt: string
}

export interface DeliveryDetail extends Delivery {
  payload: unknown
  log: DeliveryAttempt[]
}

export interface DeliveryPage {
  deliveries: Delivery[]
  nextCursor: string | null
}

/** How often lists are asked again while something is on its way. */
const POLL_MS = 3000

const base = (orgId: string) => `/api/organizations/${orgId}`
export const apiKeysKey = (orgId: string) => ['organizations', orgId, 'api-keys'] as const
export const webhooksKey = (orgId: string) => ['organizations', orgId, 'webhooks'] as const
const deliveriesKey = (orgId: string, webhookId: string) =>
  [...webhooksKey(orgId), webhookId, 'deliveries'] as const

export function useApiKeys(orgId: string) {
  return useQuery({
    queryKey: apiKeysKey(orgId),
    queryFn: async () => (await api<{ keys: ApiKey[] }>(`${base(orgId)}/api-keys`)).keys,
    retry: false,
  })
}

export function useCreateApiKey(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (input: NewApiKey) =>
      api<CreatedApiKey>(`${base(orgId)}/api-keys`, { method: 'POST', body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: apiKeysKey(orgId) }),
  })
}

export function useRevokeApiKey(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async (keyId: string) =>
      (await api<{ key: ApiKey }>(`${base(orgId)}/api-keys/${keyId}`, { method: 'DELETE' })).key,
    onSuccess: () => qc.invalidateQueries({ queryKey: apiKeysKey(orgId) }),
  })
}

export function useWebhooks(orgId: string) {
  return useQuery({
    queryKey: webhooksKey(orgId),
    queryFn: async () => (await api<{ webhooks: Webhook[] }>(`${base(orgId)}/webhooks`)).webhooks,
    // The pending and failed counts move while deliveries go out.
    refetchInterval: (q) => (q.state.data?.some((w) => w.pendingCount > 0) ? POLL_MS : false),
    retry: false,
  })
}

export function useCreateWebhook(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (input: NewWebhook) =>
      api<CreatedWebhook>(`${base(orgId)}/webhooks`, { method: 'POST', body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhooksKey(orgId) }),
  })
}

export function useUpdateWebhook(orgId: string, webhookId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async (changes: WebhookChanges) =>
      (
        await api<{ webhook: Webhook }>(`${base(orgId)}/webhooks/${webhookId}`, {
          method: 'PATCH',
          body: changes,
        })
      ).webhook,
    onSuccess: () => qc.invalidateQueries({ queryKey: webhooksKey(orgId) }),
  })
}

export function useDeleteWebhook(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (webhookId: string) =>
      api<void>(`${base(orgId)}/webhooks/${webhookId}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: webhooksKey(orgId) }),
  })
}

/** The signing secret, asked for only when someone presses "Reveal" (never cached). */
export function useRevealWebhookSecret(orgId: string, webhookId: string) {
  return useMutation({
    mutationFn: async () =>
      (await api<{ secret: string }>(`${base(orgId)}/webhooks/${webhookId}/secret`)).secret,
  })
}

export function useSendTestEvent(orgId: string, webhookId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async () =>
      (
        await api<{ delivery: Delivery }>(`${base(orgId)}/webhooks/${webhookId}/test`, {
          method: 'POST',
          body: {},
        })
      ).delivery,
    onSuccess: () => qc.invalidateQueries({ queryKey: webhooksKey(orgId) }),
  })
}

export interface DeliveryQuery {
  status?: DeliveryStatus
  cursor?: string
  limit?: number
}

/**
 * The endpoints' pending and failed counts, asked again (alone, not the logs) when a log shows a
 * delivery settled: the list then agrees with the log without waiting for its own poll.
 */
export function useRefreshWebhookCounts(orgId: string) {
  const qc = useQueryClient()
  return () => qc.invalidateQueries({ queryKey: webhooksKey(orgId), exact: true })
}

/** One page of an endpoint's delivery log, asked again every few seconds while a delivery is pending. */
export function useDeliveries(orgId: string, webhookId: string, query: DeliveryQuery) {
  const params = new URLSearchParams()
  if (query.status) params.set('status', query.status)
  if (query.cursor) params.set('cursor', query.cursor)
  if (query.limit) params.set('limit', String(query.limit))
  const qs = params.toString()
  return useQuery({
    queryKey: [...deliveriesKey(orgId, webhookId), query],
    queryFn: () => api<DeliveryPage>(`${base(orgId)}/webhooks/${webhookId}/deliveries${qs ? `?${qs}` : ''}`),
    refetchInterval: (q) => (q.state.data?.deliveries.some((d) => d.status === 'pending') ? POLL_MS : false),
    placeholderData: keepPreviousData,
    retry: false,
  })
}

export function useDelivery(orgId: string, webhookId: string, deliveryId: string | null) {
  return useQuery({
    queryKey: [...deliveriesKey(orgId, webhookId), 'detail', deliveryId],
    queryFn: async () =>
      (
        await api<{ delivery: DeliveryDetail }>(
          `${base(orgId)}/webhooks/${webhookId}/deliveries/${deliveryId ?? ''}`,
        )
      ).delivery,
    enabled: deliveryId !== null,
    refetchInterval: (q) => (q.state.data?.status === 'pending' ? POLL_MS : false),
    retry: false,
  })
}

export function useReplayDelivery(orgId: string, webhookId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async (deliveryId: string) =>
      (
        await api<{ delivery: Delivery }>(
          `${base(orgId)}/webhooks/${webhookId}/deliveries/${deliveryId}/replay`,
          { method: 'POST', body: {} },
        )
      ).delivery,
    onSuccess: () => qc.invalidateQueries({ queryKey: webhooksKey(orgId) }),
  })
}
