import { z } from 'zod'
import { E164, E164_MESSAGE } from '../../../shared/phone.js'
import { ContactFilterSchema } from '../contacts/schemas.js'
import { LOCAL_DATE_TIME } from './send-at.js'

/** The limits of a broadcast request (a 400 names the field beyond them). */
export const BROADCAST_LIMITS = {
  nameChars: 120,
  /** Contacts an explicit audience may list (a segment or a filter has no limit). */
  contactIds: 10_000,
  /** A fixed text or a fallback of a variable (WhatsApp's limit for a variable's value). */
  variableChars: 1_000,
  /** Rendered samples a preview returns. */
  samples: 5,
} as const

/** A template variable's number as WhatsApp writes it: {{1}}, {{2}}… */
const VARIABLE_NUMBER = /^[1-9]\d{0,2}$/

const value = z.string().trim().min(1, 'cannot be empty').max(BROADCAST_LIMITS.variableChars)

/** Where one template variable's value comes from, per recipient. */
export const VariableSourceSchema = z.discriminatedUnion('from', [
  z.object({ from: z.literal('name') }).strict(),
  z.object({ from: z.literal('phone') }).strict(),
  z
    .object({
      from: z.literal('attribute'),
      key: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9_]{1,40}$/, 'an attribute key is 1 to 40 lowercase letters, digits or underscores'),
      fallback: value.optional(),
    })
    .strict(),
  z.object({ from: z.literal('text'), value }).strict(),
])

export const VariablesSchema = z
  .record(
    z.string().regex(VARIABLE_NUMBER, 'a variable is named by its number: "1", "2"…'),
    VariableSourceSchema,
  )
  .default({})

const uuid = z.string().uuid('must be a contact id')

export const AudienceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('segment'), segmentId: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('filter'), filter: ContactFilterSchema }).strict(),
  z
    .object({
      kind: z.literal('contacts'),
      contactIds: z
        .array(uuid)
        .min(1, 'choose at least one contact')
        .max(BROADCAST_LIMITS.contactIds, `at most ${BROADCAST_LIMITS.contactIds} contacts`),
    })
    .strict(),
])

export const PreviewBroadcastSchema = z
  .object({
    templateId: z.string().min(1),
    variables: VariablesSchema,
    audience: AudienceSchema,
  })
  .strict()

export const CreateBroadcastSchema = z
  .object({
    name: z.string().trim().min(1, 'name the broadcast').max(BROADCAST_LIMITS.nameChars),
    templateId: z.string().min(1),
    variables: VariablesSchema,
    audience: AudienceSchema,
    sendAt: z
      .string()
      .regex(LOCAL_DATE_TIME, "a local date and time like '2027-03-14T09:30'")
      .optional()
      .describe("The organization's local time, 'YYYY-MM-DDTHH:mm'; absent: now"),
    upToLimit: z.boolean().default(false),
    fromNumber: z.string().regex(E164, E164_MESSAGE).optional(),
  })
  .strict()

export type VariableSourceInput = z.infer<typeof VariableSourceSchema>
export type AudienceInput = z.infer<typeof AudienceSchema>
export type PreviewBroadcastInput = z.infer<typeof PreviewBroadcastSchema>
export type CreateBroadcastInput = z.input<typeof CreateBroadcastSchema>
