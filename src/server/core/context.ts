import type { Config } from '../config.js'
import type { Db, Tx } from '../db/client.js'
import type { JobQueue } from '../jobs/queue.js'
import type { Logger } from '../logger.js'
import type { Mailer } from '../providers/mail/types.js'
import type { Telephony } from '../providers/telephony/types.js'

/** Everything a core action may use. Built once per process; never holds per-request state. */
export interface Services {
  db: Db
  config: Config
  log: Logger
  telephony: Telephony
  jobs: JobQueue
  mailer: Mailer
  /** Wakes this process's inbox workers, if it runs any (other processes are woken by NOTIFY). */
  inbox: InboxSignal
}

export interface InboxSignal {
  wake(): void
}

export interface Actor {
  userId: string
  email: string
  /** Operator rights need a verified email (OPERATOR_EMAILS alone is not proof). */
  isOperator: boolean
  emailVerified: boolean
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
