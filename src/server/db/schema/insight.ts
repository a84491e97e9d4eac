import { sql } from 'drizzle-orm'
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import type {
  AnswerFollowup,
  ExperimentStatus,
  NotificationChannel,
  NotificationStatus,
} from '../../../shared/enums.js'
import { encryptedText } from '../encrypted-columns.js'
import { user } from './auth.js'
import { contacts, conversations, messages } from './messaging.js'
import { organizations } from './organizations.js'

// The team sees and improves its assistant (issue 18): notes and canned replies for the inbox,
// notifications, the score of every AI answer, and experiments comparing variants of the assistant.

/** A team member's note on a conversation, never sent to the customer. */
export const conversationNotes = pgTable(
  'conversation_notes',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    authorUserId: text('author_user_id').references(() => user.id, { onDelete: 'set null' }),
    /** May quote the customer: encrypted at rest like message bodies. */
    body: encryptedText('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('conversation_notes_conv_idx').on(t.conversationId, t.createdAt)],
)

/** Answers the team reuses (the inbox's canned replies). */
export const cannedReplies = pgTable(
  'canned_replies',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    body: text('body').notNull(),
    createdByUserId: text('created_by_user_id').references(() => user.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('canned_replies_org_idx').on(t.organizationId, t.title)],
)

/** How a member wants to be told that a conversation needs a person (absent row: dashboard and email). */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    dashboard: boolean('dashboard').notNull().default(true),
    email: boolean('email').notNull().default(true),
    whatsapp: boolean('whatsapp').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.userId] })],
)

/**
 * One notification of one member on one channel about one episode of a conversation needing a
 * person (`episode` = conversations.attention_since). The unique key is the de-duplication: the same
 * episode is never notified twice; once handled, a new need is a new episode.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    channel: text('channel').$type<NotificationChannel>().notNull(),
    reason: text('reason').notNull(),
    episode: timestamp('episode', { withTimezone: true }).notNull(),
    status: text('status').$type<NotificationStatus>().notNull().default('pending'),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('notifications_episode_uq').on(t.conversationId, t.userId, t.channel, t.episode),
    index('notifications_user_idx').on(t.organizationId, t.userId, t.createdAt),
  ],
)

export interface ScoredPassage {
  sourceId: string
  title: string
  score: number
}

/** A model's grade of an answer against its passages, each 0..1. */
export interface AnswerGrade {
  groundedness: number
  helpfulness: number
  tone: number
  reason?: string
}

/** The score of one AI answer: the signals it was made from, what followed, and a model's grade. */
export const answerScores = pgTable(
  'answer_scores',
  {
    messageId: text('message_id')
      .primaryKey()
      .references(() => messages.id, { onDelete: 'cascade' }),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** The customer message it answered. */
    questionMessageId: text('question_message_id'),
    variantId: text('variant_id'),
    passages: jsonb('passages').$type<ScoredPassage[]>().notNull().default(sql`'[]'::jsonb`),
    topScore: real('top_score'),
    fromKnowledge: boolean('from_knowledge').notNull().default(false),
    saidDontKnow: boolean('said_dont_know').notNull().default(false),
    escalated: boolean('escalated').notNull().default(false),
    lowConfidence: boolean('low_confidence').notNull().default(false),
    followup: text('followup').$type<AnswerFollowup>(),
    grade: jsonb('grade').$type<AnswerGrade>(),
    gradedAt: timestamp('graded_at', { withTimezone: true }),
    /** 0..1, from the signals (and the grade when there is one). */
    score: real('score').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('answer_scores_org_created_idx').on(t.organizationId, t.createdAt),
    index('answer_scores_conv_idx').on(t.conversationId, t.createdAt),
  ],
)

/** What a variant changes of the assistant (unset: the organization's own setting). */
export interface VariantSettings {
  tone?: string
  /** Extra instructions added to the assistant's prompt. */
  instructions?: string
  /** `provider:model` or a model id the deployment serves. */
  model?: string
  welcomeMessage?: string
}

/** An A/B test of the assistant on live traffic. */
export const experiments = pgTable(
  'experiments',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: text('status').$type<ExperimentStatus>().notNull().default('running'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    winnerVariantId: text('winner_variant_id'),
    createdByUserId: text('created_by_user_id').references(() => user.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('experiments_one_running_uq').on(t.organizationId).where(sql`${t.status} = 'running'`),
    index('experiments_org_idx').on(t.organizationId, t.createdAt),
  ],
)

export const experimentVariants = pgTable(
  'experiment_variants',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    experimentId: text('experiment_id')
      .notNull()
      .references(() => experiments.id, { onDelete: 'cascade' }),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Relative share of new contacts (1..100). */
    weight: integer('weight').notNull(),
    settings: jsonb('settings').$type<VariantSettings>().notNull().default(sql`'{}'::jsonb`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('experiment_variants_exp_idx').on(t.experimentId)],
)

/** Which variant a contact gets in an experiment: chosen once, then sticky. */
export const experimentAssignments = pgTable(
  'experiment_assignments',
  {
    experimentId: text('experiment_id')
      .notNull()
      .references(() => experiments.id, { onDelete: 'cascade' }),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    variantId: text('variant_id')
      .notNull()
      .references(() => experimentVariants.id, { onDelete: 'cascade' }),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.experimentId, t.contactId] }),
    index('experiment_assignments_variant_idx').on(t.variantId),
  ],
)
