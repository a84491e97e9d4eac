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
    /** Sends a request through this same app in-process (the simulator posts to the real webhook). */
    dispatch: (request: Request) => Promise<Response>
  }
}
