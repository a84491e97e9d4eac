import { lt } from 'drizzle-orm'
import { deleteExpiredIdempotencyKeys } from '../../core/api-keys/idempotency.js'
import { pruneInbox } from '../../core/inbound/inbox-queue.js'
import { rollOverUsage } from '../../core/usage/roll-over.js'
import { rateLimits, session } from '../../db/schema/index.js'
import type { systemJobs } from '../catalog/system.js'
import type { HandlersFor } from './index.js'

export const systemHandlers: HandlersFor<typeof systemJobs> = {
  'usage.roll-over': async (_payload, services) => {
    await rollOverUsage({ ctx: services })
  },
  'system.cleanup': async (_payload, services) => {
    await services.db.delete(rateLimits).where(lt(rateLimits.windowStart, new Date(Date.now() - 10 * 60_000)))
    await services.db.delete(session).where(lt(session.expiresAt, new Date()))
    await pruneInbox(services.db)
    await deleteExpiredIdempotencyKeys(services.db)
  },
}
