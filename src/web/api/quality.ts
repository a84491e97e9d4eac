import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { DateRange } from './analytics'
import { api } from './client'
import { knowledgeKey } from './knowledge'
import { orgKeys } from './organizations'
import type { components } from './schema.gen'
import type { ResponseOf } from './types'

/** GET …/quality: score distribution, worst conversations, daily trend and ratings over a range. */
export type QualityReport = ResponseOf<'/api/organizations/{id}/quality', 'get'>
export type QualitySettings = ResponseOf<'/api/organizations/{id}/quality-settings', 'get'>

/** A group of similar questions the assistant could not answer, with a person's answer when one gave it. */
export type UnansweredGroup = components['schemas']['UnansweredGroup']
type UnansweredList = ResponseOf<'/api/organizations/{id}/unanswered', 'get'>
type FaqDraft = ResponseOf<'/api/organizations/{id}/unanswered/{groupId}/faq-draft', 'post'>

const rangeQuery = (range: DateRange) => new URLSearchParams({ from: range.from, to: range.to })
const qualityKey = (orgId: string) => ['organizations', orgId, 'quality'] as const
const settingsKey = (orgId: string) => ['organizations', orgId, 'quality-settings'] as const
const unansweredKey = (orgId: string) => ['organizations', orgId, 'unanswered'] as const

export function useQuality(orgId: string, range: DateRange) {
  return useQuery({
    queryKey: [...qualityKey(orgId), range.from, range.to] as const,
    queryFn: () => api<QualityReport>(`/api/organizations/${orgId}/quality?${rangeQuery(range)}`),
    placeholderData: keepPreviousData,
    retry: false,
  })
}

export function useQualitySettings(orgId: string) {
  return useQuery({
    queryKey: settingsKey(orgId),
    queryFn: () => api<QualitySettings>(`/api/organizations/${orgId}/quality-settings`),
    retry: false,
  })
}

export function useUpdateQualitySettings(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (settings: QualitySettings) =>
      api<QualitySettings>(`/api/organizations/${orgId}/quality-settings`, { method: 'PUT', body: settings }),
    onSuccess: (settings) => {
      qc.setQueryData(settingsKey(orgId), settings)
      qc.invalidateQueries({ queryKey: orgKeys.one(orgId), exact: true })
    },
  })
}

export function useUnanswered(orgId: string, range: DateRange) {
  return useQuery({
    queryKey: [...unansweredKey(orgId), range.from, range.to] as const,
    queryFn: async () =>
      (await api<UnansweredList>(`/api/organizations/${orgId}/unanswered?${rangeQuery(range)}`)).groups,
    placeholderData: keepPreviousData,
    retry: false,
  })
}

/** Turns a group of unanswered questions into a FAQ draft in the knowledge (trained on the next retrain). */
export function useCreateFaqDraft(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    // The group is found again in the range the list showed (group ids are only stable within it).
    mutationFn: async ({ groupId, range }: { groupId: string; range: DateRange }) =>
      (
        await api<FaqDraft>(
          `/api/organizations/${orgId}/unanswered/${groupId}/faq-draft?${rangeQuery(range)}`,
          { method: 'POST', body: {} },
        )
      ).source,
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: knowledgeKey(orgId) })
      qc.invalidateQueries({ queryKey: unansweredKey(orgId) })
      qc.invalidateQueries({ queryKey: orgKeys.one(orgId), exact: true })
    },
  })
}
