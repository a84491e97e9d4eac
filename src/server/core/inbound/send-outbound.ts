import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { queryRows } from '../../db/client.js'
import { readVariables } from '../../db/encrypted-columns.js'
import { contacts, conversations, messages, templates } from '../../db/schema/index.js'
import { TelephonyError } from '../../providers/telephony/types.js'
import type { Ctx } from '../context.js'
import { queueAttentionNotice } from '../conversations/attention.js'
import { webhookUrls } from '../numbers/webhook-urls.js'
import { emitEvent } from '../webhooks/emit.js'

type MessageRow = typeof messages.$inferSelect

/** WhatsApp allows free-form messages only within 24 hours of the customer's last message. */
export const SESSION_WINDOW_MS = 24 * 60 * 60 * 1000
export const OUTSIDE_WINDOW_REASON =
  "Outside WhatsApp's 24-hour window since the customer's last message (a template is needed)"

/** `failed`: this call marked it failed; `already-failed`: it was before. */
export type SendOutcome = 'sent' | 'already-sent' | 'failed' | 'already-failed'

/** `template` is the message's template when the caller joined it; absent, it is read when needed. */
export interface OutboundRow {
  message: MessageRow
  conversation: typeof conversations.$inferSelect
  contact: typeof contacts.$inferSelect
  template?: typeof templates.$inferSelect | null
}

/** Outbound messages with their conversation, contact and (for a template message) template, oldest first. */
export function loadOutbound(ctx: Ctx, ids: string[]): Promise<OutboundRow[]> {
  return (
    ctx.db
      .select({ message: messages, conversation: conversations, contact: contacts, template: templates })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      // Same organization as the message: a template id never reaches across tenants.
      .leftJoin(
        templates,
        and(eq(templates.id, messages.templateId), eq(templates.organizationId, messages.organizationId)),
      )
      .where(inArray(messages.id, ids))
      .orderBy(asc(messages.createdAt))
  )
}

/**
 * Marks an outbound message failed for good, with the reason the organization will see, and flags
 * its conversation `needsAttention` (a customer went unanswered), in one statement.
 */
export async function markMessageFailed(ctx: Ctx, messageId: string, reason: string, code?: string | number) {
  await ctx.db.transaction(async (tx) => {
    const started = await queryRows<{
      id: string
      organization_id: string
      episode: Date | string
      started: boolean
    }>(
      tx,
      sql`
      with failed as (
        update messages set status = 'failed', error_message = ${reason.slice(0, 500)},
          error_code = ${code === undefined ? null : String(code)}, updated_at = now()
        where id = ${messageId} and provider_message_id is null
        returning conversation_id
      )
      update conversations set needs_attention = true, attention_reason = 'send_failed',
        attention_since = coalesce(attention_since, now()), resolved_at = null, updated_at = now()
      where id in (select conversation_id from failed)
      returning id, organization_id, attention_since as episode, attention_since = now() as started`,
    )
    // The team is told once per episode (core/conversations/attention.ts).
    for (const c of started.filter((r) => r.started)) {
      await queueAttentionNotice(tx, ctx.jobs, {
        organizationId: c.organization_id,
        conversationId: c.id,
        episode: c.episode,
      })
    }
  })
}

/**
 * Sends one stored (queued) outbound message through the telephony provider and records the
 * provider's id and status. Never sends a message twice: a message with a provider id is done.
 * Retryable provider failures throw (the job retries); refusals mark it failed.
 */
