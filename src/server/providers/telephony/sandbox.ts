import { createHash, randomBytes } from 'node:crypto'
import { and, eq, inArray, isNotNull, notInArray } from 'drizzle-orm'
import { WHATSAPP_ADDRESS } from '../../../shared/phone.js'
import type { Config } from '../../config.js'
import type { Db } from '../../db/client.js'
import { phoneNumbers } from '../../db/schema/index.js'
import { classifyNumber, friendlyName, planFor, plannedNumbers } from './numbering-plan.js'
import {
  type AvailableNumber,
  type NumberType,
  type OutboundMessage,
  type ProvisionedNumber,
  type Sender,
  type SentMessage,
  type Telephony,
  TelephonyError,
  type TemplateApproval,
  type TemplateCategory,
  type TemplateDraft,
} from './types.js'

const isAddress = (value: string) => WHATSAPP_ADDRESS.test(value)
const NOT_LIVE = ['released', 'failed'] as const
const MAX_LIMIT = 100

const hex32 = (seed: string) => createHash('sha256').update(seed).digest('hex').slice(0, 32)

/** The sandbox's number sid: `PN` + 32 hex, the same for the same number. */
export const sandboxNumberSid = (e164: string) => `PN${hex32(`number:${e164}`)}`
const senderSid = (e164: string) => `XE${hex32(`sender:${e164}`)}`
const CONTENT_SID = /^HX[0-9a-f]{32}$/

/**
 * Telephony without Twilio: a deterministic inventory of valid numbers for every country,
 * purchases that always succeed, senders that are online at once, and outbound messages that
 * go nowhere (the in-app simulator reads replies from our messages table).
 *
 * It reads `phone_numbers` (never writes it), although providers otherwise know nothing of our
 * tables: the sandbox stands in for a Twilio account whose only customer is this platform, so the
 * numbers that account holds are exactly the live rows with a sandbox sid. A table of its own
 * would copy those rows and could disagree with them (a purchase whose row was never stored).
 */
export class SandboxTelephony implements Telephony {
  readonly kind = 'sandbox' as const
  readonly webhookAuthToken: string
  /** Webhooks set by purchase/update in this process (the database holds the numbers themselves). */
  private readonly webhooks = new Map<string, { smsUrl: string; statusCallback: string }>()

  constructor(
    config: Config,
    private readonly db: Db,
  ) {
    this.webhookAuthToken = config.sandboxToken
  }

