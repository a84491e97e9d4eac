import { randomBytes } from 'node:crypto'
import twilio from 'twilio'
import type { Services } from '../core/context.js'
import { SIMULATOR_PARAM } from '../core/inbound/accept-inbound.js'

const WEBHOOK_PATH = '/api/whatsapp/webhook'

/**
 * Posts the dashboard simulator's customer message through the real inbound webhook: the form
 * Twilio would send, signed with the webhook token, dispatched in-process. It carries the
 * simulator's marker parameter, which Twilio never sends and which the signature covers, so only
 * this server can make a message simulated. Twilio's wire format stays at the HTTP edge, beside
 * the webhook that checks it.
 */
export async function postSimulatedInbound(
  services: Pick<Services, 'config' | 'telephony'>,
  dispatch: (request: Request) => Promise<Response>,
  input: { from: string; to: string; body: string; profileName?: string },
): Promise<{ messageSid: string }> {
  const messageSid = `SM${randomBytes(16).toString('hex')}`
  const params: Record<string, string> = {
    SmsMessageSid: messageSid,
    NumMedia: '0',
    ProfileName: input.profileName ?? 'Simulator customer',
    MessageType: 'text',
    SmsSid: messageSid,
    WaId: input.from.slice(1),
    SmsStatus: 'received',
    Body: input.body,
    To: `whatsapp:${input.to}`,
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: messageSid,
    AccountSid: services.config.twilio?.accountSid ?? `AC${'0'.repeat(32)}`,
    From: `whatsapp:${input.from}`,
    ApiVersion: '2010-04-01',
    [SIMULATOR_PARAM]: '1',
  }
  const url = `${services.config.appUrl}${WEBHOOK_PATH}`
  const signature = twilio.getExpectedTwilioSignature(services.telephony.webhookAuthToken, url, params)
  const res = await dispatch(
    new Request(`http://internal${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    }),
  )
  if (res.status !== 200) throw new Error(`the webhook answered ${res.status}: ${await res.text()}`)
  return { messageSid }
}
