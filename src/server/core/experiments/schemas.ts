import { z } from 'zod'
import { TONES } from '../../../shared/enums.js'

export const MAX_INSTRUCTIONS = 2000
export const MAX_WELCOME = 1000

export const VariantSettingsInput = z
  .object({
    tone: z.enum(TONES).optional(),
    instructions: z.string().trim().max(MAX_INSTRUCTIONS, 'at most 2,000 characters').optional(),
    model: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('`provider:model` or a model id this deployment serves (GET /api/ai-providers lists them)'),
    welcomeMessage: z.string().trim().max(MAX_WELCOME, 'at most 1,000 characters').optional(),
  })
  .strict()

export const CreateExperimentInput = z
  .object({
    name: z.string().trim().min(1, 'required').max(120, 'at most 120 characters'),
    variants: z
      .array(
        z
          .object({
            name: z.string().trim().min(1, 'required').max(60, 'at most 60 characters'),
            weight: z.number().int().min(1).max(100).describe('Relative share of new contacts'),
            settings: VariantSettingsInput,
          })
          .strict(),
      )
      .min(2, 'at least 2 variants')
      .max(4, 'at most 4 variants')
      .refine((vs) => new Set(vs.map((v) => v.name.toLowerCase())).size === vs.length, {
        message: 'variant names must differ',
      }),
  })
  .strict()
export type CreateExperimentInput = z.infer<typeof CreateExperimentInput>

export const PromoteVariantInput = z.object({ variantId: z.string().min(1) }).strict()
