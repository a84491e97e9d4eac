import { useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import type { Session } from './types'

export const sessionKey = ['session'] as const

export const fetchSession = async () => (await api<Session | null>('/api/auth/get-session')) ?? null

export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: fetchSession,
    staleTime: 60_000,
    retry: false,
  })
}

export async function signUp(input: { email: string; password: string; name: string }) {
  // The emailed verification link brings the user back to their account page.
  return api<unknown>('/api/auth/sign-up/email', {
    method: 'POST',
    body: { ...input, callbackURL: '/Dashboard/account?verified=1' },
  })
}

export async function signIn(input: { email: string; password: string }) {
  return api<unknown>('/api/auth/sign-in/email', { method: 'POST', body: input })
}

export function useSignOut() {
  const qc = useQueryClient()
  return async () => {
    await api<unknown>('/api/auth/sign-out', { method: 'POST', body: {} })
    qc.clear()
    qc.setQueryData(sessionKey, null)
  }
}
