import PgBoss from 'pg-boss'
import type { Database, SqlExecutor, Tx } from '../db/client.js'
import { txExecutor } from '../db/client.js'
import type { Logger } from '../logger.js'
import { type JobName, type JobPayload, jobCatalog } from './catalog/index.js'

export interface SendOptions {
  /** Enqueue inside this transaction: the job exists if and only if the transaction commits. */
  tx?: Tx
  singletonKey?: string
  /** Delay in seconds. */
  startAfter?: number
}

/** The typed way core enqueues work. */
export interface JobQueue {
  send<N extends JobName>(name: N, payload: JobPayload<N>, opts?: SendOptions): Promise<string | null>
}

export async function startBoss(database: Database, log: Logger, opts: { schedule: boolean; supervise: boolean }) {
  const boss = new PgBoss({
    ...(database.kind === 'postgres' ? { connectionString: database.url, max: 5 } : { db: database.sql as SqlExecutor & PgBoss.Db }),
    schema: 'pgboss',
    schedule: opts.schedule,
    supervise: opts.supervise,
  })
  boss.on('error', (err) => log.error({ err }, 'job queue error'))
  await boss.start()
  for (const [name, def] of Object.entries(jobCatalog)) {
    const queue = {
      name,
      retryLimit: def.retryLimit,
      retryDelay: def.retryDelay,
      retryBackoff: def.retryBackoff,
      expireInSeconds: def.expireInSeconds,
    }
    // createQueue is idempotent; updateQueue keeps retry policy in step with the catalog.
    await boss.createQueue(name, queue)
    await boss.updateQueue(name, queue)
  }
  return boss
}

export function createJobQueue(boss: PgBoss): JobQueue {
  return {
    async send(name, payload, opts = {}) {
      const def = jobCatalog[name]
      const data = def.payload.parse(payload) as object
      return boss.send(name, data, {
        singletonKey: opts.singletonKey,
        startAfter: opts.startAfter,
        ...(opts.tx ? { db: txExecutor(opts.tx) } : {}),
      })
    },
  }
}
