import { executePrepared } from '../../db/client.js'
import { encryptMediaItems, writeEncrypted } from '../../db/encrypted-columns.js'
import type { MediaItem } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { bareNumber } from './destination.js'

/** Twilio's inbound message parameters (form fields), as posted to the webhook. */
export type TwilioParams = Record<string, string>

/** The signed parameter the dashboard's simulator adds (Twilio never sends it; only we can sign it). */
export const SIMULATOR_PARAM = 'PlatformSimulator'

export type AcceptResult =
  | { outcome: 'accepted'; inboxId: number }
  | { outcome: 'duplicate' }
  | { outcome: 'ignored'; reason: string }

/**
 * $1 MessageSid, $2 To (E.164), $3 From (E.164), $4 ProfileName, $5 Body, $6 media (JSON), $7 simulated.
 * The one write of the webhook: the raw message into the inbox (a repeated MessageSid is a no-op).
 * No NOTIFY here: every NOTIFY serializes its transaction's commit on PostgreSQL's notification
 * queue (it nearly halved the webhook's rate); `ctx.inbox.wake()` sends one for many messages.
 */
const ACCEPT_SQL = `
  with accepted as (
    insert into inbox (message_sid, to_number, from_wa_id, profile_name, body, media, simulated)
    values ($1::text, $2::text, $3::text, $4::text, $5::text, $6::jsonb, $7::boolean)
    on conflict (message_sid) do nothing
    returning id
  )
  select id from accepted`

/**
 * Accepts one inbound WhatsApp message: one row in the inbox, nothing else. Contact, conversation,
 * message and the reply are made by the inbox workers, so nothing here depends on the number of
 * tenants, contacts or jobs. Who the message is for is decided there too (an unknown number is
 * recorded there as unrouted).
 */
export async function acceptInbound({
  ctx,
  input,
}: {
  ctx: Ctx
  input: TwilioParams
}): Promise<AcceptResult> {
  const sid = input.MessageSid ?? input.SmsMessageSid
  const from = bareNumber(input.From ?? '')
  const to = bareNumber(input.To ?? '')
  if (!sid || !from || !to) return { outcome: 'ignored', reason: 'missing MessageSid, From or To' }

  const media: MediaItem[] = []
  const numMedia = Math.min(Number(input.NumMedia ?? 0) || 0, 10)
  for (let i = 0; i < numMedia; i++) {
    const url = input[`MediaUrl${i}`]
    if (url) media.push({ url, contentType: input[`MediaContentType${i}`] ?? 'application/octet-stream' })
  }
  const waId = input.WaId ? `+${input.WaId.replace(/^\+/, '')}` : from
  const values = [
    sid.slice(0, 64),
    to.slice(0, 32),
    waId.slice(0, 32),
    // Encrypted at rest (raw SQL: the column types do not apply here).
    writeEncrypted(input.ProfileName?.slice(0, 200) || null),
    writeEncrypted((input.Body ?? '').slice(0, 4096)),
    JSON.stringify(encryptMediaItems(media)),
    input[SIMULATOR_PARAM] === '1',
  ]
  const [row] = await executePrepared<{ id: string | number }>(ctx.db, 'inbox_accept_v2', ACCEPT_SQL, values)
  if (!row) return { outcome: 'duplicate' }
  // After the commit: this process's inbox workers at once, other processes' within milliseconds.
  ctx.inbox.wake()
  return { outcome: 'accepted', inboxId: Number(row.id) }
}
