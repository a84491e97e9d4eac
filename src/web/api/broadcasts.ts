import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError, api } from './client'
import type {
  Broadcast,
  BroadcastPreview,
  BroadcastPreviewInput,
  BroadcastRecipient,
  NewBroadcast,
  RecipientStatus,
} from './types'

const broadcastsKey = (orgId: string) => ['organizations', orgId, 'broadcasts'] as const
const broadcastKey = (orgId: string, broadcastId: string) => [...broadcastsKey(orgId), broadcastId] as const

/** Broadcasts still moving: their numbers change by the second, so the dashboard keeps asking. */
export const isLive = (b: Pick<Broadcast, 'status'> | undefined) =>
  b !== undefined && (b.status === 'scheduled' || b.status === 'sending')

export function useBroadcasts(orgId: string) {
  return useQuery({
    queryKey: broadcastsKey(orgId),
    queryFn: async () =>
      (await api<{ broadcasts: Broadcast[] }>(`/api/organizations/${orgId}/broadcasts`)).broadcasts,
    // Sending ones move by the second; a scheduled one only changes when its time comes.
    refetchInterval: (q) =>
      q.state.data?.some((b) => b.status === 'sending')
        ? 2000
        : q.state.data?.some((b) => b.status === 'scheduled')
          ? 15_000
          : false,
  })
}

/** One broadcast, polled every second while it is scheduled or sending. */
export function useBroadcast(orgId: string, broadcastId: string) {
  return useQuery({
    queryKey: broadcastKey(orgId, broadcastId),
    queryFn: async () =>
      (await api<{ broadcast: Broadcast }>(`/api/organizations/${orgId}/broadcasts/${broadcastId}`))
        .broadcast,
    refetchInterval: (q) => (isLive(q.state.data) ? 1000 : false),
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  })
}

export interface RecipientsPage {
  recipients: BroadcastRecipient[]
  nextCursor: string | null
}

/**
 * One page of a broadcast's recipients. `version` names the broadcast's state as last polled (its
 * status and counts): when it changes, the page is asked again, so the rows move with the counts
 * and the last change (the broadcast completing) is never missed.
 */
export function useRecipients(
  orgId: string,
  broadcastId: string,
  query: { status?: RecipientStatus; cursor?: string; limit: number },
  version: string,
) {
  const params = new URLSearchParams({ limit: String(query.limit) })
  if (query.status) params.set('status', query.status)
  if (query.cursor) params.set('cursor', query.cursor)
  return useQuery({
    queryKey: [...broadcastKey(orgId, broadcastId), 'recipients', params.toString(), version] as const,
    queryFn: () =>
      api<RecipientsPage>(`/api/organizations/${orgId}/broadcasts/${broadcastId}/recipients?${params}`),
    placeholderData: keepPreviousData,
  })
}

/** Where the results file is downloaded from (the browser sends the session cookie itself). */
export const recipientsCsvUrl = (orgId: string, broadcastId: string) =>
  `/api/organizations/${orgId}/broadcasts/${broadcastId}/recipients.csv`

/**
 * The audience's size, what will be skipped, the messages left this month and a few rendered
 * messages, for the composer as it changes (`input` null: nothing to ask yet).
 */
export function useBroadcastPreview(orgId: string, input: BroadcastPreviewInput | null) {
  return useQuery({
    queryKey: [...broadcastsKey(orgId), 'preview', input] as const,
    queryFn: ({ signal }) =>
      api<BroadcastPreview>(`/api/organizations/${orgId}/broadcasts/preview`, { body: input, signal }),
    enabled: input !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 5000,
  })
}

export function useCreateBroadcast(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async (input: NewBroadcast) =>
      (await api<{ broadcast: Broadcast }>(`/api/organizations/${orgId}/broadcasts`, { body: input }))
        .broadcast,
    onSuccess: (broadcast) => {
      qc.setQueryData(broadcastKey(orgId, broadcast.id), broadcast)
      qc.invalidateQueries({ queryKey: broadcastsKey(orgId), exact: true })
    },
  })
}

export function useCancelBroadcast(orgId: string, broadcastId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async () =>
      (
        await api<{ broadcast: Broadcast }>(`/api/organizations/${orgId}/broadcasts/${broadcastId}/cancel`, {
          method: 'POST',
          body: {},
        })
      ).broadcast,
    onSuccess: (broadcast) => {
      qc.setQueryData(broadcastKey(orgId, broadcastId), broadcast)
      qc.invalidateQueries({ queryKey: broadcastKey(orgId, broadcastId) })
      qc.invalidateQueries({ queryKey: broadcastsKey(orgId), exact: true })
    },
  })
}

/** The numbers of a 409 refusing a broadcast bigger than the messages left this month. */
export function overLimitOf(error: unknown): { needed: number; remaining: number } | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null
  const d = error.details
  if (typeof d !== 'object' || d === null) return null
  const { needed, remaining } = d as { needed?: unknown; remaining?: unknown }
  return typeof needed === 'number' && typeof remaining === 'number' ? { needed, remaining } : null
}
