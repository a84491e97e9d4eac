import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import type { NewOrganization, Organization, OrganizationChanges } from './types'

export const orgKeys = {
  all: ['organizations'] as const,
  one: (id: string) => ['organizations', id] as const,
}

/** While something is in flight (number provisioning, training), poll the organization. */
export const isBusy = (org: Organization | undefined) =>
  !!org &&
  (['purchasing', 'registering', 'releasing'].includes(org.numberStatus) || org.trainingStatus === 'training')

export function useOrganizations() {
  return useQuery({
    queryKey: orgKeys.all,
    queryFn: async () => (await api<{ organizations: Organization[] }>('/api/organizations')).organizations,
    refetchInterval: (q) => (q.state.data?.some(isBusy) ? 2000 : false),
  })
}

export function useOrganization(id: string) {
  return useQuery({
    queryKey: orgKeys.one(id),
    queryFn: async () => (await api<{ organization: Organization }>(`/api/organizations/${id}`)).organization,
    refetchInterval: (q) => (isBusy(q.state.data) ? 1000 : false),
  })
}

export function useCreateOrganization() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async (input: NewOrganization) =>
      (await api<{ organization: Organization }>('/api/organizations', { method: 'POST', body: input }))
        .organization,
    onSuccess: (org) => {
      qc.setQueryData(orgKeys.one(org.id), org)
      qc.invalidateQueries({ queryKey: orgKeys.all })
    },
  })
}

export function useUpdateOrganization(id: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async (changes: OrganizationChanges) =>
      (
        await api<{ organization: Organization }>(`/api/organizations/${id}`, {
          method: 'PATCH',
          body: changes,
        })
      ).organization,
    onSuccess: (org) => {
      qc.setQueryData(orgKeys.one(id), org)
      qc.invalidateQueries({ queryKey: orgKeys.all, exact: true })
    },
  })
}

export function useDeleteOrganization(id: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: () => api<{ deleted: true }>(`/api/organizations/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      qc.removeQueries({ queryKey: orgKeys.one(id) })
      qc.invalidateQueries({ queryKey: orgKeys.all, exact: true })
    },
  })
}
