import { reencryptStep } from '../../core/crypto/reencrypt.js'
import type { cryptoJobs } from '../catalog/crypto.js'
import type { HandlersFor } from './index.js'

export const cryptoHandlers: HandlersFor<typeof cryptoJobs> = {
  'crypto.reencrypt': async (payload, services) => {
    const step = await reencryptStep(services, { cursor: payload.cursor })
    if (step.next) await services.jobs.send('crypto.reencrypt', { cursor: step.next })
  },
}
