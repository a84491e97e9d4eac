import { z } from 'zod'
import { defineJob } from './define.js'

export const inboundJobs = {
  /** Sends one stored outbound message (an agent's reply). */
  'messages.send': defineJob({
    payload: z.object({ messageId: z.string() }),
    retryLimit: 4,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 60,
    concurrency: 2,
  }),
}
