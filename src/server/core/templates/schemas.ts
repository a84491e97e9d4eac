import { z } from 'zod'
import { TEMPLATE_CATEGORIES } from '../../../shared/enums.js'
import { TEMPLATE_LANGUAGE, TEMPLATE_LIMITS, TEMPLATE_NAME } from '../../../shared/template-text.js'

export const CreateTemplateInput = z
  .object({
    name: z
      .string()
      .regex(TEMPLATE_NAME, 'lowercase letters, digits and underscores only (1 to 512), e.g. order_ready'),
    language: z.string().regex(TEMPLATE_LANGUAGE, 'a WhatsApp language code such as en, es, pt_BR'),
    category: z.enum(TEMPLATE_CATEGORIES),
    body: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(TEMPLATE_LIMITS.bodyChars, `at most ${TEMPLATE_LIMITS.bodyChars} characters`),
    examples: z.record(z.string(), z.string().max(TEMPLATE_LIMITS.valueChars)).default({}),
  })
  .strict()
export type CreateTemplateInput = z.infer<typeof CreateTemplateInput>

export const SendTemplateInput = z
  .object({
    templateId: z.string().min(1),
    variables: z.record(z.string(), z.string().max(TEMPLATE_LIMITS.valueChars)).default({}),
  })
  .strict()
export type SendTemplateInput = z.infer<typeof SendTemplateInput>
