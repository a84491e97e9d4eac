import { and, eq, getTableColumns } from 'drizzle-orm'
import { contacts, conversations } from '../../db/schema/index.js'

type ContactRow = Omit<typeof contacts.$inferSelect, 'nameTerms' | 'nameTermsKey'>

// The name's blind index (core/crypto/blind-index.ts) serves search only: never read back.
const { nameTerms: _nameTerms, nameTermsKey: _nameTermsKey, ...contactColumns } = getTableColumns(contacts)

/** A contact's columns and its conversation's id (one conversation per contact, if it ever wrote). */
export const contactSelection = { ...contactColumns, conversationId: conversations.id }

/** The join that brings a contact's conversation id. */
export const contactConversationJoin = and(
  eq(conversations.contactId, contacts.id),
  eq(conversations.organizationId, contacts.organizationId),
)

export function contactView(c: ContactRow & { conversationId: string | null }) {
  return {
    id: c.id,
    phone: c.waId,
    name: c.name,
    profileName: c.profileName,
    displayName: c.name || c.profileName || c.waId,
    tags: c.tags,
    attributes: c.attributes,
    notes: c.notes,
    optedOut: c.optedOut,
    optedOutAt: c.optedOutAt?.toISOString() ?? null,
    optedIn: c.optedInAt !== null,
    optedInAt: c.optedInAt?.toISOString() ?? null,
    firstSeenAt: c.firstSeenAt.toISOString(),
    lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
    conversationId: c.conversationId,
    updatedAt: c.updatedAt.toISOString(),
  }
}

export type ContactView = ReturnType<typeof contactView>
