import { z } from 'zod'
import { defineJob } from './define.js'

// Job kinds that make an organization follow Stripe. See ./index.ts.
export const billingEventJobs = {
  /**
   * Applies one received Stripe webhook event (core/billing/process-stripe-event.ts): reads the
   * subscription (and the invoice) from Stripe and applies it. Retried while Stripe is unreachable.
   */
  'billing.process-event': defineJob({
    payload: z.object({ eventId: z.string().min(1) }),
    retryLimit: 10,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 120,
  }),
  /** Runs when a failed payment's grace period ends: reads Stripe again and applies (Starter if still unpaid). */
  'billing.grace-check': defineJob({
    payload: z.object({ organizationId: z.string().min(1) }),
    retryLimit: 10,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 120,
  }),
}
