import { refreshSender } from '../../core/numbers/register-sender.js'
import type { numberJobs } from '../catalog/numbers.js'
import type { HandlersFor } from './index.js'

export const numberHandlers: HandlersFor<typeof numberJobs> = {
  'numbers.refresh-sender': async ({ numberId, attempt }, services) => {
    await refreshSender(services, numberId, attempt)
  },
}
