import type { z } from 'zod'

export { defineJob, type JobDefinition } from './define.js'

import { billingJobs } from './billing.js'
import { billingEventJobs } from './billing-events.js'
import { broadcastJobs } from './broadcasts.js'
import { contactJobs } from './contacts.js'
import { cryptoJobs } from './crypto.js'
import { exportJobs } from './exports.js'
import { inboundJobs } from './inbound.js'
import { insightJobs } from './insight.js'
import { knowledgeJobs } from './knowledge.js'
import { numberJobs } from './numbers.js'
import { privacyJobs } from './privacy.js'
import { systemJobs } from './system.js'
import { templateJobs } from './templates.js'
import { webhookJobs } from './webhooks.js'

export const jobCatalog = {
  ...systemJobs,
  ...numberJobs,
  ...inboundJobs,
  ...knowledgeJobs,
  ...contactJobs,
  ...exportJobs,
  ...privacyJobs,
  ...broadcastJobs,
  ...templateJobs,
  ...webhookJobs,
  ...cryptoJobs,
  ...billingEventJobs,
  ...insightJobs,
  ...billingJobs,
}

export type JobCatalog = typeof jobCatalog
export type JobName = keyof JobCatalog
export type JobPayload<N extends JobName> = z.infer<JobCatalog[N]['payload']>

/** Whether a name from outside (a NOTIFY payload) is one of the catalog's jobs. */
export const isJobName = (name: string): name is JobName => Object.hasOwn(jobCatalog, name)
