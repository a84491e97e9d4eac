import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import { orgKeys } from './organizations'
import type { AvailableNumber, PhoneNumber } from './types'

export interface NumberSearch {
  country: string
  type: AvailableNumber['type']
  contains: string
}

export function useNumberSearch(search: NumberSearch | null) {
  return useQuery({
    queryKey: ['number-search', search],
    // No search yet: skipToken keeps the query idle (and typed: the function below always has one).
    queryFn: search
      ? async () => {
          const params = new URLSearchParams({ country: search.country, type: search.type, limit: '10' })
          if (search.contains.trim()) params.set('contains', search.contains.trim())
          return (await api<{ numbers: AvailableNumber[] }>(`/api/organizations/search-numbers?${params}`))
            .numbers
        }
      : skipToken,
    retry: false,
  })
}

export const numbersKey = (orgId: string) => ['organizations', orgId, 'numbers'] as const

export function useOrgNumbers(orgId: string, poll: boolean) {
  return useQuery({
    queryKey: numbersKey(orgId),
    queryFn: async () =>
      (await api<{ numbers: PhoneNumber[] }>(`/api/organizations/${orgId}/numbers`)).numbers,
    refetchInterval: poll ? 1000 : false,
    retry: false,
  })
}

export function useProvisionNumber(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (phoneNumber: string) =>
      api<{ number: PhoneNumber }>(`/api/organizations/${orgId}/provision-number`, {
        method: 'POST',
        body: { phoneNumber },
      }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: orgKeys.one(orgId) })
      qc.invalidateQueries({ queryKey: numbersKey(orgId) })
    },
  })
}

export function useReleaseNumber(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: () =>
      api<{ number: PhoneNumber }>(`/api/organizations/${orgId}/provision-number`, { method: 'DELETE' }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: orgKeys.one(orgId) })
      qc.invalidateQueries({ queryKey: numbersKey(orgId) })
    },
  })
}
