import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError, api } from './client'
import type { components } from './schema.gen'
import type { BodyOf, ResponseOf } from './types'

// Exports, a customer's data, retention, the audit log and the account's own data. The shapes
// come from the server's OpenAPI document (schema.gen.ts, `npm run api:types`).

type Schemas = components['schemas']

export type DataExport = Schemas['Export']
export type ExportKind = DataExport['kind']
export type ExportFormat = DataExport['format']
export type ExportStatus = DataExport['status']
/** What an export is limited to; every field optional (ISO dates, a contact id, a tag name). */
export type ExportFilters = Schemas['ExportFilters']
export type NewExport = BodyOf<'/api/organizations/{id}/exports', 'post'>
/** `retentionDays` null: messages are kept forever. */
export type PrivacySettings = Schemas['Privacy']
/** What an erasure removed, table by table (broadcast recipient rows are anonymized, not removed). */
export type ErasedCounts = Schemas['CustomerErased']
export type AuditEntry = Schemas['AuditEntry']
export type AuditPage = ResponseOf<'/api/organizations/{id}/audit-log', 'get'>

/** The actions the audit log records (`area.verb`), for its filter. */
export const AUDIT_ACTIONS = [
  'settings.updated',
  'plan.changed',
  'organization.deleted',
  'member.invited',
  'member.role_changed',
  'member.removed',
  'invitation.revoked',
  'number.provisioned',
  'number.released',
  'api_key.created',
  'api_key.revoked',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.disabled',
  'export.created',
  'export.deleted',
  'customer.exported',
  'customer.erased',
  'retention.changed',
  'template.created',
  'template.deleted',
  'broadcast.created',
  'broadcast.cancelled',
] as const

const base = (orgId: string) => `/api/organizations/${orgId}`
const exportsKey = (orgId: string) => ['organizations', orgId, 'exports'] as const
const privacyKey = (orgId: string) => ['organizations', orgId, 'privacy'] as const
const auditKey = (orgId: string) => ['organizations', orgId, 'audit-log'] as const

/** An export still being written: its progress moves, so the list keeps asking. */
export const exportRunning = (e: Pick<DataExport, 'status'>) =>
  e.status === 'queued' || e.status === 'running'

export function useExports(orgId: string) {
  return useQuery({
    queryKey: exportsKey(orgId),
    queryFn: async () => (await api<{ exports: DataExport[] }>(`${base(orgId)}/exports`)).exports,
    refetchInterval: (q) => (q.state.data?.some(exportRunning) ? 1000 : false),
  })
}

export function useStartExport(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async (input: NewExport) =>
      (await api<{ export: DataExport }>(`${base(orgId)}/exports`, { body: input })).export,
    onSuccess: (started) => {
      qc.setQueryData<DataExport[]>(exportsKey(orgId), (all) => [
        started,
        ...(all ?? []).filter((e) => e.id !== started.id),
      ])
      qc.invalidateQueries({ queryKey: exportsKey(orgId) })
      qc.invalidateQueries({ queryKey: auditKey(orgId) })
    },
  })
}

export function useDeleteExport(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (exportId: string) => api<void>(`${base(orgId)}/exports/${exportId}`, { method: 'DELETE' }),
    onSuccess: (_, exportId) => {
      qc.setQueryData<DataExport[]>(exportsKey(orgId), (all) => all?.filter((e) => e.id !== exportId))
      qc.invalidateQueries({ queryKey: exportsKey(orgId) })
      qc.invalidateQueries({ queryKey: auditKey(orgId) })
    },
  })
}

function filterParams(filters: ExportFilters): URLSearchParams {
  const p = new URLSearchParams()
  for (const [key, value] of Object.entries(filters)) if (value) p.set(key, value)
  return p
}

/** The same export streamed straight away, for small ones (the browser sends the session cookie). */
export function downloadNowUrl(orgId: string, input: NewExport): string {
  const p = filterParams(input.filters ?? {})
  p.set('kind', input.kind)
  p.set('format', input.format)
  return `${base(orgId)}/exports/download-now?${p}`
}

export function usePrivacy(orgId: string) {
  return useQuery({
    queryKey: privacyKey(orgId),
    queryFn: () => api<PrivacySettings>(`${base(orgId)}/privacy`),
  })
}

