import { z } from 'zod'
import { defineJob } from './define.js'

export const templateJobs = {
  /** One look at a template WhatsApp is reviewing; re-enqueues itself (with growing delays) until decided. */
  'templates.check-approval': defineJob({
    payload: z.object({
      organizationId: z.string(),
      templateId: z.string(),
      attempt: z.number().int().min(0),
    }),
    retryLimit: 3,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 120,
  }),
}
