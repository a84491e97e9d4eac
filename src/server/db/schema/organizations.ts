import { sql } from 'drizzle-orm'
import { index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import {
  MEMBER_ROLES,
  ORGANIZATION_KINDS,
  PLAN_TYPES,
  type QualityGrading,
  TRAINING_STATUSES,
  type Weekday,
} from '../../../shared/enums.js'
import type { PlanOverrides } from '../../../shared/plans.js'
import { user } from './auth.js'

export const planType = pgEnum('plan_type', PLAN_TYPES)
export const memberRole = pgEnum('member_role', MEMBER_ROLES)
export const trainingStatus = pgEnum('training_status', TRAINING_STATUSES)
export const organizationKind = pgEnum('organization_kind', ORGANIZATION_KINDS)

export interface Interval {
  open: string
  close: string
}
export type { Weekday }
export interface BusinessHours {
  enabled: boolean
  timezone: string
  schedule: Partial<Record<Weekday, Interval[]>>
  outOfHoursMessage: string
}
export interface AiSettings {
  tone: string
  /** The default answering language (ISO code); also the text-search language of the knowledge. */
  language: string
  /**
   * The languages the assistant answers in (ISO codes; `language` always among them): a customer
   * writing in one of them is answered in it, anyone else in `language`. Unset: the reply follows
   * the customer's language, whatever it is.
   */
  languages?: string[]
  provider?: string
  model?: string
  escalationRules?: string
  /** Extra instructions added to the assistant's prompt (set by promoting an experiment variant, issue 18). */
  instructions?: string
  /** How answers are scored and the customer asked to rate (issue 18); unset: the defaults in core/quality. */
  quality?: QualitySettings
}

export interface QualitySettings {
  /** Which AI answers a model grades against their passages (needs a model; the built-in responder is not graded). */
  grading: QualityGrading
  /** With `sample`: the share of answers graded (0..1). */
  sampleRate: number
  /** Ask the customer for a 1–5 rating after the conversation goes quiet. */
  askRating: boolean
  ratingDelayMinutes: number
}

export const organizations = pgTable(
  'organizations',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    /** `personal` rows hold a user's personal knowledge base; `platform` is the default assistant behind the shared number. Neither appears in organization lists. */
    kind: organizationKind('kind').notNull().default('business'),
    personalOwnerId: text('personal_owner_id')
      .unique()
      .references(() => user.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    industry: text('industry').notNull().default(''),
    whatsappDisplayName: text('whatsapp_display_name'),
    planType: planType('plan_type').notNull().default('starter'),
    /** Overrides the plan's limit when set. */
    monthlyMessageLimitOverride: integer('monthly_message_limit_override'),
    /** An operator's custom deal beyond the plan: numbers, knowledge size, features (shared/plans.ts). */
    planOverrides: jsonb('plan_overrides').$type<PlanOverrides>().notNull().default(sql`'{}'::jsonb`),
    /**
     * Messages beyond the monthly limit this organization may send, billed as overage through Stripe
     * (0: beyond the limit is refused). Written by billing from the owner's choice and the
     * subscription's state; never set by hand.
     */
    overageAllowance: integer('overage_allowance').notNull().default(0),
    /** Live numbers beyond the plan's that the subscription pays for one by one (billing writes it). */
    extraNumbersAllowance: integer('extra_numbers_allowance').notNull().default(0),
    welcomeMessage: text('welcome_message').notNull().default(''),
    businessHours: jsonb('business_hours').$type<BusinessHours>().notNull(),
    ai: jsonb('ai').$type<AiSettings>().notNull(),
    trainingStatus: trainingStatus('training_status').notNull().default('untrained'),
    trainingProgress: integer('training_progress').notNull().default(0),
    trainingError: text('training_error'),
    trainedAt: timestamp('trained_at', { withTimezone: true }),
    /** The chunk generation customers are answered from; retraining switches it atomically. */
    knowledgeGeneration: integer('knowledge_generation').notNull().default(0),
    /** Messages older than this many days are deleted by the retention job; null keeps them. */
    retentionDays: integer('retention_days'),
    /** When the retention job last applied the policy to this organization. */
    retentionRanAt: timestamp('retention_ran_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('organizations_kind_idx').on(t.kind)],
)

export const memberships = pgTable(
  'memberships',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    role: memberRole('role').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.userId] }), index('memberships_user_idx').on(t.userId)],
)

/** Who changed an organization's plan or monthly limit, from what, to what (operators today, billing later). */
export const planChanges = pgTable(
  'plan_changes',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    changedByUserId: text('changed_by_user_id').references(() => user.id, { onDelete: 'set null' }),
    /** Kept even if the account is deleted later. */
    changedByEmail: text('changed_by_email').notNull(),
    fromPlan: planType('from_plan').notNull(),
    fromLimitOverride: integer('from_limit_override'),
    toPlan: planType('to_plan').notNull(),
    toLimitOverride: integer('to_limit_override'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('plan_changes_org_idx').on(t.organizationId, t.createdAt)],
)

/** Messages the platform sent on an organization's behalf, per billing month (`YYYY-MM` in the org's time zone). */
export const monthlyUsage = pgTable(
  'monthly_usage',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    month: text('month').notNull(),
    messageCount: integer('message_count').notNull().default(0),
    limitReachedAt: timestamp('limit_reached_at', { withTimezone: true }),
    /**
     * Messages counted beyond the included limit, under the limit in force when each was counted
     * (a plan change later in the month does not turn earlier messages into overage).
     */
    overageCount: integer('overage_count').notNull().default(0),
    /** Of those, the ones already reported to Stripe as meter events (overage billing). */
    overageReported: integer('overage_reported').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.month] })],
)

/** Fixed-window counters shared by every web process (API rate limiting). */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
)
