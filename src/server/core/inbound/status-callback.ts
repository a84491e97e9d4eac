import { and, eq, sql } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { contacts, conversations, messages } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { emitEvent, subscribedOrganizations } from '../webhooks/emit.js'
import type { TwilioParams } from './accept-inbound.js'

// Statuses only move forward; callbacks that arrive out of order never move one back.
const RANK: Record<string, number> = {
  queued: 0,
  accepted: 0,
  sending: 0,
  sent: 1,
  failed: 2,
  undelivered: 2,
  delivered: 3,
  read: 4,
}
const STORED: Record<string, 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'undelivered'> = {
  queued: 'queued',
  accepted: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  undelivered: 'undelivered',
}

const rankSql = sql`case ${messages.status} when 'queued' then 0 when 'sent' then 1 when 'failed' then 2 when 'undelivered' then 2 when 'delivered' then 3 when 'read' then 4 else 0 end`

/** Applies one Twilio status callback to the outbound message it names. */
export async function applyStatusCallback({ ctx, input }: { ctx: Ctx; input: TwilioParams }) {
  const sid = input.MessageSid ?? input.SmsSid
  const reported = (input.MessageStatus ?? input.SmsStatus ?? '').toLowerCase()
  const status = STORED[reported]
  if (!sid || !status) return { updated: false }
  const failed = status === 'failed' || status === 'undelivered'
  return ctx.db.transaction(async (tx) => {
    const updated = await tx
      .update(messages)
      .set({
        status,
        updatedAt: sql`now()`,
        ...(failed
          ? {
              errorCode: input.ErrorCode ?? null,
              errorMessage:
                input.ErrorMessage ??
                (input.ErrorCode ? `Twilio error ${input.ErrorCode}` : 'The message could not be delivered'),
            }
          : {}),
      })
      .where(
        and(
          eq(messages.providerMessageId, sid),
          eq(messages.direction, 'outbound'),
          sql`${rankSql} < ${RANK[reported]}`,
        ),
      )
      .returning({
        id: messages.id,
        organizationId: messages.organizationId,
        conversationId: messages.conversationId,
        errorCode: messages.errorCode,
        errorMessage: messages.errorMessage,
      })
    const [message] = updated
    if (message) await emitStatus(ctx, tx, message, sid, status)
    return { updated: updated.length > 0 }
  })
}

/** `message.status`: the status Twilio reported, when it moved the message forward. */
async function emitStatus(
  ctx: Ctx,
  tx: Tx,
  message: {
    id: string
    organizationId: string
    conversationId: string
    errorCode: string | null
    errorMessage: string | null
  },
  sid: string,
  status: string,
) {
  if (!(await subscribedOrganizations(tx, [message.organizationId], 'message.status')).size) return
  const [contact] = await tx
    .select({ id: contacts.id, waId: contacts.waId })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(conversations.id, message.conversationId))
  await emitEvent(
    tx,
    {
      organizationId: message.organizationId,
      type: 'message.status',
      orderingKey: message.conversationId,
      subjectPhone: contact?.waId,
      data: {
        messageId: message.id,
        conversationId: message.conversationId,
        contact: contact ? { id: contact.id, phone: contact.waId } : null,
        providerMessageId: sid,
        status,
        errorCode: status === 'failed' || status === 'undelivered' ? message.errorCode : null,
        errorMessage: status === 'failed' || status === 'undelivered' ? message.errorMessage : null,
        at: new Date().toISOString(),
      },
    },
    ctx.jobs,
  )
}
