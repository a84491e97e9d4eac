import { z } from 'zod'
import { API_SCOPES } from '../../../shared/enums.js'

export const API_KEY_NAME_CHARS = 100

export const CreateApiKeyInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'a key needs a name')
    .max(API_KEY_NAME_CHARS, `a name has at most ${API_KEY_NAME_CHARS} characters`),
  scopes: z
    .array(z.enum(API_SCOPES))
    .min(1, 'a key needs at least one scope')
    .refine((scopes) => new Set(scopes).size === scopes.length, 'each scope once'),
  expiresAt: z.iso
    .datetime({ offset: true, message: 'an ISO 8601 date and time, e.g. 2027-01-31T00:00:00Z' })
    .nullable()
    .optional(),
})
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInput>