export function useSetRetention(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (retentionDays: number | null) =>
      api<{ retentionDays: number | null }>(`${base(orgId)}/privacy/retention`, {
        method: 'PUT',
        body: { retentionDays },
      }),
    onSuccess: ({ retentionDays }) => {
      qc.setQueryData<PrivacySettings>(privacyKey(orgId), (old) => ({
        lastRetentionRunAt: old?.lastRetentionRunAt ?? null,
        retentionDays,
      }))
      qc.invalidateQueries({ queryKey: privacyKey(orgId) })
      qc.invalidateQueries({ queryKey: auditKey(orgId) })
    },
  })
}

const customerPath = (orgId: string, phone: string) =>
  `${base(orgId)}/privacy/customers/${encodeURIComponent(phone)}`

export function useEraseCustomer(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: async (phone: string) =>
      (
        await api<{ erased: ErasedCounts }>(`${customerPath(orgId, phone)}/erase`, {
          method: 'POST',
          body: { confirm: phone },
        })
      ).erased,
    // The customer's contact, conversations and exports are gone from every list.
    onSuccess: () => qc.invalidateQueries({ queryKey: ['organizations', orgId] }),
  })
}

/** The file name a Content-Disposition header names, if any. */
function fileNameOf(res: Response): string | undefined {
  const header = res.headers.get('content-disposition') ?? ''
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1]
  if (star) return decodeURIComponent(star)
  return /filename="?([^";]+)"?/i.exec(header)?.[1]
}

/**
 * Fetches a file the session may download and hands it to the browser as a download; an error
 * answer (no such number, no right) is thrown as an ApiError to show, not saved as a file.
 */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  let res: Response
  try {
    res = await fetch(path, { credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'NETWORK', 'Could not reach the server. Check your connection and try again.')
  }
  if (!res.ok) {
    let body: { error?: { code?: string; message?: string; details?: unknown } } | undefined
    try {
      body = await res.json()
    } catch {
      body = undefined
    }
    throw new ApiError(
      res.status,
      body?.error?.code ?? 'HTTP_ERROR',
      body?.error?.message ?? `Download failed (${res.status})`,
      body?.error?.details,
    )
  }
  const url = URL.createObjectURL(await res.blob())
  const link = document.createElement('a')
  link.href = url
  link.download = fileNameOf(res) ?? fallbackName
  document.body.append(link)
  link.click()
  link.remove()
  // The click has started the download; the object URL can go once the browser has it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function useDownloadCustomerData(orgId: string) {
  return useMutation({
    mutationFn: (phone: string) =>
      downloadFile(`${customerPath(orgId, phone)}/export`, `customer-${phone.replace(/\D/g, '')}.json`),
  })
}

export function useAuditLog(orgId: string, action: string) {
  return useInfiniteQuery({
    queryKey: [...auditKey(orgId), action] as const,
    queryFn: ({ pageParam, signal }) => {
      const p = new URLSearchParams({ limit: '50' })
      if (action) p.set('action', action)
      if (pageParam) p.set('cursor', pageParam)
      return api<AuditPage>(`${base(orgId)}/audit-log?${p}`, { signal })
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  })
}

// The signed-in user's own data.

export function useDownloadMyData() {
  return useMutation({ mutationFn: () => downloadFile('/api/me/export', 'my-data.json') })
}

export function useDeleteAccount() {
  return useMutation({
    mutationFn: (confirmEmail: string) => api<void>('/api/me', { method: 'DELETE', body: { confirmEmail } }),
  })
}

/** The organizations a 409 LAST_OWNER names: hand each over or delete it before the account. */
export function lastOwnerOf(error: unknown): { id: string; name: string }[] | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null
  const d = error.details
  if (typeof d !== 'object' || d === null) return null
  const { reason, organizations } = d as { reason?: unknown; organizations?: unknown }
  if (reason !== 'LAST_OWNER' || !Array.isArray(organizations)) return null
  return organizations.filter(
    (o): o is { id: string; name: string } =>
      typeof o === 'object' && o !== null && typeof o.id === 'string' && typeof o.name === 'string',
  )
}
