import type { Database } from '../../db/client.js'
import type { Logger } from '../../logger.js'
import { AppError } from '../errors.js'

/** The channel the database trigger of migration 0011 announces every message and conversation change on. */
export const LIVE_CHANNEL = 'live_updates'

export type LiveEventKind = 'message' | 'conversation'

/**
 * What an open dashboard is told: something changed in this conversation (it refetches what it
 * shows). `ready` is sent when the stream starts and again after the database listener reconnected:
 * changes may have been missed, so everything shown is refetched.
 */
export type LiveEvent = { kind: LiveEventKind; conversationId: string } | { kind: 'ready' }

export interface LiveSubscription {
  close(): void
}

export interface LiveHub {
  /**
   * Calls `onEvent` with the organization's changes until closed, and `onEnd` if the hub closes
   * first (the process stops); 429 when this process already serves too many.
   */
  subscribe(organizationId: string, onEvent: (event: LiveEvent) => void, onEnd?: () => void): LiveSubscription
  readonly subscribers: number
  close(): Promise<void>
}

export interface LiveHubOptions {
  /** Open streams this process serves at most (each holds a socket and a little memory). */
  maxSubscribers?: number
  /** At most one event per conversation and kind in this many milliseconds (the last of a burst is kept). */
  coalesceMs?: number
}

interface Subscriber {
  onEvent(event: LiveEvent): void
  onEnd(): void
}

interface Payload {
  o: string
  c: string
  k: LiveEventKind
}

const parsePayload = (text: string): Payload | null => {
  try {
    const p = JSON.parse(text) as Partial<Payload>
    if (typeof p.o !== 'string' || typeof p.c !== 'string') return null
    if (p.k !== 'message' && p.k !== 'conversation') return null
    return { o: p.o, c: p.c, k: p.k }
  } catch {
    return null
  }
}

/**
 * The process's one listener on the `live_updates` channel, fanned out in memory to the open
 * streams of each organization. A burst (a batch of inbound messages, a reply's status callbacks)
 * becomes one event at once and at most one more at the end of the window, per conversation.
 */
export async function startLiveHub(
  database: Pick<Database, 'listen'>,
  log: Logger,
  opts: LiveHubOptions = {},
): Promise<LiveHub> {
  const maxSubscribers = opts.maxSubscribers ?? 2000
  const coalesceMs = opts.coalesceMs ?? 200
  const byOrganization = new Map<string, Set<Subscriber>>()
  let count = 0
  /** Per `org:kind:conversation` while its window is open: whether another event arrived in it. */
  const windows = new Map<string, { pending: boolean }>()
  const timers = new Set<NodeJS.Timeout>()

  const deliver = (organizationId: string, event: LiveEvent) => {
    for (const subscriber of byOrganization.get(organizationId) ?? []) {
      try {
        subscriber.onEvent(event)
      } catch (err) {
        log.warn({ err }, 'live update subscriber failed')
      }
    }
  }

  const openWindow = (key: string, organizationId: string, event: LiveEvent) => {
    const window = { pending: false }
    windows.set(key, window)
    const timer = setTimeout(() => {
      timers.delete(timer)
      windows.delete(key)
      if (window.pending) {
        deliver(organizationId, event)
        openWindow(key, organizationId, event)
      }
    }, coalesceMs)
    timer.unref()
    timers.add(timer)
  }

  const onPayload = (text: string) => {
    const p = parsePayload(text)
    if (!p) {
      log.warn({ payload: text.slice(0, 200) }, 'unreadable live update ignored')
      return
    }
    if (!byOrganization.has(p.o)) return
    const key = `${p.o}:${p.k}:${p.c}`
    const window = windows.get(key)
    if (window) {
      window.pending = true
      return
    }
    const event: LiveEvent = { kind: p.k, conversationId: p.c }
    deliver(p.o, event)
    openWindow(key, p.o, event)
  }

  const stopListening = await database.listen(LIVE_CHANNEL, onPayload, {
    onReconnect: () => {
      for (const organizationId of byOrganization.keys()) deliver(organizationId, { kind: 'ready' })
    },
  })

  return {
    subscribe(organizationId, onEvent, onEnd) {
      if (count >= maxSubscribers) {
        throw new AppError(
          'RATE_LIMITED',
          'Too many live connections on this server; try again shortly',
          {
            reason: 'LIVE_CAPACITY',
          },
          5,
        )
      }
      let set = byOrganization.get(organizationId)
      if (!set) {
        set = new Set()
        byOrganization.set(organizationId, set)
      }
      // A distinct entry per subscription, so the same callback subscribed twice counts twice.
      const entry: Subscriber = { onEvent, onEnd: onEnd ?? (() => {}) }
      set.add(entry)
      count++
      let open = true
      return {
        close() {
          if (!open) return
          open = false
          const current = byOrganization.get(organizationId)
          // Not there after the hub closed (it let go of everyone at once).
          if (current?.delete(entry)) count--
          if (current?.size === 0) byOrganization.delete(organizationId)
        },
      }
    },
    get subscribers() {
      return count
    },
    async close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      windows.clear()
      const ending = [...byOrganization.values()].flatMap((set) => [...set])
      byOrganization.clear()
      for (const subscriber of ending) subscriber.onEnd()
      count = 0
      await stopListening()
    },
  }
}

/** The hub of a process that serves no dashboards (a worker): nobody can subscribe. */
export function disabledLiveHub(): LiveHub {
  return {
    subscribe() {
      throw new AppError('RATE_LIMITED', 'This process does not serve live updates', undefined, 5)
    },
    subscribers: 0,
    async close() {},
  }
}
