import type { ApiScope } from '../../shared/enums.js'
import type { Config } from '../config.js'
import type { Db, Tx } from '../db/client.js'
// The one import from jobs/: the catalog's names and payload types. The catalog is data only
// (zod schemas and retry settings, importing nothing of ours), the contract between the actions
// that enqueue work and the handlers that run it; core never reaches the queue or a handler.
import type { JobName, JobPayload } from '../jobs/catalog/index.js'
import type { Logger } from '../logger.js'
import type { Billing } from '../providers/billing/types.js'
import type { Mailer } from '../providers/mail/types.js'
import type { Telephony } from '../providers/telephony/types.js'
import type { LiveHub } from './live/live-hub.js'

/** Everything a core action may use. Built once per process; never holds per-request state. */
export interface Services {
  db: Db
  config: Config
  log: Logger
  telephony: Telephony
  jobs: JobQueue
  mailer: Mailer
  /** Billing through Stripe; null when it is off (owners switch plans freely). */
  billing: Billing | null
  /** Wakes this process's inbox workers, if it runs any (other processes are woken by NOTIFY). */
  inbox: InboxSignal
  /** Changes of messages and conversations, per organization, for open dashboards (web processes). */
  live: LiveHub
}

export interface SendOptions {
  /** Enqueue inside this transaction: the job exists if and only if the transaction commits. */
  tx?: Tx
  singletonKey?: string
  /** Delay in seconds. */
  startAfter?: number
}

/** How core enqueues work (implemented over pg-boss in jobs/queue.ts). */
export interface JobQueue {
  send<N extends JobName>(name: N, payload: JobPayload<N>, opts?: SendOptions): Promise<string | null>
  /**
   * Wakes this process's workers of `name` so they fetch at once instead of at their next poll.
   * `send` does it by itself; a job enqueued inside a transaction is invisible until the commit,
   * so the caller wakes after committing. Workers in other processes still poll.
   */
  wake(name: JobName, opts?: { remote?: boolean }): void
}

export interface InboxSignal {
  wake(): void
}

/** The API key a request was made with (`Authorization: Bearer wak_…`). */
export interface ApiKeyActor {
  id: string
  organizationId: string
  name: string
  prefix: string
  scopes: readonly ApiScope[]
}

export interface Actor {
  /** For an API key: the user who made the key (audit), or '' if that user is gone. */
  userId: string
  email: string
  /** Operator rights need a verified email (OPERATOR_EMAILS alone is not proof). */
  isOperator: boolean
  emailVerified: boolean
  /** Set when the request was made with an API key instead of a session. */
  apiKey?: ApiKeyActor
  /** Where the request came from (the audit log). */
  ip?: string
  userAgent?: string
}

/** The context of one action: the services, who acts (absent for system work), and an optional transaction. */
export interface Ctx extends Services {
  actor?: Actor
  tx?: Tx
}

export interface ActorCtx extends Ctx {
  actor: Actor
}

/** The transaction if one is open, else the database. */
export const dbOf = (ctx: Ctx): Tx => ctx.tx ?? ctx.db
