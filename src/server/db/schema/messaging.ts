import { sql } from 'drizzle-orm'
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import {
  type AttentionReason,
  CONVERSATION_STATUSES,
  MESSAGE_DIRECTIONS,
  MESSAGE_SOURCES,
  MESSAGE_STATUSES,
} from '../../../shared/enums.js'
import { encryptedMedia, encryptedText } from '../encrypted-columns.js'
import { user } from './auth.js'
import { organizations } from './organizations.js'

export const conversationStatus = pgEnum('conversation_status', CONVERSATION_STATUSES)
export const messageDirection = pgEnum('message_direction', MESSAGE_DIRECTIONS)
export const messageStatus = pgEnum('message_status', MESSAGE_STATUSES)
export const messageSource = pgEnum('message_source', MESSAGE_SOURCES)

export interface MediaItem {
  url: string
  contentType: string
}

export const contacts = pgTable(
  'contacts',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** WhatsApp id: the customer's number without "whatsapp:" (E.164). */
    waId: text('wa_id').notNull(),
    profileName: encryptedText('profile_name'),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    /** The customer's last message; null for a contact who never wrote (imported, added by hand). */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    /** The organization's labels for this customer; written by the contacts pages (issue 15), read by segments. */
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    optedOut: boolean('opted_out').notNull().default(false),
    optedOutAt: timestamp('opted_out_at', { withTimezone: true }),
    /**
     * When the customer agreed to receive messages the business starts (marketing, reminders).
     * Set only by an explicit opt-in (an import's opt-in column, or a person marking it); without
     * it broadcasts skip the contact. Writing first needs consent; answering does not.
     */
    optedInAt: timestamp('opted_in_at', { withTimezone: true }),
    /** The business's own name for the customer (the WhatsApp profile name is `profileName`). */
    name: encryptedText('name'),
    /**
     * Blind index of name and profile name (core/crypto/blind-index.ts): HMAC tokens of word
     * prefixes, for search; `nameTermsKey` is the ring key they were made under (null: to re-index).
     */
    nameTerms: text('name_terms').array().notNull().default(sql`'{}'::text[]`),
    nameTermsKey: text('name_terms_key'),
    /** Free key → value facts the business keeps (plan, city, last order…); template variables read them. */
    attributes: jsonb('attributes').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    notes: encryptedText('notes'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    welcomedAt: timestamp('welcomed_at', { withTimezone: true }),
    /**
     * A customer played in the dashboard's simulator: kept apart from the real customer with the
     * same number (own opt-out state, conversations), never sent to, never counted.
     */
    simulated: boolean('simulated').notNull().default(false),
  },
  (t) => [
    uniqueIndex('contacts_org_wa_uq').on(t.organizationId, t.waId, t.simulated),
    index('contacts_org_last_seen_idx').on(t.organizationId, t.lastSeenAt),
    index('contacts_tags_idx').using('gin', t.tags),
    index('contacts_name_terms_idx').using('gin', t.nameTerms),
  ],
)

export const conversations = pgTable(
  'conversations',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    /** The organization's number the customer wrote to (E.164); replies go out from it. */
    channelNumber: text('channel_number').notNull(),
    status: conversationStatus('status').notNull().default('ai'),
    /** Set when the team has something to look at (the AI handed the chat over); cleared when seen. */
    needsAttention: boolean('needs_attention').notNull().default(false),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull().defaultNow(),
    /** Start of the closed period the out-of-hours message was last sent for. */
    outOfHoursNoticeFor: text('out_of_hours_notice_for'),
    /** Why it needs a person (set with needsAttention; core/conversations/attention.ts). */
    attentionReason: text('attention_reason').$type<AttentionReason>(),
    /** Start of the current "needs a person" episode; null once a person handled it. Notifications are per episode. */
    attentionSince: timestamp('attention_since', { withTimezone: true }),
    /** The member the conversation is assigned to (the inbox). */
    assignedUserId: text('assigned_user_id').references(() => user.id, { onDelete: 'set null' }),
    /** Resolved by the team (the inbox); a new customer message reopens it. */
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** 0..1 from its answers' scores (and the customer's rating); null until an answer was scored. */
    qualityScore: real('quality_score'),
    /** The customer's 1–5 rating, when asked and answered. */
    rating: integer('rating'),
    ratingAskedAt: timestamp('rating_asked_at', { withTimezone: true }),
    ratedAt: timestamp('rated_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One conversation per contact: it never ends, it only passes between the AI and the team.
    uniqueIndex('conversations_contact_uq').on(t.organizationId, t.contactId),
    index('conversations_org_last_idx').on(t.organizationId, t.lastMessageAt),
  ],
)

export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    direction: messageDirection('direction').notNull(),
    body: encryptedText('body').notNull().default(''),
    media: encryptedMedia('media').notNull().default(sql`'[]'::jsonb`),
    /** Twilio MessageSid (SM…/MM…) or the sandbox's id; unique so a redelivered webhook is a no-op. */
    providerMessageId: text('provider_message_id').unique(),
    status: messageStatus('status').notNull(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    source: messageSource('source').notNull(),
    /** For outbound messages: the inbound message that caused it (idempotent replies). */
    replyToId: text('reply_to_id'),
    /**
     * A WhatsApp template message (allowed outside the 24-hour window): the template and the
     * values of its variables ({"1": "Ana"}); `body` holds the rendered text shown in the dashboard.
     */
    templateId: text('template_id'),
    contentVariables: jsonb('content_variables').$type<Record<string, string>>(),
    /** The agent who wrote it (source = agent). */
    authorUserId: text('author_user_id'),
    /** The experiment variant that made this AI answer (or welcome), if one was running. */
    variantId: text('variant_id'),
    tokensIn: integer('tokens_in'),
    tokensOut: integer('tokens_out'),
    latencyMs: integer('latency_ms'),
    model: text('model'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('messages_conversation_idx').on(t.conversationId, t.createdAt),
    index('messages_org_created_idx').on(t.organizationId, t.createdAt),
    // One message of each kind per customer message, however often the reply job runs.
    uniqueIndex('messages_reply_source_uq').on(t.replyToId, t.source).where(sql`${t.replyToId} is not null`),
  ],
)

/** One limit notice per contact per billing month. */
export const limitNotices = pgTable(
  'limit_notices',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    month: text('month').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('limit_notices_uq').on(t.organizationId, t.contactId, t.month)],
)
