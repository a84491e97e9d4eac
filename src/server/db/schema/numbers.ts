import { sql } from 'drizzle-orm'
import { boolean, index, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { NUMBER_STATUSES } from '../../../shared/enums.js'
import { organizations } from './organizations.js'

export const numberStatus = pgEnum('number_status', NUMBER_STATUSES)

export const phoneNumbers = pgTable(
  'phone_numbers',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** E.164, e.g. +250788111111. */
    e164: text('e164').notNull(),
    provider: text('provider').notNull(),
    /** Twilio IncomingPhoneNumber sid (PN…) or the sandbox's id. */
    providerNumberSid: text('provider_number_sid'),
    /** WhatsApp sender sid (XE…). */
    senderSid: text('sender_sid'),
    senderStatus: text('sender_status'),
    status: numberStatus('status').notNull().default('purchasing'),
    failureReason: text('failure_reason'),
    isPrimary: boolean('is_primary').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    releasedAt: timestamp('released_at', { withTimezone: true }),
  },
  (t) => [
    // A number belongs to at most one organization at a time; released or failed rows keep history.
    uniqueIndex('phone_numbers_live_e164_uq')
      .on(t.e164)
      .where(sql`${t.status} not in ('released', 'failed')`),
    index('phone_numbers_org_idx').on(t.organizationId),
  ],
)

/**
 * Purchase attempts that reached the provider, per organization: the provisioning throttle counts
 * the last hour's rows (older ones are pruned as new attempts come in).
 */
export const provisioningAttempts = pgTable(
  'provisioning_attempts',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: text('user_id'),
    e164: text('e164').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('provisioning_attempts_org_idx').on(t.organizationId, t.createdAt)],
)
