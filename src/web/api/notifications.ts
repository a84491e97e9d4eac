import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError, api } from './client'

import type { components } from './schema.gen'
import type { ResponseOf } from './types'

export type DashboardNotification = components['schemas']['Notification']
export type NotificationPreferences = components['schemas']['NotificationPreferences']
/** The caller's choices, their verified WhatsApp number and whether the platform can send WhatsApp at all. */
export type PreferencesView = ResponseOf<'/api/organizations/{id}/notification-preferences', 'get'>

export const notificationKeys = {
  unread: (orgId: string) => ['organizations', orgId, 'notifications', 'unread'] as const,
  preferences: (orgId: string) => ['organizations', orgId, 'notification-preferences'] as const,
}

/** The caller's unread dashboard notifications; the live stream refreshes them, a slow poll backs it up. */
export function useUnreadNotifications(orgId: string) {
  return useQuery({
    queryKey: notificationKeys.unread(orgId),
    queryFn: () =>
      api<ResponseOf<'/api/organizations/{id}/notifications', 'get'>>(
        `/api/organizations/${orgId}/notifications?unread=1`,
      ),
    refetchInterval: 60_000,
    retry: false,
  })
}

export function useMarkNotificationsRead(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (which: { ids: string[] } | { all: true }) =>
      api<unknown>(`/api/organizations/${orgId}/notifications/read`, { method: 'POST', body: which }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['organizations', orgId, 'notifications'] }),
  })
}

export function useNotificationPreferences(orgId: string) {
  return useQuery({
    queryKey: notificationKeys.preferences(orgId),
    queryFn: () => api<PreferencesView>(`/api/organizations/${orgId}/notification-preferences`),
    retry: false,
  })
}

export function useSaveNotificationPreferences(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (prefs: NotificationPreferences) =>
      api<PreferencesView>(`/api/organizations/${orgId}/notification-preferences`, {
        method: 'PUT',
        body: prefs,
      }),
    onSuccess: (saved) => qc.setQueryData(notificationKeys.preferences(orgId), saved),
  })
}

/** True when the save was refused because the member has no verified WhatsApp number linked. */
export const isPhoneNotVerified = (error: unknown) =>
  error instanceof ApiError &&
  error.status === 409 &&
  (error.code === 'PHONE_NOT_VERIFIED' ||
    (error.details as { reason?: unknown } | undefined)?.reason === 'PHONE_NOT_VERIFIED')
