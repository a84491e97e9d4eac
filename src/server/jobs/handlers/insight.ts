import { notifyAttention } from '../../core/notifications/notify-attention.js'
import { askRating } from '../../core/quality/ask-rating.js'
import { gradeAnswer } from '../../core/quality/grade-answer.js'
import type { insightJobs } from '../catalog/insight.js'
import type { HandlersFor } from './index.js'

export const insightHandlers: HandlersFor<typeof insightJobs> = {
  'notifications.attention': async (payload, services) => {
    await notifyAttention({ ctx: services, input: payload })
  },
  'quality.grade': async (payload, services) => {
    await gradeAnswer({ ctx: services, input: payload })
  },
  'quality.ask-rating': async (payload, services) => {
    await askRating({ ctx: services, input: payload })
  },
}
