import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, uploadWithProgress } from './client'
import { orgKeys } from './organizations'
import type { AiProvider, AskResult, Knowledge, ProfileFields, Source, Training } from './types'

export const knowledgeKey = (orgId: string) => ['organizations', orgId, 'knowledge'] as const

/** Whether the dashboard should keep asking: a training runs, or an uploaded file is still being read. */
export const knowledgeBusy = (k: Knowledge | undefined) =>
  Boolean(k && (k.training.status === 'training' || k.sources.some((s) => s.status === 'processing')))

export function useKnowledge(orgId: string) {
  return useQuery({
    queryKey: knowledgeKey(orgId),
    queryFn: () => api<Knowledge>(`/api/organizations/${orgId}/knowledge`),
    refetchInterval: (q) => (knowledgeBusy(q.state.data) ? 1000 : false),
  })
}

/** One source with its whole text (the list carries previews), fetched when `enabled` (opening its editor). */
export function useSource(orgId: string, sourceId: string | undefined) {
  return useQuery({
    queryKey: [...knowledgeKey(orgId), 'source', sourceId] as const,
    queryFn: async () =>
      (await api<{ source: Source }>(`/api/organizations/${orgId}/knowledge/${sourceId}`)).source,
    enabled: Boolean(sourceId),
    staleTime: 0,
  })
}

function useInvalidateKnowledge(orgId: string) {
  const qc = useQueryClient()
  return () => {
    qc.invalidateQueries({ queryKey: knowledgeKey(orgId) })
    qc.invalidateQueries({ queryKey: orgKeys.one(orgId) })
  }
}

export function useSaveProfile(orgId: string) {
  const done = useInvalidateKnowledge(orgId)
  return useMutation({
    mutationFn: (fields: ProfileFields) =>
      api<{ source: Source }>(`/api/organizations/${orgId}/knowledge/profile`, {
        method: 'PUT',
        body: { fields },
      }),
    onSuccess: done,
  })
}

export type NewSource =
  | { kind: 'faq'; question: string; content: string }
  | { kind: 'text'; title: string; content: string }

export function useAddSource(orgId: string) {
  const done = useInvalidateKnowledge(orgId)
  return useMutation({
    mutationFn: (input: NewSource) =>
      api<{ source: Source }>(`/api/organizations/${orgId}/knowledge`, { method: 'POST', body: input }),
    onSuccess: done,
  })
}

export function useUpdateSource(orgId: string) {
  const done = useInvalidateKnowledge(orgId)
  return useMutation({
    mutationFn: ({ id, ...changes }: { id: string; title?: string; question?: string; content?: string }) =>
      api<{ source: Source }>(`/api/organizations/${orgId}/knowledge/${id}`, {
        method: 'PATCH',
        body: changes,
      }),
    onSuccess: done,
  })
}

export function useDeleteSource(orgId: string) {
  const done = useInvalidateKnowledge(orgId)
  return useMutation({
    mutationFn: (id: string) =>
      api<{ deleted: true }>(`/api/organizations/${orgId}/knowledge/${id}`, { method: 'DELETE' }),
    onSuccess: done,
  })
}

export function useUploadFile(orgId: string, onProgress: (fraction: number) => void) {
  const done = useInvalidateKnowledge(orgId)
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData()
      form.append('file', file)
      return uploadWithProgress<{ source: Source }>(
        `/api/organizations/${orgId}/knowledge/files`,
        form,
        onProgress,
      )
    },
    onSuccess: done,
  })
}

export function useTrain(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: () =>
      api<{ training: Training }>(`/api/organizations/${orgId}/train`, { method: 'POST', body: {} }),
    onSuccess: ({ training }) => {
      qc.setQueryData<Knowledge>(knowledgeKey(orgId), (old) => (old ? { ...old, training } : old))
      qc.invalidateQueries({ queryKey: knowledgeKey(orgId) })
      qc.invalidateQueries({ queryKey: orgKeys.one(orgId) })
    },
  })
}

export function useAsk(orgId: string) {
  return useMutation({
    mutationFn: (question: string) =>
      api<AskResult>(`/api/organizations/${orgId}/knowledge/ask`, { method: 'POST', body: { question } }),
  })
}

export function useAiProviders() {
  return useQuery({
    queryKey: ['ai-providers'],
    queryFn: async () => (await api<{ providers: AiProvider[] }>('/api/ai/providers')).providers,
    staleTime: 5 * 60_000,
    retry: false,
  })
}