  async searchNumbers(q: {
    country: string
    type: NumberType
    contains?: string
    limit?: number
  }): Promise<AvailableNumber[]> {
    if (!/^[A-Za-z]{2}$/.test(q.country) || !planFor(q.country)) {
      throw new TelephonyError('invalid', `Unknown country code "${q.country}"`, undefined, 400)
    }
    if (q.contains && !/^\+?[0-9A-Za-z*]+$/.test(q.contains.trim())) {
      throw new TelephonyError('invalid', 'contains may hold only digits, letters and *', undefined, 400)
    }
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 20), 1), MAX_LIMIT)
    // Ask for more than needed so that numbers already on the platform can be left out.
    const candidates = plannedNumbers({
      country: q.country,
      type: q.type,
      contains: q.contains,
      count: limit * 2 + 10,
    })
    const taken = new Set<string>()
    if (candidates.length > 0) {
      const rows = await this.db
        .select({ e164: phoneNumbers.e164 })
        .from(phoneNumbers)
        .where(
          and(
            inArray(
              phoneNumbers.e164,
              candidates.map((c) => c.phoneNumber),
            ),
            notInArray(phoneNumbers.status, [...NOT_LIVE]),
          ),
        )
      for (const r of rows) taken.add(r.e164)
    }
    return candidates
      .filter((c) => !taken.has(c.phoneNumber))
      .slice(0, limit)
      .map((c) => ({
        phoneNumber: c.phoneNumber,
        friendlyName: friendlyName(c.phoneNumber),
        isoCountry: c.isoCountry,
        type: c.type,
        ...(c.locality ? { locality: c.locality } : {}),
        ...(c.region ? { region: c.region } : {}),
      }))
  }

  async purchaseNumber(input: {
    phoneNumber: string
    smsUrl: string
    statusCallback: string
    friendlyName?: string
  }): Promise<ProvisionedNumber> {
    if (!classifyNumber(input.phoneNumber)) {
      throw new TelephonyError('invalid', `${input.phoneNumber} is not a valid number`, 21421, 400)
    }
    const sid = sandboxNumberSid(input.phoneNumber)
    this.webhooks.set(sid, { smsUrl: input.smsUrl, statusCallback: input.statusCallback })
    return { sid, phoneNumber: input.phoneNumber, smsUrl: input.smsUrl, statusCallback: input.statusCallback }
  }

  async updateWebhooks(sid: string, input: { smsUrl: string; statusCallback: string }): Promise<void> {
    await this.getNumber(sid)
    this.webhooks.set(sid, { ...input })
  }

  async getNumber(sid: string): Promise<ProvisionedNumber> {
    const [row] = await this.db
      .select({ e164: phoneNumbers.e164 })
      .from(phoneNumbers)
      .where(and(eq(phoneNumbers.providerNumberSid, sid), notInArray(phoneNumbers.status, [...NOT_LIVE])))
      .limit(1)
    if (!row) throw new TelephonyError('not_found', `No number with sid ${sid}`, 20404, 404)
    return { sid, phoneNumber: row.e164, ...this.webhooks.get(sid) }
  }

  async listNumbers(): Promise<ProvisionedNumber[]> {
    const rows = await this.db
      .select({ e164: phoneNumbers.e164, sid: phoneNumbers.providerNumberSid })
      .from(phoneNumbers)
      .where(and(isNotNull(phoneNumbers.providerNumberSid), notInArray(phoneNumbers.status, [...NOT_LIVE])))
    return rows.flatMap(({ sid, e164 }) =>
      sid ? [{ sid, phoneNumber: e164, ...this.webhooks.get(sid) }] : [],
    )
  }

  async releaseNumber(sid: string): Promise<void> {
    this.webhooks.delete(sid)
  }

  async registerSender(input: {
    phoneNumber: string
    profileName: string
    webhookUrl: string
    statusCallbackUrl: string
  }): Promise<Sender> {
    if (!isAddress(input.phoneNumber)) {
      throw new TelephonyError('invalid', `${input.phoneNumber} is not an E.164 number`, 21211, 400)
    }
    return { sid: senderSid(input.phoneNumber.replace(/^whatsapp:/, '')), status: 'ONLINE' }
  }

  async getSender(sid: string): Promise<Sender> {
    if (!/^XE[0-9a-f]{32}$/.test(sid))
      throw new TelephonyError('not_found', `No sender with sid ${sid}`, 20404, 404)
    return { sid, status: 'ONLINE' }
  }

  async deleteSender(_sid: string): Promise<void> {}

  async sendMessage(msg: OutboundMessage): Promise<SentMessage> {
    if (!isAddress(msg.to))
      throw new TelephonyError('invalid', `${msg.to} is not an E.164 number`, 21211, 400)
    if (!isAddress(msg.from))
      throw new TelephonyError('invalid', `${msg.from} is not an E.164 number`, 21212, 400)
    if (msg.contentSid !== undefined && !CONTENT_SID.test(msg.contentSid)) {
      throw new TelephonyError('rejected', `${msg.contentSid} is not a Content SID`, 21655, 400)
    }
    return { sid: `SM${randomBytes(16).toString('hex')}`, status: 'sent' }
  }

  // Templates: WhatsApp's review is the part a sandbox cannot have, so every template is
  // approved the moment it is submitted.
  async createTemplate(draft: TemplateDraft): Promise<{ sid: string }> {
    if (!draft.body.trim()) throw new TelephonyError('invalid', 'A template needs a body', 20001, 400)
    return { sid: `HX${randomBytes(16).toString('hex')}` }
  }

  async submitTemplate(sid: string, _input: { name: string; category: TemplateCategory }) {
    return this.getTemplateApproval(sid)
  }

  async getTemplateApproval(sid: string): Promise<TemplateApproval> {
    if (!CONTENT_SID.test(sid))
      throw new TelephonyError('not_found', `No content with sid ${sid}`, 20404, 404)
    return { status: 'approved' }
  }

  async deleteTemplate(_sid: string): Promise<void> {}
}
