import { z } from 'zod'
import { AI_PROVIDERS, PLAN_TYPES, type PlanType, TONES, WEEKDAYS } from '../../../shared/enums.js'
import { PlanOverridesInput } from '../billing/schemas.js'
import { isSupportedTimeZone } from './time-zones.js'

export { AI_PROVIDERS, PLAN_TYPES, type PlanType, TONES, WEEKDAYS }

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

export const IntervalSchema = z
  .object({
    open: z.string().regex(HHMM, 'must be HH:MM (24-hour)'),
    close: z.string().regex(HHMM, 'must be HH:MM (24-hour)'),
  })
  .strict()

const DaySchema = z.array(IntervalSchema).max(6, 'at most 6 intervals a day')

/**
 * A day's intervals must not overlap and must not be empty. `close` earlier than `open` means the
 * interval runs past midnight; only the day's last interval may do that, and its part after
 * midnight must not overlap the next day's first interval.
 */
export const ScheduleSchema = z
  .object(
    Object.fromEntries(WEEKDAYS.map((d) => [d, DaySchema.optional()])) as Record<
      (typeof WEEKDAYS)[number],
      z.ZodOptional<typeof DaySchema>
    >,
  )
  .strict()
  .superRefine((schedule, ctx) => {
    WEEKDAYS.forEach((day, dayIndex) => {
      const intervals = schedule[day] ?? []
      const sorted = intervals
        .map((iv, index) => ({ ...iv, index, o: minutes(iv.open), c: minutes(iv.close) }))
        .sort((a, b) => a.o - b.o)
      for (const iv of sorted) {
        if (iv.o === iv.c) {
          ctx.addIssue({ code: 'custom', path: [day, iv.index], message: 'open and close are the same time' })
        }
      }
      sorted.forEach((iv, i) => {
        const end = iv.c > iv.o ? iv.c : iv.c + 24 * 60
        if (iv.c < iv.o && i !== sorted.length - 1) {
          ctx.addIssue({
            code: 'custom',
            path: [day, iv.index],
            message: 'close is before open: only the last interval of a day may run past midnight',
          })
        }
        const next = sorted[i + 1]
        if (next && next.o < end) {
          ctx.addIssue({
            code: 'custom',
            path: [day, next.index],
            message: `overlaps ${iv.open}–${iv.close}`,
          })
        }
      })
      const last = sorted[sorted.length - 1]
      if (last && last.c < last.o && last.c > 0) {
        // Sunday's overnight interval runs into Monday.
        const nextDay = WEEKDAYS[dayIndex + 1] ?? WEEKDAYS[0]
        const firstNext = (schedule[nextDay] ?? []).map((iv) => minutes(iv.open)).sort((a, b) => a - b)[0]
        if (firstNext !== undefined && firstNext < last.c) {
          ctx.addIssue({
            code: 'custom',
            path: [day, last.index],
            message: `runs past midnight into ${nextDay}'s first interval`,
          })
        }
      }
    })
  })

export const BusinessHoursSchema = z
  .object({
    enabled: z.boolean(),
    timezone: z.string().refine(isSupportedTimeZone, 'unknown IANA time zone (e.g. Africa/Kigali)'),
    schedule: ScheduleSchema,
    outOfHoursMessage: z.string().trim().max(1024, 'at most 1,024 characters'),
  })
  .strict()

const LanguageCode = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a language code such as en, fr or pt-BR')

export const AiSettingsSchema = z
  .object({
    tone: z.enum(TONES),
    language: LanguageCode,
    languages: z
      .array(LanguageCode)
      .max(12, 'at most 12 languages')
      .optional()
      .describe(
        'The languages the assistant answers in (`language`, the default, always among them): a customer writing in one of them is answered in it, anyone else in `language`. Unset: the reply follows the customer.',
      ),
    provider: z.enum(AI_PROVIDERS).optional(),
    model: z.string().trim().min(1).max(100).optional(),
    escalationRules: z.string().max(2000).optional(),
    instructions: z
      .string()
      .max(2000)
      .optional()
      .describe(
        'Extra instructions added to the assistant’s prompt (set by promoting an experiment variant)',
      ),
  })
  .strict()

