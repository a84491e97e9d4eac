import { z } from 'zod'
import { defineJob } from './define.js'

export const systemJobs = {
  /** Monthly usage roll-over; also scheduled by pg-boss cron at 00:00 on the 1st. */
  'usage.roll-over': defineJob({
    payload: z.object({}).passthrough(),
    retryLimit: 5,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 300,
  }),
  /** Deletes expired rate-limit windows and sessions. */
  'system.cleanup': defineJob({
    payload: z.object({}).passthrough(),
    retryLimit: 2,
    retryDelay: 60,
    retryBackoff: false,
    expireInSeconds: 300,
  }),
}
