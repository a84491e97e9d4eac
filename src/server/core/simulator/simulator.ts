import { randomBytes } from 'node:crypto'
import { and, asc, desc, eq, inArray } from 'drizzle-orm'
import twilio from 'twilio'
import { contacts, conversations, messages, phoneNumbers } from '../../db/schema/index.js'
import { E164 } from '../../providers/telephony/types.js'
import type { ActorCtx } from '../context.js'
import { messageView } from '../conversations/conversations.js'
import { BadRequest, Conflict } from '../errors.js'
import { SIMULATOR_PARAM } from '../inbound/accept-inbound.js'
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
  if (!E164.test(e164))
    throw new BadRequest('Invalid input', [
      { path: 'from', message: 'must be an E.164 number like +15551234567' },
    ])
  return e164
}

/**
 * Writes as a customer: builds the request Twilio would send for this message, signs it with the
 * webhook token, and posts it through the real webhook (in-process `dispatch`). The message is
 * marked simulated (a signed parameter Twilio never sends), so it becomes a simulated customer of
 * its own — the real customer with that number is never touched — whose replies are recorded and
 * never sent to a phone, and never counted against the month. Only members who may edit the
 * assistant (owner, admin: `knowledge:write`) may use it.
 */
export async function sendAsCustomer({
  ctx,
  input,
  dispatch,
}: {
  ctx: ActorCtx
  input: { organizationId: string; from: string; body: string; profileName?: string }
  dispatch: (request: Request) => Promise<Response>
}) {
  await authorizeOrganization(ctx, input.organizationId, 'knowledge:write')
  const from = checkFrom(input.from)
  const number = await activeNumber(ctx, input.organizationId)
  const messageSid = `SM${randomBytes(16).toString('hex')}`
  const params: Record<string, string> = {
    SmsMessageSid: messageSid,
    NumMedia: '0',
    ProfileName: input.profileName ?? 'Simulator customer',
    MessageType: 'text',
    SmsSid: messageSid,
    WaId: from.slice(1),
    SmsStatus: 'received',
    Body: input.body,
    To: `whatsapp:${number.e164}`,
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: messageSid,
    AccountSid: ctx.config.twilio?.accountSid ?? `AC${'0'.repeat(32)}`,
    From: `whatsapp:${from}`,
    ApiVersion: '2010-04-01',
    [SIMULATOR_PARAM]: '1',
  }
  const path = '/api/whatsapp/webhook'
  const url = `${ctx.config.appUrl}${path}`
  const signature = twilio.getExpectedTwilioSignature(ctx.telephony.webhookAuthToken, url, params)
  const res = await dispatch(
    new Request(`http://internal${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    }),
  )
  if (res.status !== 200) throw new Error(`the webhook answered ${res.status}: ${await res.text()}`)
  return { messageSid, to: number.e164 }
}

/** The conversation as the customer `from` sees it: their messages and every reply. */
export async function customerView({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; from: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'org:read')
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
