import { deliverDueWebhooks, purgeDeliveryLog } from '../../core/webhooks/deliver-webhooks.js'
import type { webhookJobs } from '../catalog/webhooks.js'
import type { HandlersFor } from './index.js'

export const webhookHandlers: HandlersFor<typeof webhookJobs> = {
  'webhooks.deliver': async (_payload, services) => {
    const run = await deliverDueWebhooks(services)
    if (run.more) await services.jobs.send('webhooks.deliver', {})
    else if (run.retryInSeconds !== null)
      await services.jobs.send('webhooks.deliver', {}, { startAfter: run.retryInSeconds })
  },
  'webhooks.purge': async (_payload, services) => {
    const removed = await purgeDeliveryLog(services)
    if (removed > 0) services.log.info({ removed }, 'old webhook deliveries forgotten')
  },
}
