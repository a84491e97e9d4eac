import { z } from 'zod'
import { defineJob } from './define.js'

export const numberJobs = {
  /** One look at a WhatsApp sender still registering; re-enqueues itself until it settles. */
  'numbers.refresh-sender': defineJob({
    payload: z.object({ numberId: z.string(), attempt: z.number().int().min(0) }),
    retryLimit: 5,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 120,
  }),
}
