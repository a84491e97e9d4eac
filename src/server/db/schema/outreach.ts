import { sql } from 'drizzle-orm'
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import {
  BROADCAST_STATUSES,
  IMPORT_STATUSES,
  RECIPIENT_STATES,
  SKIP_REASONS,
  TEMPLATE_CATEGORIES,
  TEMPLATE_STATUSES,
} from '../../../shared/enums.js'
import { encryptedText } from '../encrypted-columns.js'
import { contacts, messages } from './messaging.js'
import { organizations } from './organizations.js'

// Writing first: tags, segments, contact imports, WhatsApp templates and broadcasts (issue 15).

export const importStatus = pgEnum('import_status', IMPORT_STATUSES)
export const templateCategory = pgEnum('template_category', TEMPLATE_CATEGORIES)
export const templateStatus = pgEnum('template_status', TEMPLATE_STATUSES)
export const broadcastStatus = pgEnum('broadcast_status', BROADCAST_STATUSES)
export const recipientState = pgEnum('recipient_state', RECIPIENT_STATES)
export const skipReason = pgEnum('skip_reason', SKIP_REASONS)

/** An organization's labels with their colours. Contacts carry tag names (`contacts.tags`). */
export const tags = pgTable(
  'tags',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** A CSS hex colour, #rrggbb. */
    color: text('color').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tags_org_name_uq').on(t.organizationId, t.name)],
)

/** Which contacts a segment (or a broadcast's audience) means; resolved when it is used. */
export interface ContactFilter {
  /** Contacts carrying these tags: every one of them (`all`) or at least one (`any`). */
  tags?: string[]
  tagMode?: 'any' | 'all'
  /** Attribute equalities, all of which must hold. */
  attributes?: Record<string, string>
  /** Last message from the customer within the last N days / not within the last N days. */
  lastSeenWithinDays?: number
  lastSeenBeforeDays?: number
  /** true: only contacts who opted in; false: only those who did not. */
  optedIn?: boolean
  /** Name or number contains. */
  search?: string
}

export const segments = pgTable(
  'segments',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    filter: jsonb('filter').$type<ContactFilter>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('segments_org_name_uq').on(t.organizationId, t.name)],
)

export interface ImportRowError {
  /** 1-based line in the file (the header is line 1). */
  line: number
  message: string
}

/** A CSV of contacts imported by a job; the file is kept until the job is done. */
export const contactImports = pgTable(
  'contact_imports',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    createdBy: text('created_by'),
    fileName: text('file_name').notNull(),
    /** The uploaded file (encrypted: it names customers), cleared when the import finishes. */
    csv: encryptedText('csv'),
    status: importStatus('status').notNull().default('pending'),
    totalRows: integer('total_rows').notNull().default(0),
    processedRows: integer('processed_rows').notNull().default(0),
    createdCount: integer('created_count').notNull().default(0),
    updatedCount: integer('updated_count').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    /** The first row errors (bounded), by line. */
    errors: jsonb('errors').$type<ImportRowError[]>().notNull().default(sql`'[]'::jsonb`),
    failureReason: text('failure_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('contact_imports_org_idx').on(t.organizationId, t.createdAt)],
)

/** A WhatsApp message template: made in Twilio's Content API, approved by WhatsApp. */
export const templates = pgTable(
  'templates',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** WhatsApp's template name: lowercase letters, digits and underscores. */
    name: text('name').notNull(),
    /** BCP-47-ish code as WhatsApp takes it (en, en_US, fr, es…). */
    language: text('language').notNull(),
    category: templateCategory('category').notNull(),
    /** The text with numbered variables: "Hi {{1}}, your order {{2}} is ready". */
    body: text('body').notNull(),
    /** An example value per variable ({"1": "Ana"}), which WhatsApp requires for review. */
    examples: jsonb('examples').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    /** Twilio's Content SID (HX…), once created. */
    contentSid: text('content_sid'),
    status: templateStatus('status').notNull().default('draft'),
    rejectionReason: text('rejection_reason'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    statusCheckedAt: timestamp('status_checked_at', { withTimezone: true }),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('templates_org_name_lang_uq').on(t.organizationId, t.name, t.language)],
)

/** Where a template variable's value comes from, per recipient. */
export type VariableSource =
  | { from: 'name' } // the contact's name (else the WhatsApp profile name)
  | { from: 'phone' }
  | { from: 'attribute'; key: string; fallback?: string }
  | { from: 'text'; value: string }

export type BroadcastAudience =
  | { kind: 'segment'; segmentId: string }
  | { kind: 'filter'; filter: ContactFilter }
  | { kind: 'contacts'; contactIds: string[] }

export const broadcasts = pgTable(
  'broadcasts',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    templateId: text('template_id')
      .notNull()
      .references(() => templates.id),
    /** Template variable number → where its value comes from. */
    variables: jsonb('variables').$type<Record<string, VariableSource>>().notNull(),
    audience: jsonb('audience').$type<BroadcastAudience>().notNull(),
    /** The organization's number it is sent from (E.164). */
    fromNumber: text('from_number').notNull(),
    status: broadcastStatus('status').notNull(),
    stoppedReason: text('stopped_reason'),
    /** When sending starts (now, or the scheduled instant; the organization's local time is shown). */
    sendAt: timestamp('send_at', { withTimezone: true }).notNull(),
    /** When the audience is bigger than the messages left this month: refuse, or send up to the limit. */
    upToLimit: boolean('up_to_limit').notNull().default(false),
    recipientCount: integer('recipient_count').notNull().default(0),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('broadcasts_org_created_idx').on(t.organizationId, t.createdAt)],
)

/** One row per recipient, made when the broadcast starts: the unit of exactly-once sending. */
export const broadcastRecipients = pgTable(
  'broadcast_recipients',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    broadcastId: text('broadcast_id')
      .notNull()
      .references(() => broadcasts.id, { onDelete: 'cascade' }),
    contactId: text('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    waId: text('wa_id').notNull(),
    state: recipientState('state').notNull().default('pending'),
    skipReason: skipReason('skip_reason'),
    /** The values sent ({"1": "Ana"}). */
    variables: jsonb('variables').$type<Record<string, string>>(),
    /** The message, once made; its status is the recipient's status. */
    messageId: text('message_id').references(() => messages.id, { onDelete: 'set null' }),
    position: integer('position').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One message per number per broadcast, however often the job runs.
    uniqueIndex('broadcast_recipients_number_uq').on(t.broadcastId, t.waId),
    index('broadcast_recipients_pending_idx')
      .on(t.broadcastId, t.position)
      .where(sql`${t.state} = 'pending'`),
  ],
)
