import { z } from 'zod'
import { defineJob } from './define.js'

// Job kinds of outgoing webhooks: name → definition. See ./index.ts.
export const webhookJobs = {
  /**
   * Sends the outbox's due deliveries (core/webhooks/deliver-webhooks.ts). Enqueued in the
   * transaction that writes an event, after a failure with a short backoff, and every minute;
   * several at once are harmless (rows are claimed with SKIP LOCKED).
   */
  'webhooks.deliver': defineJob({
    payload: z.object({}).passthrough(),
    retryLimit: 2,
    retryDelay: 5,
    retryBackoff: false,
    // A run's time budget plus one request's timeout.
    expireInSeconds: 120,
  }),
  /** Forgets delivered and failed deliveries older than the delivery log keeps (hourly). */
  'webhooks.purge': defineJob({
    payload: z.object({}).passthrough(),
    retryLimit: 1,
    retryDelay: 60,
    retryBackoff: false,
    expireInSeconds: 600,
  }),
}
