import { reportOverage } from '../../core/billing/report-overage.js'
import { syncExtraNumbers } from '../../core/billing/sync-extra-numbers.js'
import type { billingJobs } from '../catalog/billing.js'
import type { HandlersFor } from './index.js'

export const billingHandlers: HandlersFor<typeof billingJobs> = {
  'billing.report-overage': async ({ organizationId }, services) => {
    await reportOverage({ ctx: services, input: { organizationId } })
  },
  'billing.sync-extra-numbers': async ({ organizationId }, services) => {
    await syncExtraNumbers({ ctx: services, input: { organizationId } })
  },
}
