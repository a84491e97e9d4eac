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
}
