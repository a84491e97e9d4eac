import { and, eq } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { conversations } from '../../db/schema/index.js'
import { NotFound } from '../errors.js'
import { isUuid } from '../members/permissions.js'

/** The organization's conversation, locked for the rest of `tx`; another tenant's or a malformed id: 404. */
export async function lockConversation(tx: Tx, organizationId: string, conversationId: string) {
  if (!isUuid(conversationId)) throw new NotFound('Conversation')
  const [row] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.organizationId, organizationId)))
    .for('update')
  if (!row) throw new NotFound('Conversation')
  return row
}
