import { z } from 'zod'
import { QUALITY_GRADING } from '../../../shared/enums.js'
import type { AiSettings, QualitySettings } from '../../db/schema/index.js'

/** What an organization that never chose gets: no grading, no rating question. */
export const DEFAULT_QUALITY_SETTINGS: QualitySettings = {
  grading: 'off',
  sampleRate: 0.2,
  askRating: false,
  ratingDelayMinutes: 30,
}

export const QualitySettingsSchema = z
  .object({
    grading: z
      .enum(QUALITY_GRADING)
      .describe('Which AI answers a model grades: none, a random share (`sampleRate`) or all'),
    sampleRate: z.number().min(0).max(1).describe('With `sample`: the share of answers graded (0..1)'),
    askRating: z.boolean().describe('Ask the customer to rate the conversation 1–5 once it goes quiet'),
    ratingDelayMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .describe('Minutes without a message before the rating question (at most a day: the 24-hour window)'),
  })
  .strict()

/** The organization's quality settings, defaults filled in. */
export function qualitySettingsOf(ai: Pick<AiSettings, 'quality'>): QualitySettings {
  return { ...DEFAULT_QUALITY_SETTINGS, ...(ai.quality ?? {}) }
}
