import { z } from 'zod'
import { defineJob } from './define.js'

export const billingJobs = {
  /**
   * Reports messages counted beyond the included limit to Stripe as meter events: one
   * organization's, or (payload {}) every billed organization's, also scheduled every 5 minutes.
   * Idempotent: a retry never reports a message twice.
   */
  'billing.report-overage': defineJob({
    payload: z.object({ organizationId: z.string().optional() }),
    retryLimit: 10,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 300,
    // Each run reports everything outstanding: one waiting job per organization is enough.
    policy: 'short',
  }),
  /** Sets the subscription's per-number item to the live numbers beyond the plan's. */
  'billing.sync-extra-numbers': defineJob({
    payload: z.object({ organizationId: z.string() }),
    retryLimit: 10,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 120,
    policy: 'short',
  }),
}
