import { z } from 'zod'
import { defineJob } from './define.js'

export const inboundJobs = {
  /** Answers one customer message (opt-out, hand-off, limit, hours, welcome, AI). */
  'inbound.reply': defineJob({
    payload: z.object({ messageId: z.string() }),
    // 5 tries over about a minute and a half: model and Twilio hiccups pass; then it is failed.
    retryLimit: 4,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 180,
    concurrency: 32,
  }),
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
