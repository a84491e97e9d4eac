import type { Services } from '../../core/context.js'
import type { JobName, JobPayload } from '../catalog/index.js'
import { inboundHandlers } from './inbound.js'
import { knowledgeHandlers } from './knowledge.js'
import { numberHandlers } from './numbers.js'
import { systemHandlers } from './system.js'

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
export type JobHandlers = { [N in JobName]?: JobHandler<N> }

export const jobHandlers: JobHandlers = {
  ...systemHandlers,
  ...numberHandlers,
  ...inboundHandlers,
  ...knowledgeHandlers,
}
