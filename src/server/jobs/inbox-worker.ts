import { hostname } from 'node:os'
import type { Services } from '../core/context.js'
import { deliverReplies } from '../core/inbound/deliver-replies.js'
import {
  claimInbox,
  failInbox,
  finishInbox,
  type InboxRow,
  MAX_ATTEMPTS,
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

  const deliver = async (row: InboxRow, messageId: string) => {
    try {
      await deliverReplies(services, messageId, { isLastAttempt: row.attempts >= MAX_ATTEMPTS })
      await finishInbox(services.db, workerId, [{ id: row.id, outcome: 'answered' }])
    } catch (err) {
      await retryLater(row, err)
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
      if (batch.length === 1) {
        await retryLater(batch[0] as InboxRow, err)
        return []
      }
      // One bad row must not hold up the others: plan them one by one.
      log.warn({ err, rows: batch.length }, 'batch planning failed; planning its rows one at a time')
      const out: PlannedBatch[] = []
      for (const row of batch) out.push(...(await plan([row])))
      return out
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
        batch = await claimInbox(services.db, workerId, Math.min(room, batchSize), leaseSeconds)
      } catch (err) {
        if (!stopped) log.warn({ err }, 'inbox claim failed')
        await sleep(pollMs)
        continue
      }
      if (batch.length === 0) {
        await sleep(pollMs)
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
        for (const { row, messageId } of planned.ready) {
          const task = deliver(row, messageId).finally(() => {
            inFlight.delete(row.id)
            // The chat's next message (if any) can be taken now.
            woken = true
            wakeUp?.()
          })
          inFlight.set(row.id, task)
        }
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
