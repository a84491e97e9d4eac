import type { phoneNumbers } from '../../db/schema/index.js'

type PhoneNumberRow = typeof phoneNumbers.$inferSelect

/** A number as the API shows it. */
export const phoneNumberView = (n: PhoneNumberRow) => ({
  id: n.id,
  phoneNumber: n.e164,
  provider: n.provider,
  status: n.status,
  senderStatus: n.senderStatus,
  failureReason: n.failureReason,
  isPrimary: n.isPrimary,
  createdAt: n.createdAt.toISOString(),
  updatedAt: n.updatedAt.toISOString(),
  releasedAt: n.releasedAt?.toISOString() ?? null,
})

export type PhoneNumberView = ReturnType<typeof phoneNumberView>

/** Statuses in which a number is held by an organization (it blocks the same number elsewhere). */
export const LIVE_STATUSES = ['purchasing', 'registering', 'active', 'releasing'] as const

/** Sender statuses that mean registration failed for good. */
export const FAILED_SENDER_STATUSES = ['OFFLINE', 'FAILED', 'REJECTED', 'DELETED', 'DELETING']
