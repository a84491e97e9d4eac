import { randomBytes } from 'node:crypto'
import { asc, eq } from 'drizzle-orm'
import twilio from 'twilio'
import { messages, phoneNumbers } from '../../src/server/db/schema/index.js'
import type { TestRuntime } from './runtime.js'

let seq = 0
/** A fresh E.164 number (prefix + 7 digits) not used before in this process. */
export const uniquePhone = (prefix = '+1555') =>
  `${prefix}${String((Math.floor(Math.random() * 9000) * 1000 + seq++) % 10_000_000).padStart(7, '0')}`

export const messageSid = () => `SM${randomBytes(16).toString('hex')}`

/**
 * Gives the organization an active WhatsApp number directly in the database (provisioning has
 * its own tests); returns the E.164.
 */
export async function giveActiveNumber(rt: TestRuntime, organizationId: string, e164 = uniquePhone('+1777')) {
  await rt.services.db.insert(phoneNumbers).values({
    organizationId,
    e164,
    provider: rt.services.telephony.kind,
    providerNumberSid: `PN${randomBytes(16).toString('hex')}`,
    status: 'active',
    senderStatus: 'ONLINE',
  })
  return e164
}

/** Twilio's inbound message form for a text from `from` to `to`. */
export function inboundParams(input: {
  from: string
  to: string
  body: string
  sid?: string
  profileName?: string
  extra?: Record<string, string>
}): Record<string, string> & { MessageSid: string; Body: string; From: string; To: string } {
  const sid = input.sid ?? messageSid()
  return {
    SmsMessageSid: sid,
    NumMedia: '0',
    ProfileName: input.profileName ?? 'Test Customer',
    MessageType: 'text',
    SmsSid: sid,
    WaId: input.from.replace('+', ''),
    SmsStatus: 'received',
    Body: input.body,
    To: `whatsapp:${input.to}`,
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: sid,
    AccountSid: `AC${'1'.repeat(32)}`,
    From: `whatsapp:${input.from}`,
    ApiVersion: '2010-04-01',
    ...input.extra,
  }
}

/** Posts a form to a webhook path signed as Twilio would sign it (or with the given signature). */
export async function postTwilio(
  rt: TestRuntime,
  path: '/api/whatsapp/webhook' | '/api/whatsapp/status',
  params: Record<string, string>,
  opts: { token?: string; signature?: string | null } = {},
) {
  const token = opts.token ?? rt.services.telephony.webhookAuthToken
  const signature =
    opts.signature === undefined
      ? twilio.getExpectedTwilioSignature(token, `${rt.config.appUrl}${path}`, params)
      : opts.signature
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  if (signature !== null) headers['x-twilio-signature'] = signature
  const res = await rt.request(path, {
    method: 'POST',
    headers,
    body: new URLSearchParams(params).toString(),
  })
  return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') }
}

/** The outbound messages answering one inbound message (by its Twilio sid), oldest first. */
export async function repliesTo(rt: TestRuntime, inboundSid: string) {
  const [inbound] = await rt.services.db
    .select()
    .from(messages)
    .where(eq(messages.providerMessageId, inboundSid))
  if (!inbound) return []
  // Ordered in SQL: timestamps differ by microseconds, which a JS Date cannot tell apart.
  return rt.services.db
    .select()
    .from(messages)
    .where(eq(messages.replyToId, inbound.id))
    .orderBy(asc(messages.createdAt))
}
