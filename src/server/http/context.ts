import type { Context } from 'hono'
import type { ActorCtx, Ctx } from '../core/context.js'
import { Unauthorized } from '../core/errors.js'
import type { AppEnv } from './env.js'

/** The core context of a request made by a signed-in user; 401 otherwise. */
export function actorCtx(c: Context<AppEnv>): ActorCtx {
  const actor = c.get('actor')
  if (!actor) throw new Unauthorized()
  return { ...c.get('services'), log: c.get('log'), actor }
}

/** The core context of a request that needs no user (webhooks, cron). */
export function systemCtx(c: Context<AppEnv>): Ctx {
  return { ...c.get('services'), log: c.get('log') }
}
