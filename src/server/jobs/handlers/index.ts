import type { Services } from '../../core/context.js'
import type { JobCatalog, JobName, JobPayload } from '../catalog/index.js'
import { billingHandlers } from './billing.js'
import { billingEventHandlers } from './billing-events.js'
import { broadcastHandlers } from './broadcasts.js'
import { contactHandlers } from './contacts.js'
import { cryptoHandlers } from './crypto.js'
import { exportHandlers } from './exports.js'
import { inboundHandlers } from './inbound.js'
import { insightHandlers } from './insight.js'
import { knowledgeHandlers } from './knowledge.js'
import { numberHandlers } from './numbers.js'
import { privacyHandlers } from './privacy.js'
import { systemHandlers } from './system.js'
import { templateHandlers } from './templates.js'
import { webhookHandlers } from './webhooks.js'

export interface JobMeta {
  id: string
  retryCount: number
  retryLimit: number
  /** True on the last attempt: a handler may record a final failure before throwing. */
  isLastAttempt: boolean
}

export type JobHandler<N extends JobName> = (
  payload: JobPayload<N>,
  services: Services,
  meta: JobMeta,
) => Promise<void>
/**
 * One handler for every job of a part of the catalog: a job defined there without a handler here
 * does not compile (rather than being skipped when the worker starts).
 */
export type HandlersFor<Jobs> = { [N in keyof Jobs & JobName]: JobHandler<N> }
export type JobHandlers = HandlersFor<JobCatalog>

export const jobHandlers: JobHandlers = {
  ...systemHandlers,
  ...numberHandlers,
  ...inboundHandlers,
  ...knowledgeHandlers,
  ...contactHandlers,
  ...exportHandlers,
  ...privacyHandlers,
  ...broadcastHandlers,
  ...templateHandlers,
  ...webhookHandlers,
  ...cryptoHandlers,
  ...billingEventHandlers,
  ...insightHandlers,
  ...billingHandlers,
}
