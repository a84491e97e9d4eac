import type { phoneNumbers } from '../../db/schema/index.js'
import type { WebhookEvent } from './emit.js'

/** `number.status`: a WhatsApp number became active, failed or was released. */
export const numberStatusEvent = (row: typeof phoneNumbers.$inferSelect): WebhookEvent => ({
  organizationId: row.organizationId,
  type: 'number.status',
  data: {
    numberId: row.id,
    phoneNumber: row.e164,
    status: row.status,
    senderStatus: row.senderStatus,
    failureReason: row.failureReason,
    at: new Date().toISOString(),
  },
})
