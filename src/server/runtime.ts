import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type PgBoss from 'pg-boss'
import { createAuth } from './auth.js'
import type { Config, Role } from './config.js'
import type { Services } from './core/context.js'
import { checkEncryptionKeys } from './core/crypto/check-keys.js'
import { configureEncryption } from './core/crypto/encryption.js'
import { disabledLiveHub, startLiveHub } from './core/live/live-hub.js'
import { learnDatabaseTimeZones } from './core/organizations/time-zones.js'
import { type Database, openDatabase } from './db/client.js'
import { createApp } from './http/app.js'
import { type InboxWorkerOptions, startInboxWorker } from './jobs/inbox-worker.js'
import {
  coalescedWake,
  createJobQueue,
  type LocalWorkers,
  listenForWakeUps,
  startBoss,
} from './jobs/queue.js'
import { startWorker } from './jobs/worker.js'
import type { Logger } from './logger.js'
import { createStripeBilling } from './providers/billing/stripe.js'
import { createMailer } from './providers/mail/index.js'
import { createTelephony } from './providers/telephony/index.js'
import type { Telephony } from './providers/telephony/types.js'

export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'web')

export interface RuntimeOptions {
  config: Config
  role: Role
  log: Logger
  /** An already open database (tests); otherwise opened from config. */
  database?: Database
  /** Replaces the telephony provider chosen from config (never used by `npm start`). */
  telephony?: (config: Config, database: Database) => Telephony
  webRoot?: string
  workerPollingIntervalSeconds?: number
  inbox?: InboxWorkerOptions
}

export interface Runtime {
  app: ReturnType<typeof createApp>
  services: Services
  database: Database
  boss: PgBoss
  close(): Promise<void>
}

/** Opens the database, the job queue and the providers, and wires the app and/or the worker. */
export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { config, role, log } = opts
  configureEncryption(config.encryptionKeys, {
    onDecryptFailure: (err) => log.error({ keyId: err.keyId }, err.message),
  })
  const database = opts.database ?? (await openDatabase(config, log))
  // A ring that cannot read stored data stops here, with a message that says which key.
  await checkEncryptionKeys(database.db).catch(async (err) => {
    if (!opts.database) await database.close()
    throw err
  })
  await learnDatabaseTimeZones(database.db)
  const worker = role === 'worker' || role === 'all'
  const boss = await startBoss(database, log, { schedule: worker, supervise: worker })
  const telephony = opts.telephony ? opts.telephony(config, database) : createTelephony(config, database.db)
  const localWorkers: LocalWorkers = new Map()
  const mailer = createMailer(config, log)
  // Filled in below when this process answers the inbox; a web-only process wakes others by NOTIFY.
  const inboxSignal = { wake: () => {} }
  const wakeOtherProcesses = coalescedWake(database, 'inbox', log)
  // Dashboards connect to web processes only: a worker does not listen for live updates.
  const live = role === 'worker' ? disabledLiveHub() : await startLiveHub(database, log)
  const services: Services = {
    db: database.db,
    config,
    log,
    telephony,
    mailer,
    billing: config.stripe ? createStripeBilling(config.stripe) : null,
    jobs: createJobQueue(boss, localWorkers, database, log),
    inbox: {
      wake: () => {
        inboxSignal.wake()
        wakeOtherProcesses()
      },
    },
    live,
  }
  const auth = createAuth(database.db, config, mailer, log)
  const app = createApp({ services, auth, sql: database.sql, webRoot: opts.webRoot })
  if (worker)
    await startWorker(boss, services, localWorkers, {
      pollingIntervalSeconds: opts.workerPollingIntervalSeconds,
    })
  const inbox = worker ? startInboxWorker(services, opts.inbox) : undefined
  if (inbox) inboxSignal.wake = () => inbox.wake()
  // Wake-ups from other processes wake this process's workers only (never echoed back out).
  const listener = worker ? listenForWakeUps(database, boss, localWorkers, log, inboxSignal) : undefined
  return {
    app,
    services,
    database,
    boss,
    async close() {
      await listener?.close()
      await live.close()
      await inbox?.stop()
      await boss.stop({ graceful: true, wait: true, timeout: 5000 }).catch(() => {})
      if (!opts.database) await database.close()
    },
  }
}
