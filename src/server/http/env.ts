import type { Auth } from '../auth.js'
import type { Actor, Services } from '../core/context.js'
import type { Logger } from '../logger.js'

export interface AppEnv {
  Variables: {
    requestId: string
    log: Logger
    services: Services
    auth: Auth
    actor?: Actor
  }
}
