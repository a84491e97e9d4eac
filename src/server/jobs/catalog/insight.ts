import { z } from 'zod'
import { defineJob } from './define.js'

// Job kinds of the team's view of its assistant (issue 18). See ./index.ts.
export const insightJobs = {
  /**
   * Tells the organization's members that a conversation needs a person, on the channels each
   * chose (core/notifications/notify-attention.ts). Once per episode: rows are unique per episode.
   */
  'notifications.attention': defineJob({
    payload: z.object({ organizationId: z.string(), conversationId: z.string(), episode: z.string() }),
    retryLimit: 5,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 120,
  }),
  /** A model grades one AI answer against its passages (core/quality/grade-answer.ts). */
  'quality.grade': defineJob({
    payload: z.object({ organizationId: z.string(), messageId: z.string() }),
    retryLimit: 3,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 120,
  }),
  /** Asks the customer to rate the conversation after a quiet period (core/quality/ask-rating.ts). */
  'quality.ask-rating': defineJob({
    payload: z.object({ organizationId: z.string(), conversationId: z.string() }),
    retryLimit: 3,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 120,
  }),
}
