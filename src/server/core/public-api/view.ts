import type { contacts, conversations, messages } from '../../db/schema/index.js'
import type { ContactView } from '../contacts/view.js'
import { sessionWindow } from '../conversations/conversations.js'
import type { SourceView, TrainingView } from '../knowledge/view.js'
import type { getStats } from '../stats/get-stats.js'

// The public API's own shapes (v1). They are a contract with integrators: they change only by
// adding fields, never by following the dashboard's shapes, which change with the pages.

type MessageRow = typeof messages.$inferSelect
type ConversationRow = typeof conversations.$inferSelect
type ContactRow = Pick<typeof contacts.$inferSelect, 'id' | 'waId' | 'name' | 'profileName'>

export const V1_MESSAGE_SOURCES = ['customer', 'ai', 'agent', 'broadcast', 'template'] as const
export type V1MessageSource = (typeof V1_MESSAGE_SOURCES)[number]

/**
 * Who wrote a message: the customer; the assistant (its answers and the automatic notices:
 * welcome, out of hours, limit, opt-out confirmation); a person or an API key (`agent`, or
 * `template` when it went out as a WhatsApp template); a broadcast.
 */
export function v1Source(m: Pick<MessageRow, 'source' | 'templateId'>): V1MessageSource {
  switch (m.source) {
    case 'customer':
      return 'customer'
    case 'broadcast':
      return 'broadcast'
    case 'agent':
      return m.templateId ? 'template' : 'agent'
    default:
      return 'ai'
  }
}

/** A message; `from`/`to` are E.164 numbers (the customer's and the organization's WhatsApp number). */
export function v1MessageView(m: MessageRow, ends: { customerPhone: string; businessPhone: string }) {
  const inbound = m.direction === 'inbound'
  return {
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    from: inbound ? ends.customerPhone : ends.businessPhone,
    to: inbound ? ends.businessPhone : ends.customerPhone,
    text: m.body,
    media: m.media.map((x) => ({ url: x.url, contentType: x.contentType })),
    status: m.status,
    source: v1Source(m),
    templateId: m.templateId,
    createdAt: m.createdAt.toISOString(),
  }
}
export type V1Message = ReturnType<typeof v1MessageView>

export function v1ConversationView(c: ConversationRow, contact: ContactRow, now = Date.now()) {
  return {
    id: c.id,
    contact: { id: contact.id, phone: contact.waId, name: contact.name || contact.profileName || null },
    number: c.channelNumber,
    status: c.status,
    handedOff: c.status === 'human',
    needsAttention: c.needsAttention,
    lastMessageAt: c.lastMessageAt.toISOString(),
    ...sessionWindow(c.lastInboundAt, now),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  }
}
export type V1Conversation = ReturnType<typeof v1ConversationView>

export function v1ContactView(c: ContactView) {
  return {
    id: c.id,
    phone: c.phone,
    name: c.name,
    profileName: c.profileName,
    tags: c.tags,
    attributes: c.attributes,
    optedIn: c.optedIn,
    optedInAt: c.optedInAt,
    optedOut: c.optedOut,
    optedOutAt: c.optedOutAt,
    conversationId: c.conversationId,
    firstSeenAt: c.firstSeenAt,
    lastSeenAt: c.lastSeenAt,
    updatedAt: c.updatedAt,
  }
}

export function v1SourceView(s: SourceView) {
  return {
    id: s.id,
    kind: s.kind,
    title: s.title,
    status: s.status,
    error: s.error,
    contentLength: s.contentLength,
    fileName: s.fileName,
    mimeType: s.mimeType,
    sizeBytes: s.sizeBytes,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  }
}

export function v1TrainingView(t: TrainingView & { changedSinceTraining?: boolean }) {
  return {
    status: t.status,
    progress: t.progress,
    error: t.error,
    trainedAt: t.trainedAt,
    ...(t.changedSinceTraining !== undefined && { changedSinceTraining: t.changedSinceTraining }),
  }
}

type Stats = Awaited<ReturnType<typeof getStats>>

/** This month's counts (in the organization's time zone), the last 30 days, usage against the limit. */
export function v1StatsView(s: Stats) {
  return {
    month: {
      key: s.month.key,
      since: s.month.since,
      inbound: s.month.inbound,
      outbound: s.month.outbound,
      failed: s.month.failed,
    },
    perDay: s.perDay.map((d) => ({ date: d.date, inbound: d.inbound, outbound: d.outbound })),
    conversations: {
      total: s.conversations.total,
      thisMonth: s.conversations.thisMonth,
      handedOff: s.conversations.withHuman,
      needsAttention: s.conversations.needsAttention,
    },
    uniqueCustomers: s.uniqueCustomers,
    usage: {
      used: s.usage.used,
      limit: s.usage.limit,
      remaining: s.usage.remaining,
      limitReached: s.usage.limitReached,
      limitReachedAt: s.usage.limitReachedAt,
    },
    averageReplyLatencyMs: s.averageReplyLatencyMs,
  }
}
