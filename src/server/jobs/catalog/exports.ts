import { z } from 'zod'
import { defineJob } from './define.js'

// Job kinds of the exports area: name → definition. See ./index.ts.
export const exportJobs = {
  /** Writes one background export to EXPORTS_DIR a batch at a time; a retry starts the file again. */
  'exports.run': defineJob({
    payload: z.object({ organizationId: z.string().min(1), exportId: z.string().min(1) }),
    retryLimit: 2,
    retryDelay: 10,
    retryBackoff: true,
    expireInSeconds: 60 * 60,
    concurrency: 2,
  }),
  /** Deletes the files of expired download links (scheduled hourly in jobs/worker.ts). */
  'exports.expire': defineJob({
    payload: z.object({}).passthrough(),
    retryLimit: 2,
    retryDelay: 60,
    retryBackoff: false,
    expireInSeconds: 600,
  }),
}
