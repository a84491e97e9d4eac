import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query'
import { api, uploadWithProgress } from './client'
import type {
  Contact,
  ContactChanges,
  ContactFilter,
  ContactImport,
  ContactPage,
  ImportPreview,
  Segment,
  Tag,
} from './types'

const base = (orgId: string) => `/api/organizations/${orgId}`
const contactsKey = (orgId: string) => ['organizations', orgId, 'contacts'] as const
const tagsKey = (orgId: string) => ['organizations', orgId, 'tags'] as const
const segmentsKey = (orgId: string) => ['organizations', orgId, 'segments'] as const
const importsKey = (orgId: string) => ['organizations', orgId, 'contact-imports'] as const

/** The contacts page's filters, as GET …/contacts takes them in its query string. */
export interface ContactQuery {
  search?: string
  tags?: string[]
  tagMode?: 'any' | 'all'
  optedIn?: boolean
  optedOut?: boolean
  lastSeenWithinDays?: number
  segmentId?: string
}

export const PAGE_SIZE = 50

export function contactQueryString(q: ContactQuery, cursor?: string | null): string {
  const p = new URLSearchParams()
  const search = q.search?.trim()
  if (search) p.set('search', search)
  if (q.tags && q.tags.length > 0) {
    p.set('tags', q.tags.join(','))
    p.set('tagMode', q.tagMode ?? 'any')
  }
  if (q.optedIn !== undefined) p.set('optedIn', String(q.optedIn))
  if (q.optedOut !== undefined) p.set('optedOut', String(q.optedOut))
  if (q.lastSeenWithinDays !== undefined) p.set('lastSeenWithinDays', String(q.lastSeenWithinDays))
  if (q.segmentId) p.set('segmentId', q.segmentId)
  if (cursor) p.set('cursor', cursor)
  p.set('limit', String(PAGE_SIZE))
  return p.toString()
}

/** The contacts matching `query`, a page at a time ("Load more" asks for the next cursor). */
export function useContacts(orgId: string, query: ContactQuery) {
  return useInfiniteQuery({
    queryKey: [...contactsKey(orgId), 'list', query] as const,
    queryFn: ({ pageParam, signal }) =>
      api<ContactPage>(`${base(orgId)}/contacts?${contactQueryString(query, pageParam)}`, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  })
}

export function useContact(orgId: string, contactId: string | null) {
  return useQuery({
    queryKey: [...contactsKey(orgId), 'one', contactId] as const,
    enabled: contactId !== null,
    queryFn: async () => (await api<{ contact: Contact }>(`${base(orgId)}/contacts/${contactId}`)).contact,
  })
}

/** Any change to contacts can change the list, the tags' counts and the segments' counts. */
function useInvalidateContacts(orgId: string) {
  const qc = useQueryClient()
  return () => {
    qc.invalidateQueries({ queryKey: contactsKey(orgId) })
    qc.invalidateQueries({ queryKey: tagsKey(orgId) })
    qc.invalidateQueries({ queryKey: segmentsKey(orgId) })
  }
}

export function useUpdateContact(orgId: string) {
  const qc = useQueryClient()
  const done = useInvalidateContacts(orgId)
  return useMutation({
    mutationFn: ({ id, ...changes }: ContactChanges & { id: string }) =>
      api<{ contact: Contact }>(`${base(orgId)}/contacts/${id}`, { method: 'PATCH', body: changes }),
    onSuccess: ({ contact }) => {
      // Opened again, the contact shows what was saved at once, not the copy from before.
      qc.setQueryData([...contactsKey(orgId), 'one', contact.id], contact)
      done()
    },
  })
}

export function useDeleteContact(orgId: string) {
  const done = useInvalidateContacts(orgId)
  return useMutation({
    mutationFn: (id: string) => api<undefined>(`${base(orgId)}/contacts/${id}`, { method: 'DELETE' }),
    onSuccess: done,
  })
}

/** Adds and/or removes tags on many contacts at once. */
export function useBulkTags(orgId: string) {
  const done = useInvalidateContacts(orgId)
  return useMutation({
    mutationFn: (input: { contactIds: string[]; add?: string[]; remove?: string[] }) =>
      api<{ updated: number }>(`${base(orgId)}/contacts/tags`, { method: 'POST', body: input }),
    onSuccess: done,
  })
}

export function useTags(orgId: string) {
  return useQuery({
    queryKey: tagsKey(orgId),
    queryFn: async () => (await api<{ tags: Tag[] }>(`${base(orgId)}/tags`)).tags,
  })
}

export function useCreateTag(orgId: string) {
  const done = useInvalidateContacts(orgId)
  return useMutation({
    mutationFn: (input: { name: string; color: string }) =>
      api<{ tag: Tag }>(`${base(orgId)}/tags`, { method: 'POST', body: input }),
    onSuccess: done,
  })
}

export function useUpdateTag(orgId: string) {
  const done = useInvalidateContacts(orgId)
  return useMutation({
    mutationFn: ({ id, ...changes }: { id: string; name?: string; color?: string }) =>
      api<{ tag: Tag }>(`${base(orgId)}/tags/${id}`, { method: 'PATCH', body: changes }),
    onSuccess: done,
  })
}

export function useDeleteTag(orgId: string) {
  const done = useInvalidateContacts(orgId)
  return useMutation({
    mutationFn: (id: string) => api<undefined>(`${base(orgId)}/tags/${id}`, { method: 'DELETE' }),
    onSuccess: done,
  })
}

export function useSegments(orgId: string) {
  return useQuery({
    queryKey: segmentsKey(orgId),
    queryFn: async () => (await api<{ segments: Segment[] }>(`${base(orgId)}/segments`)).segments,
  })
}

export function useCreateSegment(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (input: { name: string; filter: ContactFilter }) =>
      api<{ segment: Segment }>(`${base(orgId)}/segments`, { method: 'POST', body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: segmentsKey(orgId) }),
  })
}

