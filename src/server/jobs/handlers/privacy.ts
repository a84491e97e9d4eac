import { applyRetention } from '../../core/privacy/apply-retention.js'
import type { privacyJobs } from '../catalog/privacy.js'
import type { HandlersFor } from './index.js'

// Handlers of the privacy area's jobs: each builds a context and calls one core action.
export const privacyHandlers: HandlersFor<typeof privacyJobs> = {
  'privacy.retention': async (_payload, services, meta) => {
    const ctx = { ...services, log: services.log.child({ job: 'privacy.retention', jobId: meta.id }) }
    const result = await applyRetention({ ctx })
    if (result.messages > 0) ctx.log.info(result, 'retention applied')
  },
}
