import { and, eq, ne, sql } from 'drizzle-orm'
import { contacts, conversations, type MediaItem, messages, organizations } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { countInbound } from '../usage/usage.js'
import { bareNumber, resolveDestination } from './destination.js'

/** Twilio's inbound message parameters (form fields), as posted to the webhook. */
export type TwilioParams = Record<string, string>

export type ReceiveResult =
  | { outcome: 'stored'; messageId: string; organizationId: string }
  | { outcome: 'duplicate' }
  | { outcome: 'unrouted' }
  | { outcome: 'ignored'; reason: string }

/**
 * Stores one inbound WhatsApp message (contact, conversation, message) and enqueues its reply
 * job, all in one transaction. A MessageSid seen before changes nothing.
 */
export async function receiveMessage({ ctx, input }: { ctx: Ctx; input: TwilioParams }): Promise<ReceiveResult> {
  const sid = input.MessageSid ?? input.SmsMessageSid
  const from = bareNumber(input.From ?? '')
  if (!sid || !from || !input.To) return { outcome: 'ignored', reason: 'missing MessageSid, From or To' }

  const [seen] = await ctx.db.select({ id: messages.id }).from(messages).where(eq(messages.providerMessageId, sid)).limit(1)
  if (seen) return { outcome: 'duplicate' }

  const destination = await resolveDestination(ctx, input.To, from)
  if (!destination) {
    ctx.log.warn({ to: input.To, sid }, 'inbound message to a number no organization holds; acknowledged, not answered')
    return { outcome: 'unrouted' }
  }
  const { org, channelNumber } = destination
  const media: MediaItem[] = []
  const numMedia = Math.min(Number(input.NumMedia ?? 0) || 0, 10)
  for (let i = 0; i < numMedia; i++) {
    const url = input[`MediaUrl${i}`]
    if (url) media.push({ url, contentType: input[`MediaContentType${i}`] ?? 'application/octet-stream' })
  }
  const waId = input.WaId ? `+${input.WaId.replace(/^\+/, '')}` : from
  const profileName = input.ProfileName?.slice(0, 200) || null

  const result = await ctx.db.transaction(async (tx) => {
    const [contact] = await tx
      .insert(contacts)
      .values({ organizationId: org.id, waId, profileName })
      .onConflictDoUpdate({
        target: [contacts.organizationId, contacts.waId],
        set: { lastSeenAt: sql`now()`, ...(profileName ? { profileName } : {}) },
      })
      .returning()
    let [conversation] = await tx
      .select()
      .from(conversations)
      .where(and(eq(conversations.organizationId, org.id), eq(conversations.contactId, contact.id), ne(conversations.status, 'closed')))
      .for('update')
    let isNew = false
    if (!conversation) {
      ;[conversation] = await tx
        .insert(conversations)
        .values({ organizationId: org.id, contactId: contact.id, channelNumber })
        .returning()
      isNew = true
    }
    const [message] = await tx
      .insert(messages)
      .values({
        organizationId: org.id,
        conversationId: conversation.id,
        direction: 'inbound',
        body: (input.Body ?? '').slice(0, 4096),
        media,
        providerMessageId: sid,
        status: 'received',
        source: 'customer',
      })
      .onConflictDoNothing()
      .returning({ id: messages.id })
    if (!message) return null // the same MessageSid committed concurrently
    await tx
      .update(conversations)
      .set({ lastInboundAt: sql`now()`, lastMessageAt: sql`now()`, channelNumber, updatedAt: sql`now()` })
      .where(eq(conversations.id, conversation.id))
    if (isNew) {
      await tx
        .update(organizations)
        .set({ totalConversations: sql`${organizations.totalConversations} + 1` })
        .where(eq(organizations.id, org.id))
    }
    await countInbound(tx, org)
    await ctx.jobs.send('inbound.reply', { messageId: message.id }, { tx })
    return message.id
  })
  if (!result) return { outcome: 'duplicate' }
  // The job became visible at commit: wake this process's reply workers now.
  ctx.jobs.wake('inbound.reply')
  return { outcome: 'stored', messageId: result, organizationId: org.id }
}
