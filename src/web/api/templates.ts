import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError, api } from './client'
import type { Message, NewTemplate, Template, TemplateSend } from './types'

/** Every template query sits under this key (the broadcast composer's approved list too). */
export const templatesKey = (orgId: string) => ['organizations', orgId, 'templates'] as const

export function useTemplates(orgId: string, opts: { poll?: boolean } = {}) {
  return useQuery({
    queryKey: templatesKey(orgId),
    queryFn: async () =>
      (await api<{ templates: Template[] }>(`/api/organizations/${orgId}/templates`)).templates,
    // While WhatsApp reviews a template the job updates it; the list follows.
    refetchInterval: (q) => (opts.poll && q.state.data?.some((t) => t.status === 'pending') ? 10_000 : false),
    retry: false,
  })
}

export function useCreateTemplate(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async (input: NewTemplate) =>
      (
        await api<{ template: Template }>(`/api/organizations/${orgId}/templates`, {
          method: 'POST',
          body: input,
        })
      ).template,
    onSuccess: () => qc.invalidateQueries({ queryKey: templatesKey(orgId) }),
  })
}

export function useRefreshTemplate(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async (templateId: string) =>
      (
        await api<{ template: Template }>(`/api/organizations/${orgId}/templates/${templateId}/refresh`, {
          method: 'POST',
          body: {},
        })
      ).template,
    onSuccess: () => qc.invalidateQueries({ queryKey: templatesKey(orgId) }),
  })
}

export function useDeleteTemplate(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (templateId: string) =>
      api<void>(`/api/organizations/${orgId}/templates/${templateId}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: templatesKey(orgId) }),
  })
}

/** Sends an approved template in a conversation (allowed outside WhatsApp's 24-hour window). */
export function useSendTemplate(orgId: string, conversationId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async (input: TemplateSend) =>
      (
        await api<{ message: Message }>(
          `/api/organizations/${orgId}/conversations/${conversationId}/template`,
          {
            method: 'POST',
            body: input,
          },
        )
      ).message,
    onSuccess: () => qc.invalidateQueries({ queryKey: ['organizations', orgId, 'conversations'] }),
  })
}

/** The variables a 400 named as missing (details.missing), if that is what the error is. */
export function missingVariablesOf(error: unknown): string[] {
  if (!(error instanceof ApiError) || error.status !== 400) return []
  const d = error.details as { missing?: unknown } | undefined
  return Array.isArray(d?.missing) ? d.missing.filter((m): m is string => typeof m === 'string') : []
}
