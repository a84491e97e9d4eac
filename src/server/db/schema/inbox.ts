import { sql } from 'drizzle-orm'
import { bigserial, boolean, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import { encryptedMedia, encryptedText } from '../encrypted-columns.js'

/**
 * Every customer message as the webhook accepted it: the webhook's only write. Workers take rows
 * in batches (oldest first, one at a time per chat), turn them into contacts, conversations,
 * messages and replies, and mark them done. A row is never deleted before it is done, so an
 * accepted message is never lost; `message_sid` is unique, so a redelivery is a no-op.
 */
export const inbox = pgTable(
  'inbox',
  {
    /** Arrival order; replies to one chat follow it. */
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messageSid: text('message_sid').notNull().unique(),
    /** The number written to (E.164) and the customer's WhatsApp id (E.164): together, the chat. */
    toNumber: text('to_number').notNull(),
    fromWaId: text('from_wa_id').notNull(),
    /** Profile name, body and media urls encrypted at rest (db/encrypted-columns.ts). */
    profileName: encryptedText('profile_name'),
    body: encryptedText('body').notNull().default(''),
    media: encryptedMedia('media').notNull().default(sql`'[]'::jsonb`),
    /** Written through the dashboard's simulator: replies are recorded, never sent to a phone. */
    simulated: boolean('simulated').notNull().default(false),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * The stored message once the row is ingested; its replies were planned and counted in the
     * same transaction, so a retry only sends what is still queued.
     */
    messageId: text('message_id'),
    /** The worker process holding the row and until when; it renews this while it works. */
    lockedBy: text('locked_by'),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    /** Finished: `outcome` says how (answered, ignored, unrouted, failed…). */
    doneAt: timestamp('done_at', { withTimezone: true }),
    outcome: text('outcome'),
  },
  (t) => [
    // The queue: rows still to do, by chat and arrival.
    index('inbox_pending_idx').on(t.toNumber, t.fromWaId, t.id).where(sql`${t.doneAt} is null`),
    index('inbox_queue_idx').on(t.id).where(sql`${t.doneAt} is null`),
  ],
)
