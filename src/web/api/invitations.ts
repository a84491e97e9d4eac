import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import { orgKeys } from './organizations'
import type { Invitation, MyInvitation, Role } from './types'

const orgInvitationsKey = (orgId: string) => ['organizations', orgId, 'invitations'] as const
const myInvitationsKey = ['me', 'invitations'] as const

/** Open invitations of an organization (owners and admins). */
export function useOrgInvitations(orgId: string, enabled: boolean) {
  return useQuery({
    queryKey: orgInvitationsKey(orgId),
    queryFn: async () =>
      (await api<{ invitations: Invitation[] }>(`/api/organizations/${orgId}/invitations`)).invitations,
    enabled,
  })
}

export function useInviteMember(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (input: { email: string; role: Role }) =>
      api<{ invitation: Invitation }>(`/api/organizations/${orgId}/members`, {
        method: 'POST',
        body: input,
      }).then((r) => r.invitation),
    onSuccess: () => qc.invalidateQueries({ queryKey: orgInvitationsKey(orgId) }),
  })
}

export function useRevokeInvitation(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (invitationId: string) =>
      api<{ revoked: true }>(`/api/organizations/${orgId}/invitations/${invitationId}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: orgInvitationsKey(orgId) }),
  })
}

/** Invitations to the signed-in user's address; only asked for once that address is verified. */
export function useMyInvitations(enabled: boolean) {
  return useQuery({
    queryKey: myInvitationsKey,
    queryFn: async () => (await api<{ invitations: MyInvitation[] }>('/api/me/invitations')).invitations,
    enabled,
  })
}

export function useRespondToInvitation() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ id, answer }: { id: string; answer: 'accept' | 'decline' }) =>
      api<unknown>(`/api/me/invitations/${id}/${answer}`, { method: 'POST' }),
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: myInvitationsKey }),
        qc.invalidateQueries({ queryKey: orgKeys.all }),
      ]),
  })
}