export async function sendOutbound(
  ctx: Ctx,
  messageId: string,
  opts: { isLastAttempt: boolean },
  /** The message with its conversation and contact, when the caller has just read them. */
  loaded?: OutboundRow,
): Promise<SendOutcome> {
  const row = loaded ?? (await loadOutbound(ctx, [messageId]))[0]
  if (!row) return 'already-failed'
  const { message, conversation, contact } = row
  if (message.providerMessageId) return 'already-sent'
  if (message.status === 'failed') return 'already-failed'
  const optOutNotice = message.source === 'opt_out'
  if (contact.optedOut && !optOutNotice) {
    await markMessageFailed(ctx, message.id, 'The customer opted out (STOP); nothing more is sent to them')
    return 'failed'
  }
  let content: { contentSid: string; contentVariables: Record<string, string> } | undefined
  if (message.templateId) {
    const template = row.template !== undefined ? row.template : await templateOf(ctx, message)
    // A template message is WhatsApp's way to write outside the 24-hour window, so no window
    // check; it must still be approved when it leaves (Meta can pause or disable it meanwhile).
    if (!template?.contentSid) {
      await markMessageFailed(
        ctx,
        message.id,
        'The template was deleted before the message was sent',
        'template',
      )
      return 'failed'
    }
    if (template.status !== 'approved') {
      await markMessageFailed(
        ctx,
        message.id,
        `The template "${template.name}" is ${template.status}, not approved; it cannot be sent`,
        'template',
      )
      return 'failed'
    }
    // A broadcast's `name` variable is stored encrypted (db/encrypted-columns.ts readVariables).
    content = { contentSid: template.contentSid, contentVariables: readVariables(message.contentVariables) }
  } else {
    const lastInbound = conversation.lastInboundAt?.getTime() ?? 0
    if (Date.now() - lastInbound > SESSION_WINDOW_MS) {
      await markMessageFailed(ctx, message.id, OUTSIDE_WINDOW_REASON, 'window')
      return 'failed'
    }
  }
  if (contact.simulated) {
    // The dashboard's simulator: recorded as delivered, never sent to a phone.
    await recordSent(ctx, message, `SIM${crypto.randomUUID().replaceAll('-', '')}`, 'delivered')
    return 'sent'
  }
  try {
    const sent = await ctx.telephony.sendMessage({
      from: conversation.channelNumber,
      to: contact.waId,
      body: message.body,
      ...content,
      statusCallback: webhookUrls(ctx.config).statusCallback,
    })
    await recordSent(ctx, message, sent.sid, sent.status, contact)
    return 'sent'
  } catch (err) {
    const retryable = !(err instanceof TelephonyError) || err.retryable
    if (retryable && !opts.isLastAttempt) throw err
    const reason = err instanceof Error ? err.message : String(err)
    await markMessageFailed(
      ctx,
      message.id,
      retryable ? `The provider kept failing: ${reason}` : `The provider refused the message: ${reason}`,
      err instanceof TelephonyError ? err.providerCode : undefined,
    )
    ctx.log.warn({ err, messageId }, 'outbound message failed for good')
    return 'failed'
  }
}

async function templateOf(ctx: Ctx, message: MessageRow) {
  if (!message.templateId) return null
  const [template] = await ctx.db
    .select()
    .from(templates)
    .where(and(eq(templates.id, message.templateId), eq(templates.organizationId, message.organizationId)))
  return template ?? null
}

const KNOWN = new Set(['queued', 'sent', 'delivered', 'read', 'failed', 'undelivered'])

async function recordSent(
  ctx: Ctx,
  message: MessageRow,
  sid: string,
  providerStatus: string,
  /** The customer, when Twilio accepted the message (a `message.sent` event is written). */
  contact?: typeof contacts.$inferSelect,
) {
  const status = (
    KNOWN.has(providerStatus) ? providerStatus : providerStatus === 'accepted' ? 'queued' : 'sent'
  ) as MessageRow['status']
  await ctx.db.transaction(async (tx) => {
    // Both rows in one statement (one round trip).
    await tx.execute(sql`
      with sent as (
        update messages set provider_message_id = ${sid}, status = ${status}, sent_at = now(), updated_at = now()
        where id = ${message.id}
        returning conversation_id
      )
      update conversations set last_message_at = now(), updated_at = now()
      where id in (select conversation_id from sent)`)
    if (!contact) return
    await emitEvent(
      tx,
      {
        organizationId: message.organizationId,
        type: 'message.sent',
        orderingKey: message.conversationId,
        subjectPhone: contact.waId,
        data: {
          messageId: message.id,
          conversationId: message.conversationId,
          contact: { id: contact.id, phone: contact.waId, name: contact.profileName },
          text: message.body,
          source: message.source,
          templateId: message.templateId,
          providerMessageId: sid,
          status,
          sentAt: new Date().toISOString(),
        },
      },
      ctx.jobs,
    )
  })
}
