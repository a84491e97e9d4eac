import { hostname } from 'node:os'
import type { Services } from '../core/context.js'
import { deliverReplies } from '../core/inbound/deliver-replies.js'
import {
  claimInbox,
  failInbox,
  finishInbox,
  type InboxRow,
  MAX_ATTEMPTS,
  msUntilQuiet,
  releaseInbox,
  renewLease,
} from '../core/inbound/inbox-queue.js'
import { type PlannedBatch, planBatch } from '../core/inbound/plan-batch.js'

export interface InboxWorkerOptions {
  /** Messages answered at once (model calls and sends in flight). */
  concurrency?: number
  /** Rows taken per claim. */
  batchSize?: number
  /** How long a claimed row stays this worker's without a renewal: a dead worker's rows return after it. */
  leaseSeconds?: number
  /** Poll interval when nothing wakes the worker (retries that come due, other processes without NOTIFY). */
  pollMs?: number
  /** How long a chat stays quiet before it is answered (default: the configured quiet period). */
  quietPeriodMs?: number
}

export interface InboxWorker {
  wake(): void
  stop(): Promise<void>
}

/**
 * Answers the inbox: claims batches of customer messages, plans them in one transaction
 * (core/inbound/plan-batch.ts), then delivers each message's replies concurrently within a bound.
 * The loop keeps claiming while deliveries run, so a slow model call never holds up the rest.
 */
export function startInboxWorker(services: Services, opts: InboxWorkerOptions = {}): InboxWorker {
  const concurrency = opts.concurrency ?? 32
  const batchSize = opts.batchSize ?? 64
  const leaseSeconds = opts.leaseSeconds ?? 30
  const pollMs = opts.pollMs ?? 1000
  const quietPeriodMs = opts.quietPeriodMs ?? services.config.replyQuietPeriodMs
  const workerId = `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`
  const log = services.log.child({ worker: workerId })
  const inFlight = new Map<number, Promise<void>>()
  let stopped = false
  let woken = false
  let wakeUp: (() => void) | undefined

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopped) return resolve()
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wakeUp = undefined
        resolve()
      }
      wakeUp = done
    })

  const heartbeat = setInterval(
    () => {
      renewLease(services.db, workerId, [...inFlight.keys()], leaseSeconds).catch((err) =>
        log.warn({ err }, 'inbox lease renewal failed'),
      )
    },
    Math.max(1000, (leaseSeconds * 1000) / 3),
  )
  heartbeat.unref()

  /** Sends one message's replies; false when it failed and will be tried again later. */
  const deliver = async (row: InboxRow, messageId: string): Promise<boolean> => {
    try {
      await deliverReplies(services, messageId, { isLastAttempt: row.attempts >= MAX_ATTEMPTS })
      await finishInbox(services.db, workerId, [{ id: row.id, outcome: 'answered' }])
      return true
    } catch (err) {
      await retryLater(row, err)
      return false
    }
  }
  const retryLater = async (row: InboxRow, err: unknown) => {
    const last = row.attempts >= MAX_ATTEMPTS
    log[last ? 'error' : 'warn'](
      { err, inboxId: row.id, attempt: row.attempts },
      last ? 'inbound message failed for good' : 'inbound message failed; will retry',
    )
    await failInbox(services.db, workerId, row, err instanceof Error ? err.message : String(err)).catch((e) =>
      log.error({ err: e }, 'could not record an inbox failure (the lease expiry retries it)'),
    )
  }

  const plan = async (batch: InboxRow[]): Promise<PlannedBatch[]> => {
    try {
      return [await planBatch(services, batch)]
    } catch (err) {
      const [head, ...rest] = batch
      if (!head) return []
      if (rest.length === 0) {
        await retryLater(head, err)
        return []
      }
      // One bad chat must not hold up the others: plan chat by chat.
      const chats = [...groupByChat(batch).values()]
      if (chats.length === 1) {
        // Within a chat, its first message alone (a burst that fails together would fail for
        // good together); the rest wait for it, in order.
        await releaseInbox(
          services.db,
          workerId,
          rest.map((r) => r.id),
        )
        return plan([head])
      }
      log.warn({ err, rows: batch.length }, 'batch planning failed; planning its chats one at a time')
      const out: PlannedBatch[] = []
      for (const rows of chats) out.push(...(await plan(rows)))
      return out
    }
  }

  /**
   * Sends a chat's planned messages one after the other, in order; after a failure the rest are
   * given back untouched, to follow the failed one when it is retried.
   */
  const deliverChat = (ready: PlannedBatch['ready']) => {
    let previous: Promise<boolean> = Promise.resolve(true)
    for (const { row, messageId } of ready) {
      const mine = previous.then(async (ok) => {
        if (ok) return deliver(row, messageId)
        await releaseInbox(services.db, workerId, [row.id]).catch((err) =>
          log.warn({ err, inboxId: row.id }, 'could not give an inbox row back (the lease expiry does)'),
        )
        return false
      })
      previous = mine
      const task = mine.then(
        () => undefined,
        () => undefined,
      )
      inFlight.set(row.id, task)
      task.finally(() => {
        inFlight.delete(row.id)
        // The chat's next message (if any) can be taken now.
        woken = true
        wakeUp?.()
      })
    }
  }

  const loop = async () => {
    while (!stopped) {
      woken = false
      const room = concurrency - inFlight.size
      if (room <= 0) {
        await Promise.race(inFlight.values())
        continue
      }
      let batch: InboxRow[] = []
      try {
        batch = await claimInbox(
          services.db,
          workerId,
          Math.min(room, batchSize),
          leaseSeconds,
          quietPeriodMs,
        )
      } catch (err) {
        if (!stopped) log.warn({ err }, 'inbox claim failed')
        await sleep(pollMs)
        continue
      }
      if (batch.length === 0) {
        // A chat waiting out its quiet period is answered when it ends, not at the next poll.
        const quiet = await msUntilQuiet(services.db, quietPeriodMs).catch(() => undefined)
        await sleep(quiet === undefined ? pollMs : Math.min(pollMs, quiet + 5))
        continue
      }
      for (const planned of await plan(batch)) {
        await finishInbox(
          services.db,
          workerId,
          planned.finished.map((f) => ({ id: f.row.id, outcome: f.outcome })),
        )
        await releaseInbox(
          services.db,
          workerId,
          planned.deferred.map((r) => r.id),
        )
        const chats = new Map<string, PlannedBatch['ready']>()
        for (const ready of planned.ready) {
          const key = chatKey(ready.row)
          chats.set(key, [...(chats.get(key) ?? []), ready])
        }
        for (const ready of chats.values()) deliverChat(ready)
      }
    }
  }
  const running = loop().catch((err) => log.error({ err }, 'inbox worker stopped'))

  return {
    wake() {
      woken = true
      wakeUp?.()
    },
    async stop() {
      stopped = true
      wakeUp?.()
      clearInterval(heartbeat)
      await running
      await Promise.allSettled(inFlight.values())
    },
  }
}

/** A chat: the number written to and the customer writing. */
const chatKey = (row: InboxRow) => `${row.toNumber}|${row.fromWaId}`

function groupByChat(rows: InboxRow[]): Map<string, InboxRow[]> {
  const chats = new Map<string, InboxRow[]>()
  for (const row of rows) chats.set(chatKey(row), [...(chats.get(chatKey(row)) ?? []), row])
  return chats
}
