import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { isE164 } from '../../shared/phone'
import { api } from './client'
import { orgKeys } from './organizations'
import type { ConversationSummary, Message, Stats } from './types'

const statsKey = (orgId: string) => ['organizations', orgId, 'stats'] as const
const conversationKey = (orgId: string, cid: string) =>
  ['organizations', orgId, 'conversations', cid] as const

export function useStats(orgId: string) {
  return useQuery({
    queryKey: statsKey(orgId),
    queryFn: () => api<Stats>(`/api/organizations/${orgId}/stats`),
    refetchInterval: 5000,
    retry: false,
  })
}

export function useConversations(orgId: string) {
  return useQuery({
    queryKey: ['organizations', orgId, 'conversations'],
    queryFn: async () =>
      (await api<{ conversations: ConversationSummary[] }>(`/api/organizations/${orgId}/conversations`))
        .conversations,
    refetchInterval: 5000,
    retry: false,
  })
}

export function useConversation(orgId: string, cid: string | null) {
  return useQuery({
    queryKey: conversationKey(orgId, cid ?? ''),
    enabled: cid !== null,
    queryFn: () =>
      api<{ conversation: ConversationSummary; messages: Message[] }>(
        `/api/organizations/${orgId}/conversations/${cid}`,
      ),
    refetchInterval: 2000,
    retry: false,
  })
}

function useConversationAction<TInput, TResult>(
  orgId: string,
  cid: string,
  fn: (input: TInput) => Promise<TResult>,
) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: conversationKey(orgId, cid) })
      qc.invalidateQueries({ queryKey: statsKey(orgId) })
      qc.invalidateQueries({ queryKey: ['organizations', orgId, 'conversations'], exact: true })
    },
  })
}

export function useTakeOver(orgId: string, cid: string) {
  return useConversationAction(orgId, cid, () =>
    api<{ conversation: ConversationSummary }>(`/api/organizations/${orgId}/conversations/${cid}/take-over`, {
      method: 'POST',
      body: {},
    }),
  )
}

export function useHandBack(orgId: string, cid: string) {
  return useConversationAction(orgId, cid, () =>
    api<{ conversation: ConversationSummary }>(`/api/organizations/${orgId}/conversations/${cid}/hand-back`, {
      method: 'POST',
      body: {},
    }),
  )
}

export function useReply(orgId: string, cid: string) {
  return useConversationAction(orgId, cid, (body: string) =>
    api<{ message: Message }>(`/api/organizations/${orgId}/conversations/${cid}/reply`, {
      method: 'POST',
      body: { body },
    }),
  )
}

const simulatorKey = (orgId: string, from: string) => ['simulator', orgId, from] as const

export function useSimulatorMessages(orgId: string | null, from: string) {
  return useQuery({
    queryKey: simulatorKey(orgId ?? '', from),
    enabled: !!orgId && isE164(from),
    queryFn: async () =>
      (
        await api<{ messages: Message[] }>(
          `/api/organizations/${orgId}/simulator/messages?${new URLSearchParams({ from })}`,
        )
      ).messages,
    refetchInterval: 1000,
    retry: false,
  })
}

export function useSimulatorSend(orgId: string, from: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (body: string) =>
      api<{ messageSid: string }>(`/api/organizations/${orgId}/simulator/messages`, {
        method: 'POST',
        body: { from, body },
      }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: simulatorKey(orgId, from) })
      qc.invalidateQueries({ queryKey: orgKeys.one(orgId) })
    },
  })
}
