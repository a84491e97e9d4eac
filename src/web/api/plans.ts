import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { OverridesChange } from './billing'
import { api } from './client'
import { orgKeys } from './organizations'
import type { FailedInboxMessage, OperatorOrganization, PlanChange } from './types'

/** What each plan includes: the one table the server's gates read too. */
export { PLANS } from '../../shared/plans'

const operatorKeys = { organizations: (search: string) => ['operator', 'organizations', search] as const }

/** Operators only: every organization, newest first, optionally filtered by name. */
export function useOperatorOrganizations(search: string) {
  return useQuery({
    queryKey: operatorKeys.organizations(search),
    queryFn: async () =>
      (
        await api<{ organizations: OperatorOrganization[] }>(
          `/api/admin/organizations${search ? `?search=${encodeURIComponent(search)}` : ''}`,
        )
      ).organizations,
  })
}

/** Operators only: customer messages whose processing failed for good before they were stored, newest first. */
export function useInboxFailures() {
  return useQuery({
    queryKey: ['operator', 'inbox-failures'] as const,
    queryFn: async () =>
      (await api<{ failures: FailedInboxMessage[] }>('/api/admin/inbox-failures')).failures,
  })
}

/** Operators only: PATCH /api/admin/organizations/:id/plan. */
export function useSetPlan(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (change: PlanChange & { overrides?: OverridesChange }) =>
      api<{ organization: OperatorOrganization }>(`/api/admin/organizations/${orgId}/plan`, {
        method: 'PATCH',
        body: change,
      }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: orgKeys.one(orgId) })
      qc.invalidateQueries({ queryKey: orgKeys.all, exact: true })
      qc.invalidateQueries({ queryKey: ['operator', 'organizations'] })
    },
  })
}
