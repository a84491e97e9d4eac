import { z } from 'zod'
import { defineJob } from './define.js'

// Job kinds of the knowledge area: name → definition. See ./index.ts.
export const knowledgeJobs = {
  /** Builds the next generation of an organization's knowledge chunks and switches to it. */
  'knowledge.train': defineJob({
    payload: z.object({ organizationId: z.string().min(1) }),
    retryLimit: 3,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 15 * 60,
  }),
  /**
   * Reads the text of one uploaded file in a worker thread (60 s and 512 MB at most, see
   * EXTRACTION_LIMITS). One at a time per process: each may hold a file's worth of memory.
   */
  'knowledge.extract': defineJob({
    payload: z.object({ organizationId: z.string().min(1), sourceId: z.string().min(1) }),
    retryLimit: 2,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 5 * 60,
    concurrency: 1,
  }),
}