const writable = {
  name: z.string().trim().min(1, 'required').max(120, 'at most 120 characters'),
  description: z.string().trim().max(2000, 'at most 2,000 characters'),
  industry: z.string().trim().max(100, 'at most 100 characters'),
  whatsappDisplayName: z.string().trim().min(1).max(64, 'at most 64 characters').nullable(),
  welcomeMessage: z.string().trim().max(1024, 'at most 1,024 characters'),
  businessHours: BusinessHoursSchema,
  ai: AiSettingsSchema,
}

export const READ_ONLY_FIELDS = [
  'id',
  'whatsappNumber',
  'numberStatus',
  'monthlyMessageCount',
  'lastResetDate',
  'totalConversations',
  'conversationsNeedingAttention',
  'isModelTrained',
  'trainingStatus',
  'trainingProgress',
  'trainingError',
  'trainedAt',
  'aiModel',
  'lastInboundAt',
  'role',
  'createdAt',
  'updatedAt',
] as const

/** Fields members see but only the platform operator changes (until billing takes them over). */
export const OPERATOR_FIELDS = ['planType', 'monthlyMessageLimit'] as const

/** Unknown and read-only fields are refused; the message names which is which. */
const refuseExtraKeys = {
  error: (iss: { code?: string; keys?: string[] }) => {
    if (iss.code !== 'unrecognized_keys' || !iss.keys) return undefined
    const readOnly = iss.keys.filter((k) => (READ_ONLY_FIELDS as readonly string[]).includes(k))
    const operatorOnly = iss.keys.filter((k) => (OPERATOR_FIELDS as readonly string[]).includes(k))
    const unknown = iss.keys.filter((k) => !readOnly.includes(k) && !operatorOnly.includes(k))
    return [
      readOnly.length ? `read-only field(s) cannot be set: ${readOnly.join(', ')}` : '',
      operatorOnly.length
        ? `read-only field(s) cannot be set: ${operatorOnly.join(', ')} (owners change the plan with PUT /api/organizations/{id}/billing/plan; the monthly limit is changed by the platform operator)`
        : '',
      unknown.length ? `unknown field(s): ${unknown.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ')
  },
}

/** What an organization's owner may set, each field optional: a change sends only what changes. */
const settableFields = {
  name: writable.name.optional(),
  description: writable.description.optional(),
  industry: writable.industry.optional(),
  whatsappDisplayName: writable.whatsappDisplayName.optional(),
  welcomeMessage: writable.welcomeMessage.optional(),
  businessHours: writable.businessHours.optional(),
  ai: writable.ai.optional(),
}

export const CreateOrganizationInput = z
  .object({ ...settableFields, name: writable.name }, refuseExtraKeys)
  .strict()

export const UpdateOrganizationInput = z.object(settableFields, refuseExtraKeys).strict()

/** The operator's change of an organization's plan and limit (PATCH /api/admin/organizations/:id/plan). */
export const SetPlanInput = z
  .object({
    planType: z.enum(PLAN_TYPES).optional(),
    /** null removes the override and goes back to the plan's limit. */
    monthlyMessageLimit: z
      .number()
      .int('must be a whole number')
      .min(0, 'cannot be negative')
      .max(10_000_000, 'at most 10,000,000')
      .nullable()
      .optional(),
    /** Entitlement overrides (a custom deal); null on one removes it. */
    overrides: PlanOverridesInput.optional(),
  })
  .strict()
  .refine(
    (v) => v.planType !== undefined || v.monthlyMessageLimit !== undefined || v.overrides !== undefined,
    { message: 'give planType, monthlyMessageLimit, overrides or several' },
  )

export type SetPlanInput = z.infer<typeof SetPlanInput>
export type CreateOrganizationInput = z.infer<typeof CreateOrganizationInput>
export type UpdateOrganizationInput = z.infer<typeof UpdateOrganizationInput>

export const DEFAULT_BUSINESS_HOURS = {
  enabled: false,
  timezone: 'UTC',
  schedule: Object.fromEntries(
    ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((d) => [
      d,
      [{ open: '08:00', close: '18:00' }],
    ]),
  ),
  outOfHoursMessage: 'Thanks for your message! We are closed right now and will answer when we open.',
}

export const DEFAULT_AI_SETTINGS = { tone: 'friendly', language: 'en' } as const
