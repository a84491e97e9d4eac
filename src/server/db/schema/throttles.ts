import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * Counters that must outlive the limiter's one-minute windows, shared by every process:
 * failed sign-ins per account (`account:<hmac of the email>`, the email itself is not stored) and
 * sign-ups per client address (`sign-up:<address>`). One row per key; rows idle for a day are
 * deleted as new ones are written (core/account/sign-in-throttle.ts).
 */
export const authThrottles = pgTable(
  'auth_throttles',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull().default(0),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull().defaultNow(),
    /** Until when further attempts are refused. */
    blockedUntil: timestamp('blocked_until', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('auth_throttles_updated_idx').on(t.updatedAt)],
)
