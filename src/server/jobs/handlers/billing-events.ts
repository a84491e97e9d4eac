import { syncFromStripe } from '../../core/billing/apply-subscription.js'
import { processStripeEvent } from '../../core/billing/process-stripe-event.js'
import type { billingEventJobs } from '../catalog/billing-events.js'
import type { HandlersFor } from './index.js'

export const billingEventHandlers: HandlersFor<typeof billingEventJobs> = {
  'billing.process-event': async (payload, services) => {
    await processStripeEvent({ ctx: services, input: payload })
  },
  'billing.grace-check': async (payload, services) => {
    if (services.billing) await syncFromStripe(services, services.billing, payload.organizationId)
  },
}
