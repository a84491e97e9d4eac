import { and, asc, eq, inArray, or } from 'drizzle-orm'
import { readEncrypted, readVariables } from '../../db/encrypted-columns.js'
import {
  broadcastRecipients,
  broadcasts,
  contacts,
  conversations,
  inbox,
  messages,
  organizations,
  phoneNumbers,
  webhookDeliveries,
  webhookEndpoints,
} from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { decryptText } from '../crypto/encryption.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { customerPhone, maskPhone } from './customer-phone.js'

const iso = (d: Date | null) => d?.toISOString() ?? null

function parsePayload(stored: string): unknown {
  try {
    return JSON.parse(decryptText(stored))
  } catch {
    return null
  }
}

/**
 * Everything the organization holds on one phone number (GDPR article 15): the contact (and the
 * simulator's customer of that number) with attributes, notes, tags and consent; conversations
 * with every message's text and media; broadcast recipient rows; inbound messages still in the
 * inbox; webhook deliveries about the number with their payloads. Nothing held → 404.
 */
export async function exportCustomer({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; phone: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'privacy:manage')
  const phone = customerPhone(input.phone)
  const orgId = input.organizationId
  const db = ctx.db
  const contactRows = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.organizationId, orgId), eq(contacts.waId, phone)))
    .orderBy(asc(contacts.simulated))
  const contactIds = contactRows.map((c) => c.id)
  const conversationRows =
    contactIds.length === 0
      ? []
      : await db
          .select()
          .from(conversations)
          .where(and(eq(conversations.organizationId, orgId), inArray(conversations.contactId, contactIds)))
  const conversationIds = conversationRows.map((c) => c.id)
  const messageRows =
    conversationIds.length === 0
      ? []
      : await db
          .select()
          .from(messages)
          .where(and(eq(messages.organizationId, orgId), inArray(messages.conversationId, conversationIds)))
          .orderBy(asc(messages.createdAt), asc(messages.id))
  const recipientRows = await db
    .select({ r: broadcastRecipients, broadcastName: broadcasts.name })
    .from(broadcastRecipients)
    .innerJoin(broadcasts, eq(broadcasts.id, broadcastRecipients.broadcastId))
    .where(
      and(
        eq(broadcastRecipients.organizationId, orgId),
        contactIds.length === 0
          ? eq(broadcastRecipients.waId, phone)
          : or(eq(broadcastRecipients.waId, phone), inArray(broadcastRecipients.contactId, contactIds)),
      ),
    )
  const inboxRows = await db
    .select()
    .from(inbox)
    .where(
      and(
        eq(inbox.fromWaId, phone),
        inArray(
          inbox.toNumber,
          db
            .select({ e164: phoneNumbers.e164 })
            .from(phoneNumbers)
            .where(eq(phoneNumbers.organizationId, orgId)),
        ),
      ),
    )
    .orderBy(asc(inbox.id))
  const deliveryRows = await db
    .select({ d: webhookDeliveries, url: webhookEndpoints.url })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.organizationId, orgId), eq(webhookDeliveries.subjectPhone, phone)))
    .orderBy(asc(webhookDeliveries.seq))
  if (
    contactRows.length === 0 &&
    recipientRows.length === 0 &&
    inboxRows.length === 0 &&
    deliveryRows.length === 0
  )
    throw new NotFound('Customer')
  const [org] = await db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, orgId))

  await recordAudit(ctx, {
    organizationId: orgId,
    action: 'customer.exported',
    target: { type: 'customer', id: maskPhone(phone) },
    details: { phone: maskPhone(phone), contacts: contactRows.length, messages: messageRows.length },
  })

  return {
    phone,
    exportedAt: new Date().toISOString(),
    organization: org ?? { id: orgId, name: '' },
    contacts: contactRows.map((c) => ({
      id: c.id,
      phone: c.waId,
      name: c.name,
      profileName: c.profileName,
      tags: c.tags,
      attributes: c.attributes,
      notes: c.notes,
      optedIn: c.optedInAt !== null,
      optedInAt: iso(c.optedInAt),
      optedOut: c.optedOut,
      optedOutAt: iso(c.optedOutAt),
      firstSeenAt: iso(c.firstSeenAt),
      lastSeenAt: iso(c.lastSeenAt),
      simulated: c.simulated,
    })),
    conversations: conversationRows.map((conv) => ({
      id: conv.id,
      contactId: conv.contactId,
      channelNumber: conv.channelNumber,
      status: conv.status,
      createdAt: iso(conv.createdAt),
      lastMessageAt: iso(conv.lastMessageAt),
      messages: messageRows
        .filter((m) => m.conversationId === conv.id)
        .map((m) => ({
          id: m.id,
          direction: m.direction,
          text: m.body,
          media: m.media,
          status: m.status,
          source: m.source,
          templateId: m.templateId,
          templateVariables: m.contentVariables ? readVariables(m.contentVariables) : null,
          errorCode: m.errorCode,
          createdAt: iso(m.createdAt),
          sentAt: iso(m.sentAt),
        })),
    })),
    broadcastRecipients: recipientRows.map(({ r, broadcastName }) => ({
      broadcastId: r.broadcastId,
      broadcastName,
      phone: r.waId,
      state: r.state,
      skipReason: r.skipReason,
      variables: r.variables ? readVariables(r.variables) : null,
      messageId: r.messageId,
      updatedAt: iso(r.updatedAt),
    })),
    inboundQueue: inboxRows.map((i) => ({
      messageSid: i.messageSid,
      to: i.toNumber,
      profileName: readEncrypted(i.profileName),
      text: readEncrypted(i.body),
      media: i.media,
      receivedAt: iso(i.receivedAt),
      outcome: i.outcome,
    })),
    webhookDeliveries: deliveryRows.map(({ d, url }) => ({
      id: d.id,
      endpointUrl: url,
      eventType: d.eventType,
      status: d.status,
      attempts: d.attempts,
      createdAt: iso(d.createdAt),
      deliveredAt: iso(d.deliveredAt),
      payload: parsePayload(d.payload),
    })),
  }
}
