import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import type { Account, PhoneCodeSent } from './types'

export const accountKey = ['account'] as const

export function useAccount() {
  return useQuery({
    queryKey: accountKey,
    queryFn: async () => (await api<{ account: Account }>('/api/me')).account,
  })
}

/** Sends a new verification link to the signed-in user's email (better-auth's route). */
export function useResendVerificationEmail() {
  return useMutation({
    mutationFn: (email: string) =>
      api<{ status: boolean }>('/api/auth/send-verification-email', {
        method: 'POST',
        body: { email, callbackURL: '/Dashboard/account?verified=1' },
      }),
  })
}

export function useRequestPhoneCode() {
  return useMutation({
    mutationFn: (phone: string) =>
      api<{ verification: PhoneCodeSent }>('/api/me/phone/verification', {
        method: 'POST',
        body: { phone },
      }).then((r) => r.verification),
  })
}

export function useVerifyPhone() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (input: { phone: string; code: string }) =>
      api<{ account: Account }>('/api/me/phone/verify', { method: 'POST', body: input }).then(
        (r) => r.account,
      ),
    onSuccess: (account) => qc.setQueryData(accountKey, account),
  })
}

export function useUnlinkPhone() {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: () => api<{ account: Account }>('/api/me/phone', { method: 'DELETE' }).then((r) => r.account),
    onSuccess: (account) => qc.setQueryData(accountKey, account),
  })
}
