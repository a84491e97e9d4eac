import { z } from 'zod'
import { OVERAGE_MODES, PLAN_TYPES } from '../../../shared/enums.js'
import { FEATURES } from '../../../shared/plans.js'

/** An owner's plan change (billing off: free to pick any plan). */
export const ChangePlanInput = z.object({ planType: z.enum(PLAN_TYPES) }).strict()
export type ChangePlanInput = z.infer<typeof ChangePlanInput>

/**
 * An operator's overrides on top of the plan (a custom deal). Each value null removes that override
 * and goes back to the plan's own value; an absent key leaves it as it is.
 */
export const PlanOverridesInput = z
  .object({
    numbers: z
      .number()
      .int('must be a whole number')
      .min(0, 'cannot be negative')
      .max(1000, 'at most 1,000')
      .nullable()
      .optional(),
    maxTotalChars: z
      .number()
      .int('must be a whole number')
      .min(0, 'cannot be negative')
      .max(1_000_000_000, 'at most 1,000,000,000')
      .nullable()
      .optional(),
    features: z
      .object(Object.fromEntries(FEATURES.map((f) => [f, z.boolean().nullable().optional()])))
      .strict()
      .optional(),
  })
  .strict()
export type PlanOverridesInput = z.infer<typeof PlanOverridesInput>

/** An owner subscribes through Stripe Checkout. */
export const CheckoutInput = z.object({ planType: z.enum(PLAN_TYPES) }).strict()

/** What happens beyond the monthly limit, and the most overage billed in a month. */
export const OverageInput = z
  .object({
    mode: z.enum(OVERAGE_MODES),
    cap: z
      .number()
      .int('must be a whole number')
      .min(0, 'cannot be negative')
      .max(1_000_000, 'at most 1,000,000 messages a month'),
  })
  .strict()
