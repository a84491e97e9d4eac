import { checkTemplateApproval } from '../../core/templates/check-approval.js'
import type { templateJobs } from '../catalog/templates.js'
import type { HandlersFor } from './index.js'

export const templateHandlers: HandlersFor<typeof templateJobs> = {
  'templates.check-approval': async (payload, services) => {
    await checkTemplateApproval(services, payload)
  },
}
