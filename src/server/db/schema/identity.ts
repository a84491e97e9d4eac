import { sql } from 'drizzle-orm'
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { INVITATION_STATUSES } from '../../../shared/enums.js'
import { user } from './auth.js'
import { memberRole, organizations } from './organizations.js'

/**
 * One-time codes sent by WhatsApp to prove a user holds the number they want to link. Only an
 * HMAC of the code is kept; rows stay after use so sends can be throttled per user and per number.
 */
export const phoneVerifications = pgTable(
  'phone_verifications',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    /** E.164 */
    phone: text('phone').notNull(),
    codeHash: text('code_hash').notNull(),
    /** Wrong codes tried so far; the code stops working at the limit. */
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('phone_verifications_user_idx').on(t.userId, t.createdAt),
    index('phone_verifications_phone_idx').on(t.phone, t.createdAt),
  ],
)

export const invitationStatus = pgEnum('invitation_status', INVITATION_STATUSES)

/** An invitation to join an organization, addressed to an email; accepted by the account that verified that email. */
export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** Lower-cased. */
    email: text('email').notNull(),
    role: memberRole('role').notNull(),
    status: invitationStatus('status').notNull().default('pending'),
    invitedBy: text('invited_by').references(() => user.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One open invitation per address and organization: inviting again refreshes it.
    uniqueIndex('invitations_pending_uq').on(t.organizationId, t.email).where(sql`${t.status} = 'pending'`),
    index('invitations_email_idx').on(t.email),
  ],
)
