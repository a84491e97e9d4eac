import pg from 'pg'
import PgBoss from 'pg-boss'
import type { InboxSignal, JobQueue } from '../core/context.js'
import type { Database, SqlExecutor } from '../db/client.js'
import { txExecutor } from '../db/client.js'
import type { Logger } from '../logger.js'
import { isJobName, type JobName, jobCatalog } from './catalog/index.js'

/** Ids of the pg-boss workers this process runs, by job name (filled by startWorker). */
export type LocalWorkers = Map<JobName, string[]>

export async function startBoss(
  database: Database,
  log: Logger,
  opts: { schedule: boolean; supervise: boolean },
) {
  const boss = new PgBoss({
    ...(database.kind === 'postgres'
      ? { connectionString: database.url, max: 10 }
      : { db: database.sql as SqlExecutor & PgBoss.Db }),
    schema: 'pgboss',
    schedule: opts.schedule,
    supervise: opts.supervise,
    // Expired jobs (a worker that died mid-job) are noticed within this many seconds of their
    // expiry and retried; pg-boss's default is two minutes.
    maintenanceIntervalSeconds: 15,
  })
  boss.on('error', (err) => log.error({ err }, 'job queue error'))
  // pg-boss's own schema setup and createQueue deadlock when several processes start at once on
  // a new database: one process at a time, under a PostgreSQL advisory lock.
  const lock =
    database.kind === 'postgres' && database.url
      ? new pg.Client({ connectionString: database.url })
      : undefined
  if (lock) {
    await lock.connect()
    await lock.query('select pg_advisory_lock($1)', [QUEUE_SETUP_LOCK_KEY])
  }
  try {
    await boss.start()
    await ensureQueues(boss)
  } finally {
    if (lock) await lock.end().catch(() => {})
  }
  return boss
}

// Any constant, distinct from the migrations' lock.
const QUEUE_SETUP_LOCK_KEY = 7_313_019_002

async function ensureQueues(boss: PgBoss) {
  for (const [name, def] of Object.entries(jobCatalog)) {
    const queue = {
      name,
      retryLimit: def.retryLimit,
      retryDelay: def.retryDelay,
      retryBackoff: def.retryBackoff,
      expireInSeconds: def.expireInSeconds,
      policy: def.policy ?? 'standard',
    }
    // createQueue is idempotent; updateQueue keeps retry policy in step with the catalog.
    await boss.createQueue(name, queue)
    await boss.updateQueue(name, queue)
  }
}

/** The PostgreSQL channel on which processes wake each other's workers (payload: the job name). */
export const WAKE_CHANNEL = 'jobs_wake'

const wakeLocal = (boss: PgBoss, localWorkers: LocalWorkers, name: JobName) => {
  // One idle worker is enough; the others keep polling.
  const ids = localWorkers.get(name) ?? []
  const id = ids[Math.floor(Math.random() * ids.length)]
  if (id !== undefined) boss.notifyWorker(id)
  return id !== undefined
}

export function createJobQueue(
  boss: PgBoss,
  localWorkers: LocalWorkers,
  database?: Database,
  log?: Logger,
): JobQueue {
  const wake = (name: JobName, opts: { remote?: boolean } = {}) => {
    if (wakeLocal(boss, localWorkers, name) || opts.remote === false) return
    // No worker of this kind here (a web-only process on PostgreSQL): wake the worker processes.
    if (database?.kind === 'postgres') {
      database.sql
        .executeSql('select pg_notify($1, $2)', [WAKE_CHANNEL, name])
        .catch((err) => log?.warn({ err }, 'wake notify failed'))
    }
  }
  return {
    async send(name, payload, opts = {}) {
      const def = jobCatalog[name]
      const data = def.payload.parse(payload) as object
      const id = await boss.send(name, data, {
        singletonKey: opts.singletonKey,
        // As an instant, not seconds: pg-boss binds startAfter into both a timestamptz and an
        // interval cast, and inside our transaction executor each use is its own parameter, so a
        // number of seconds cannot bind to the timestamptz one. An ISO instant binds to both.
        startAfter: opts.startAfter === undefined ? undefined : new Date(Date.now() + opts.startAfter * 1000),
        ...(opts.tx ? { db: txExecutor(opts.tx) } : {}),
      })
      if (!opts.tx && !opts.startAfter) wake(name)
      return id
    },
    wake,
  }
}

/**
 * Worker processes on PostgreSQL listen for wake-ups from web processes, so a job enqueued in
 * another process starts at once instead of at the next poll. Reconnects when the connection drops.
 */
export function listenForWakeUps(
  database: Database,
  boss: PgBoss,
  localWorkers: LocalWorkers,
  log: Logger,
  inbox: InboxSignal,
) {
  if (database.kind !== 'postgres' || !database.url) return { close: async () => {} }
  let client: pg.Client | undefined
  let closed = false
  const connect = async () => {
    if (closed) return
    const c = new pg.Client({ connectionString: database.url, application_name: 'job-wake-listener' })
    c.on('notification', (msg) => {
      if (msg.payload === 'inbox') inbox.wake()
      else if (msg.payload && isJobName(msg.payload)) wakeLocal(boss, localWorkers, msg.payload)
    })
    c.on('error', (err) => {
      log.warn({ err }, 'wake listener connection lost; reconnecting')
      c.end().catch(() => {})
      if (!closed) setTimeout(connect, 1000)
    })
    try {
      await c.connect()
      await c.query(`listen ${WAKE_CHANNEL}`)
      client = c
    } catch (err) {
      log.warn({ err }, 'wake listener could not connect; retrying')
      c.end().catch(() => {})
      if (!closed) setTimeout(connect, 1000)
    }
  }
  void connect()
  return {
    async close() {
      closed = true
      await client?.end().catch(() => {})
    },
  }
}

/**
 * Wakes other processes' workers of `name` with one NOTIFY for however many calls arrive within a
 * few milliseconds: a NOTIFY per inbound message would serialize the webhook's commits on
 * PostgreSQL's notification queue. A no-op on PGlite (one process).
 */
export function coalescedWake(database: Database, name: string, log: Logger, delayMs = 3) {
  if (database.kind !== 'postgres') return () => {}
  let scheduled = false
  return () => {
    if (scheduled) return
    scheduled = true
    setTimeout(() => {
      scheduled = false
      database.sql
        .executeSql('select pg_notify($1, $2)', [WAKE_CHANNEL, name])
        .catch((err) => log.warn({ err }, 'wake notify failed'))
    }, delayMs).unref()
  }
}
