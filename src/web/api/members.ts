import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import type { Member, Role } from './types'

const membersKey = (orgId: string) => ['organizations', orgId, 'members'] as const

export function useMembers(orgId: string) {
  return useQuery({
    queryKey: membersKey(orgId),
    queryFn: async () => (await api<{ members: Member[] }>(`/api/organizations/${orgId}/members`)).members,
  })
}

export function useUpdateMemberRole(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      api<{ member: Member }>(`/api/organizations/${orgId}/members/${userId}`, {
        method: 'PATCH',
        body: { role },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: membersKey(orgId) }),
  })
}

export function useRemoveMember(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (userId: string) =>
      api<{ removed: true }>(`/api/organizations/${orgId}/members/${userId}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: membersKey(orgId) }),
  })
}
