import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import { useLiveStatus } from './live'
import type { components } from './schema.gen'
import type { BodyOf, ConversationSummary, Message, ResponseOf } from './types'

type ListPath = '/api/organizations/{id}/conversations'
/** One page of the inbox: conversations, the next cursor (null on the last page), the count in each filter. */
export type InboxPage = ResponseOf<ListPath, 'get'>
export type InboxCounts = InboxPage['counts']
export type InboxFilter = keyof InboxCounts
export type InboxConversation = ConversationSummary
export type AttentionReason = NonNullable<InboxConversation['attentionReason']>
export type ConversationNote = components['schemas']['ConversationNote']
export type CannedReply = components['schemas']['CannedReply']
export type CannedReplyInput = BodyOf<'/api/organizations/{id}/canned-replies', 'post'>

/**
 * The inbox's queries all sit under the organization's `conversations` key, so the live stream
 * (api/live.ts) and the existing take-over / reply mutations refresh them with one invalidation.
 */
export const inboxKeys = {
  all: (orgId: string) => ['organizations', orgId, 'conversations'] as const,
  lists: (orgId: string) => ['organizations', orgId, 'conversations', 'inbox'] as const,
  list: (orgId: string, query: InboxQuery) =>
    ['organizations', orgId, 'conversations', 'inbox', query] as const,
  /** The same key conversations.ts uses for a transcript: its mutations refresh this one too. */
  transcript: (orgId: string, cid: string) => ['organizations', orgId, 'conversations', cid] as const,
  notes: (orgId: string, cid: string) => ['organizations', orgId, 'conversation-notes', cid] as const,
  canned: (orgId: string) => ['organizations', orgId, 'canned-replies'] as const,
}

export interface InboxQuery {
  filter: InboxFilter
  q: string
}

/** While the live stream is down, the inbox polls slowly instead; while it is up, it never polls. */
const FALLBACK_POLL_MS = 15_000

/** The conversations matching a filter and a search, a page at a time ("Load more" asks for the next cursor). */
export function useInboxConversations(orgId: string, query: InboxQuery) {
  const live = useLiveStatus(orgId)
  return useInfiniteQuery({
    queryKey: inboxKeys.list(orgId, query),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const p = new URLSearchParams({ filter: query.filter, limit: '30' })
      if (query.q.trim()) p.set('q', query.q.trim())
      if (pageParam) p.set('cursor', pageParam)
      return api<InboxPage>(`/api/organizations/${orgId}/conversations?${p}`, { signal })
    },
    getNextPageParam: (last) => last.nextCursor ?? null,
    refetchInterval: live === 'live' ? false : FALLBACK_POLL_MS,
    retry: false,
  })
}

/** One conversation with its transcript (oldest first). */
export function useInboxTranscript(orgId: string, cid: string) {
  const live = useLiveStatus(orgId)
  return useQuery({
    queryKey: inboxKeys.transcript(orgId, cid),
    queryFn: () =>
      api<{ conversation: InboxConversation; messages: Message[] }>(
        `/api/organizations/${orgId}/conversations/${cid}`,
      ),
    refetchInterval: live === 'live' ? false : FALLBACK_POLL_MS,
    retry: false,
  })
}

/** After a change to a conversation: its transcript, every inbox list and the figures. */
export function useRefreshConversation(orgId: string) {
  const qc = useQueryClient()
  return (cid: string) => {
    qc.invalidateQueries({ queryKey: inboxKeys.transcript(orgId, cid), exact: true })
    qc.invalidateQueries({ queryKey: inboxKeys.lists(orgId) })
    qc.invalidateQueries({ queryKey: inboxKeys.all(orgId), exact: true })
    qc.invalidateQueries({ queryKey: ['organizations', orgId, 'stats'] })
  }
}

function useConversationChange<TInput>(orgId: string, cid: string, fn: (input: TInput) => Promise<unknown>) {
  const refresh = useRefreshConversation(orgId)
  return useMutation({ mutationFn: fn, onSuccess: () => refresh(cid) })
}

const conversationPath = (orgId: string, cid: string) => `/api/organizations/${orgId}/conversations/${cid}`

export function useAssign(orgId: string, cid: string) {
  return useConversationChange(orgId, cid, (userId: string | null) =>
    api(`${conversationPath(orgId, cid)}/assign`, { method: 'POST', body: { userId } }),
  )
}

export function useResolve(orgId: string, cid: string) {
  return useConversationChange(orgId, cid, () =>
    api(`${conversationPath(orgId, cid)}/resolve`, { method: 'POST', body: {} }),
  )
}

export function useReopen(orgId: string, cid: string) {
  return useConversationChange(orgId, cid, () =>
    api(`${conversationPath(orgId, cid)}/reopen`, { method: 'POST', body: {} }),
  )
}

export function useNotes(orgId: string, cid: string) {
  return useQuery({
    queryKey: inboxKeys.notes(orgId, cid),
    queryFn: async () =>
      (await api<{ notes: ConversationNote[] }>(`${conversationPath(orgId, cid)}/notes`)).notes,
    retry: false,
  })
}

export function useAddNote(orgId: string, cid: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (body: string) =>
      api<{ note: ConversationNote }>(`${conversationPath(orgId, cid)}/notes`, {
        method: 'POST',
        body: { body },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: inboxKeys.notes(orgId, cid) }),
  })
}

export function useDeleteNote(orgId: string, cid: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (noteId: string) =>
      api<void>(`${conversationPath(orgId, cid)}/notes/${noteId}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: inboxKeys.notes(orgId, cid) }),
  })
}

export function useCannedReplies(orgId: string) {
  return useQuery({
    queryKey: inboxKeys.canned(orgId),
    queryFn: async () =>
      (await api<{ cannedReplies: CannedReply[] }>(`/api/organizations/${orgId}/canned-replies`))
        .cannedReplies,
    retry: false,
  })
}

export function useSaveCannedReply(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ id, ...input }: CannedReplyInput & { id?: string }) =>
      id
        ? api<{ cannedReply: CannedReply }>(`/api/organizations/${orgId}/canned-replies/${id}`, {
            method: 'PATCH',
            body: input,
          })
        : api<{ cannedReply: CannedReply }>(`/api/organizations/${orgId}/canned-replies`, {
            method: 'POST',
            body: input,
          }),
    onSuccess: () => qc.invalidateQueries({ queryKey: inboxKeys.canned(orgId) }),
  })
}

export function useDeleteCannedReply(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (id: string) =>
      api<void>(`/api/organizations/${orgId}/canned-replies/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: inboxKeys.canned(orgId) }),
  })
}
