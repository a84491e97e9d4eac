import { refreshSender } from '../../core/numbers/register-sender.js'
import type { JobHandlers } from './index.js'

export const numberHandlers: JobHandlers = {
  'numbers.refresh-sender': async ({ numberId, attempt }, services) => {
    await refreshSender(services, numberId, attempt)
  },
}
