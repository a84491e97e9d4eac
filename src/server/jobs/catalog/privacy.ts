import { z } from 'zod'
import { defineJob } from './define.js'

// Job kinds of the privacy area: name → definition. See ./index.ts.
export const privacyJobs = {
  /** Deletes messages older than each organization's retention policy (scheduled hourly). */
  'privacy.retention': defineJob({
    payload: z.object({}).passthrough(),
    retryLimit: 2,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 30 * 60,
  }),
}
