import { and, eq, sql } from 'drizzle-orm'
import { messages } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
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
  const updated = await ctx.db
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
    .returning({ id: messages.id })
  return { updated: updated.length > 0 }
}
