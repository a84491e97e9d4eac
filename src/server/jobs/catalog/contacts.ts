import { z } from 'zod'
import { defineJob } from './define.js'

// Job kinds of the contacts area: name → definition. See ./index.ts.
export const contactJobs = {
  /**
   * Imports one uploaded contacts CSV in batches of 1,000 rows (progress on the import); a retry
   * resumes after the rows already written. One at a time per process: each holds a file's text.
   */
  'contacts.import': defineJob({
    payload: z.object({ organizationId: z.string().min(1), importId: z.string().min(1) }),
    retryLimit: 2,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 30 * 60,
    concurrency: 1,
  }),
}
