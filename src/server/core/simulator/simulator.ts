import { and, asc, desc, eq, inArray } from 'drizzle-orm'
import { E164, E164_MESSAGE } from '../../../shared/phone.js'
import { contacts, conversations, messages, phoneNumbers } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { messageView } from '../conversations/conversations.js'
import { BadRequest, Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'

async function activeNumber(ctx: ActorCtx, organizationId: string) {
  const [number] = await ctx.db
    .select()
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.organizationId, organizationId), eq(phoneNumbers.status, 'active')))
    .orderBy(desc(phoneNumbers.isPrimary), desc(phoneNumbers.createdAt))
    .limit(1)
  if (!number)
    throw new Conflict(
      'This organization has no active WhatsApp number yet: provision one on the Overview tab first',
    )
  return number
}

function checkFrom(from: string) {
  const e164 = from.replace(/^whatsapp:/, '')
  if (!E164.test(e164)) throw new BadRequest('Invalid input', [{ path: 'from', message: E164_MESSAGE }])
  return e164
}

/**
 * Where a simulated customer message goes: the organization's active number, from a valid
 * customer number. The route then posts it through the real, signed webhook
 * (http/simulated-webhook.ts), marked simulated, so it becomes a simulated customer of its own —
 * the real customer with that number is never touched — whose replies are recorded and never sent
 * to a phone, and never counted against the month. Only members who may edit the assistant
 * (owner, admin: `knowledge:write`) may use it.
 */
export async function simulatedChat({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; from: string }
}): Promise<{ from: string; to: string }> {
  await authorizeOrganization(ctx, input.organizationId, 'knowledge:write')
  const from = checkFrom(input.from)
  const number = await activeNumber(ctx, input.organizationId)
  return { from, to: number.e164 }
}

/** The conversation as the customer `from` sees it: their messages and every reply. */
export async function customerView({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; from: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'dashboard:read')
  const from = checkFrom(input.from)
  const [contact] = await ctx.db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.organizationId, input.organizationId),
        eq(contacts.waId, from),
        eq(contacts.simulated, true),
      ),
    )
  if (!contact) return []
  const convs = await ctx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(eq(conversations.organizationId, input.organizationId), eq(conversations.contactId, contact.id)),
    )
  if (convs.length === 0) return []
  const rows = await ctx.db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.organizationId, input.organizationId),
        inArray(
          messages.conversationId,
          convs.map((c) => c.id),
        ),
      ),
    )
    .orderBy(asc(messages.createdAt))
    .limit(500)
  // The customer sees only what was actually sent to them.
  return rows
    .filter((m) => m.direction === 'inbound' || (m.body !== '' && m.status !== 'failed'))
    .map(messageView)
}
