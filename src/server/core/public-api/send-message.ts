import { and, eq } from 'drizzle-orm'
import { isE164 } from '../../../shared/phone.js'
import { variableProblems } from '../../../shared/template-text.js'
import { contacts, conversations, messages } from '../../db/schema/index.js'
import { activeNumbers } from '../broadcasts/create-broadcast.js'
import type { ActorCtx } from '../context.js'
import { replyAsAgent } from '../conversations/conversations.js'
import { sendTemplateMessage } from '../conversations/send-template.js'
import { BadRequest, Conflict, NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { findTemplate, requireApproved } from '../templates/find-template.js'
import { v1MessageView } from './view.js'

export interface SendMessageInput {
  organizationId: string
  /** The customer's number, E.164. */
  to: string
  text?: string
  templateId?: string
  variables?: Record<string, string>
}

/**
 * Sends a WhatsApp message to a customer for an integrator, through the path agents use (stored
 * `queued` with the `messages.send` job in one transaction, the conversation taken over): free
 * text only inside the 24-hour window since the customer's last message (else 409
 * OUTSIDE_WINDOW and nothing is stored), an approved template at any time (a number that never
 * wrote gets its contact and conversation, on the organization's first active number). A
 * customer who opted out (STOP) is never written to: 409 CUSTOMER_OPTED_OUT.
 */
export async function sendMessage({ ctx, input }: { ctx: ActorCtx; input: SendMessageInput }) {
  await authorizeOrganization(ctx, input.organizationId, 'conversations:reply')
  const hasText = input.text !== undefined
  if (hasText === (input.templateId !== undefined)) {
    throw new BadRequest('Invalid input', [
      { path: 'text', message: 'give exactly one of text or templateId' },
    ])
  }
  if (hasText && input.variables !== undefined) {
    throw new BadRequest('Invalid input', [{ path: 'variables', message: 'variables go with a templateId' }])
  }
  if (!isE164(input.to)) {
    throw new BadRequest('Invalid input', [
      { path: 'to', message: 'must be an E.164 number like +14155550123' },
    ])
  }
  const found = await customerOf(ctx, input.organizationId, input.to)
  if (found?.contact.optedOut) {
    throw new Conflict('The customer opted out (STOP): nothing more is sent to them', {
      reason: 'CUSTOMER_OPTED_OUT',
    })
  }

  let messageId: string
  if (input.text !== undefined) {
    if (!found?.conversationId) {
      throw new Conflict(
        'This number never wrote to the organization: WhatsApp only lets a business write first with an approved template',
        { reason: 'OUTSIDE_WINDOW', windowClosesAt: null },
      )
    }
    const message = await replyAsAgent({
      ctx,
      input: { organizationId: input.organizationId, conversationId: found.conversationId, body: input.text },
    })
    messageId = message.id
  } else {
    const templateId = input.templateId ?? ''
    const variables = input.variables ?? {}
    // Checked before a contact or a conversation is made for a new number, so a refused request
    // leaves nothing behind; sendTemplateMessage checks again with the stored template.
    const template = requireApproved(await findTemplate(ctx.db, input.organizationId, templateId))
    const { missing, unknown } = variableProblems(
      template.body,
      Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, v.trim()])),
    )
    if (missing.length > 0 || unknown.length > 0) {
      throw new BadRequest('The variables do not match the template', { missing, unknown })
    }
    const conversationId =
      found?.conversationId ?? (await openConversation(ctx, input.organizationId, input.to))
    const message = await sendTemplateMessage({
      ctx,
      input: { organizationId: input.organizationId, conversationId, templateId, variables },
    })
    messageId = message.id
  }

  const [row] = await ctx.db
    .select({ message: messages, phone: contacts.waId, number: conversations.channelNumber })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(messages.id, messageId), eq(messages.organizationId, input.organizationId)))
  if (!row) throw new NotFound('Message')
  return {
    message: v1MessageView(row.message, { customerPhone: row.phone, businessPhone: row.number }),
    conversationId: row.message.conversationId,
  }
}

/** The (real, not simulated) contact with this number and its conversation, if any. */
async function customerOf(ctx: ActorCtx, organizationId: string, phone: string) {
  const [row] = await ctx.db
    .select({ contact: { id: contacts.id, optedOut: contacts.optedOut }, conversationId: conversations.id })
    .from(contacts)
    .leftJoin(
      conversations,
      and(
        eq(conversations.contactId, contacts.id),
        eq(conversations.organizationId, contacts.organizationId),
      ),
    )
    .where(
      and(
        eq(contacts.organizationId, organizationId),
        eq(contacts.waId, phone),
        eq(contacts.simulated, false),
      ),
    )
    .limit(1)
  return row
}

/**
 * The contact and conversation of a number that never wrote (or a contact without one), on the
 * organization's first active number; made once however many requests race for it.
 */
async function openConversation(ctx: ActorCtx, organizationId: string, phone: string) {
  const [from] = await activeNumbers(ctx, organizationId)
  if (from === undefined) {
    throw new Conflict('The organization has no active WhatsApp number to send from', {
      reason: 'NO_ACTIVE_NUMBER',
    })
  }
  return ctx.db.transaction(async (tx) => {
    await tx.insert(contacts).values({ organizationId, waId: phone, lastSeenAt: null }).onConflictDoNothing()
    const [contact] = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(
        and(
          eq(contacts.organizationId, organizationId),
          eq(contacts.waId, phone),
          eq(contacts.simulated, false),
        ),
      )
    if (!contact) throw new Error('the contact just made (or found) is not there')
    await tx
      .insert(conversations)
      .values({ organizationId, contactId: contact.id, channelNumber: from })
      .onConflictDoNothing()
    const [conversation] = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.organizationId, organizationId), eq(conversations.contactId, contact.id)))
    if (!conversation) throw new Error('the conversation just made (or found) is not there')
    return conversation.id
  })
}