export function useDeleteSegment(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => api<undefined>(`${base(orgId)}/segments/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: segmentsKey(orgId) }),
  })
}

const csvForm = (file: File) => {
  const form = new FormData()
  form.append('file', file)
  return form
}

/** The server reads the first rows of a CSV and says what it understood, row by row, before anything is saved. */
export function useImportPreview(orgId: string) {
  return useMutation({
    mutationFn: (file: File) =>
      uploadWithProgress<ImportPreview>(`${base(orgId)}/contacts/imports/preview`, csvForm(file), () => {}),
  })
}

export function useStartImport(orgId: string, onProgress: (fraction: number) => void) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (file: File) =>
      uploadWithProgress<{ import: ContactImport }>(
        `${base(orgId)}/contacts/imports`,
        csvForm(file),
        onProgress,
      ),
    onSuccess: ({ import: started }) => {
      qc.setQueryData([...importsKey(orgId), started.id], started)
      qc.invalidateQueries({ queryKey: importsKey(orgId), exact: true })
    },
  })
}

export const importRunning = (i: ContactImport | undefined) =>
  i !== undefined && (i.status === 'pending' || i.status === 'running')

/** One import, asked again every second while it runs; once done, the contacts, tags and segments are refreshed. */
export function useImport(orgId: string, importId: string | null) {
  const qc = useQueryClient()
  const refreshContacts = useInvalidateContacts(orgId)
  const refresh = () => {
    refreshContacts()
    qc.invalidateQueries({ queryKey: importsKey(orgId), exact: true })
  }
  return useQuery({
    queryKey: [...importsKey(orgId), importId] as const,
    enabled: importId !== null,
    queryFn: async () => {
      const { import: current } = await api<{ import: ContactImport }>(
        `${base(orgId)}/contacts/imports/${importId}`,
      )
      if (!importRunning(current)) refresh()
      return current
    },
    refetchInterval: (q) => (importRunning(q.state.data) ? 1000 : false),
  })
}

export function useImports(orgId: string) {
  return useQuery({
    queryKey: importsKey(orgId),
    queryFn: async () => (await api<{ imports: ContactImport[] }>(`${base(orgId)}/contacts/imports`)).imports,
  })
}
