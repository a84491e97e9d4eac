import type { z } from 'zod'

export { defineJob, type JobDefinition } from './define.js'

import { broadcastJobs } from './broadcasts.js'
import { contactJobs } from './contacts.js'
import { inboundJobs } from './inbound.js'
import { knowledgeJobs } from './knowledge.js'
import { numberJobs } from './numbers.js'
import { systemJobs } from './system.js'
import { templateJobs } from './templates.js'

export const jobCatalog = {
  ...systemJobs,
  ...numberJobs,
  ...inboundJobs,
  ...knowledgeJobs,
  ...contactJobs,
  ...broadcastJobs,
  ...templateJobs,
}

export type JobCatalog = typeof jobCatalog
export type JobName = keyof JobCatalog
export type JobPayload<N extends JobName> = z.infer<JobCatalog[N]['payload']>

/** Whether a name from outside (a NOTIFY payload) is one of the catalog's jobs. */
export const isJobName = (name: string): name is JobName => Object.hasOwn(jobCatalog, name)
