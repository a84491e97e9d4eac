import { type QueryClient, useQueryClient } from '@tanstack/react-query'
import { useEffect, useSyncExternalStore } from 'react'

/** Whether the organization's live stream is connected: `live`, or `connecting` (first try or a retry). */
export type LiveStatus = 'connecting' | 'live' | 'offline'

const statuses = new Map<string, LiveStatus>()
const listeners = new Set<() => void>()
function setStatus(orgId: string, status: LiveStatus) {
  if (statuses.get(orgId) === status) return
  statuses.set(orgId, status)
  for (const l of listeners) l()
}

/** The live stream's state for an organization, for pages that poll only while it is down. */
export function useLiveStatus(orgId: string): LiveStatus {
  return useSyncExternalStore(
    (onChange) => {
      listeners.add(onChange)
      return () => listeners.delete(onChange)
    },
    () => statuses.get(orgId) ?? 'offline',
  )
}

/** Events arriving within this span are refreshed together: a burst of statuses is one refetch. */
const COALESCE_MS = 250
/** A dashboard notification is written by a job just after the conversation changes: look again then. */
const NOTIFICATION_LAG_MS = 3000
const MAX_BACKOFF_MS = 30_000

/** What the dashboard shows about conversations, refreshed for the ones named (or all after a gap). */
function refresh(qc: QueryClient, orgId: string, conversationIds: Set<string> | 'all') {
  const org = ['organizations', orgId] as const
  qc.invalidateQueries({ queryKey: [...org, 'conversations', 'inbox'] })
  qc.invalidateQueries({ queryKey: [...org, 'conversations'], exact: true })
  qc.invalidateQueries({ queryKey: [...org, 'stats'] })
  qc.invalidateQueries({ queryKey: [...org, 'notifications'] })
  if (conversationIds === 'all') qc.invalidateQueries({ queryKey: [...org, 'conversations'] })
  else for (const cid of conversationIds) qc.invalidateQueries({ queryKey: [...org, 'conversations', cid] })
}

/**
 * Keeps the organization's conversation queries fresh from its Server-Sent Events stream
 * (GET /api/organizations/{id}/live, the session cookie, same origin): each `message` or
 * `conversation` event names a conversation, and the list, that transcript, the figures and the
 * notifications are refetched; a `ready` after the first (a reconnection, or the server saying it
 * may have dropped some) refreshes everything. The browser's EventSource retries a dropped
 * connection by itself but gives up on an HTTP error; then this retries with a growing delay. Closed when the page unmounts. Pass null to stay closed.
 */
export function useLiveUpdates(orgId: string | null) {
  const qc = useQueryClient()
  useEffect(() => {
    if (!orgId || typeof EventSource === 'undefined') return
    let source: EventSource | null = null
    let retryTimer: ReturnType<typeof setTimeout> | undefined
    let flushTimer: ReturnType<typeof setTimeout> | undefined
    let lagTimer: ReturnType<typeof setTimeout> | undefined
    let backoff = 1000
    let readyBefore = false
    let pending = new Set<string>()
    let closed = false

    const flush = () => {
      flushTimer = undefined
      const ids = pending
      pending = new Set()
      refresh(qc, orgId, ids)
      clearTimeout(lagTimer)
      lagTimer = setTimeout(
        () => qc.invalidateQueries({ queryKey: ['organizations', orgId, 'notifications'] }),
        NOTIFICATION_LAG_MS,
      )
    }
    const onEvent = (e: MessageEvent<string>) => {
      try {
        const { conversationId } = JSON.parse(e.data) as { conversationId?: unknown }
        if (typeof conversationId === 'string') pending.add(conversationId)
      } catch {
        // A payload this version does not know: the lists still refresh.
      }
      flushTimer ??= setTimeout(flush, COALESCE_MS)
    }
    const connect = () => {
      if (closed) return
      setStatus(orgId, 'connecting')
      const es = new EventSource(`/api/organizations/${orgId}/live`, { withCredentials: true })
      source = es
      es.addEventListener('open', () => {
        backoff = 1000
        setStatus(orgId, 'live')
      })
      // `ready` opens every stream, and comes again when the server may have dropped updates: after
      // the first, what is shown may be stale.
      es.addEventListener('ready', () => {
        if (readyBefore) refresh(qc, orgId, 'all')
        readyBefore = true
      })
      es.addEventListener('message', onEvent)
      es.addEventListener('conversation', onEvent)
      es.addEventListener('error', () => {
        if (es.readyState === EventSource.CONNECTING) {
          setStatus(orgId, 'connecting')
          return
        }
        // CLOSED: an HTTP error or a refused connection; the browser will not retry, so we do.
        es.close()
        setStatus(orgId, 'offline')
        retryTimer = setTimeout(connect, backoff)
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
      })
    }
    connect()
    return () => {
      closed = true
      source?.close()
      clearTimeout(retryTimer)
      clearTimeout(flushTimer)
      clearTimeout(lagTimer)
      setStatus(orgId, 'offline')
    }
  }, [orgId, qc])
}
