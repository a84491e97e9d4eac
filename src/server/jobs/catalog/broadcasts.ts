import { z } from 'zod'
import { defineJob } from './define.js'

// Job kinds of broadcasts: name → definition. See ./index.ts.
export const broadcastJobs = {
  /**
   * One step of sending a broadcast (≤ 20 s of sends, then it enqueues the next step): throttled
   * per sending number, exactly once per recipient (core/broadcasts/send-broadcast.ts). Scheduled
   * broadcasts are enqueued with startAfter.
   */
  'broadcasts.send': defineJob({
    payload: z.object({ organizationId: z.string().min(1), broadcastId: z.string().min(1) }),
    retryLimit: 5,
    retryDelay: 10,
    retryBackoff: true,
    // A step's budget plus the sends still in flight when it ends.
    expireInSeconds: 120,
    concurrency: 2,
  }),
  /** Restarts broadcasts whose sending job was lost (scheduled every minute). */
  'broadcasts.sweep': defineJob({
    payload: z.object({}).passthrough(),
    retryLimit: 1,
    retryDelay: 30,
    retryBackoff: false,
    expireInSeconds: 60,
  }),
}
