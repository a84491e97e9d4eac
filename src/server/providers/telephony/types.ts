// Our own telephony interface. Vendor quirks (Twilio's casing, hosts, error codes) stay in the adapters.

import type { NumberType } from '../../../shared/enums.js'

export type { NumberType }

export interface AvailableNumber {
  /** E.164 */
  phoneNumber: string
  friendlyName: string
  isoCountry: string
  type: NumberType
  locality?: string
  region?: string
}

export interface ProvisionedNumber {
  sid: string
  phoneNumber: string
  smsUrl?: string
  statusCallback?: string
}

export type SenderStatus =
  | 'CREATING'
  | 'ONLINE'
  | 'OFFLINE'
  | 'PENDING_VERIFICATION'
  | 'VERIFYING'
  | 'TWILIO_REVIEW'
  | 'DRAFT'
  | 'STUBBED'
  | string

export interface Sender {
  sid: string
  status: SenderStatus
  /** Why it is not online, when the provider says. */
  reason?: string
}

export interface OutboundMessage {
  /** E.164 of the organization's number. */
  from: string
  /** E.164 of the customer. */
  to: string
  body: string
  mediaUrls?: string[]
  statusCallback?: string
  /**
   * An approved WhatsApp template (Twilio Content SID, HX…) and its variables ({"1": "Ana"}):
   * sent instead of `body`, allowed outside the 24-hour window.
   */
  contentSid?: string
  contentVariables?: Record<string, string>
}

export type TemplateCategory = 'marketing' | 'utility' | 'authentication'

export interface TemplateDraft {
  /** WhatsApp template name (lowercase, digits, underscores). */
  name: string
  language: string
  /** Text with numbered variables {{1}}, {{2}}… */
  body: string
  /** One example value per variable, required by WhatsApp's review. */
  examples: Record<string, string>
}

export type TemplateApprovalStatus = 'pending' | 'approved' | 'rejected' | 'paused' | 'disabled'

export interface TemplateApproval {
  status: TemplateApprovalStatus
  /** Why WhatsApp refused it, when it did. */
  rejectionReason?: string
}

export interface SentMessage {
  sid: string
  status: string
}

export type TelephonyErrorKind =
  | 'not_available' // the number cannot be bought (taken, no longer offered)
  | 'invalid' // invalid country, number or parameter
  | 'unavailable' // provider down, 5xx, network
  | 'rate_limited' // 429 after our retries
  | 'auth' // credentials refused
  | 'not_found'
  | 'rejected' // the provider refused to send (e.g. outside the 24h window, opted-out recipient)

export class TelephonyError extends Error {
  constructor(
    public readonly kind: TelephonyErrorKind,
    message: string,
    /** Provider's own error code (Twilio's numeric code), when there is one. */
    public readonly providerCode?: string | number,
    public readonly httpStatus?: number,
  ) {
    super(message)
    this.name = 'TelephonyError'
  }
  get retryable() {
    return this.kind === 'unavailable' || this.kind === 'rate_limited'
  }
}

export interface Telephony {
  readonly kind: 'twilio' | 'sandbox'
  /** The token webhooks are signed with (Twilio auth token, or the sandbox token). */
  readonly webhookAuthToken: string
  searchNumbers(q: {
    country: string
    type: NumberType
    contains?: string
    limit?: number
  }): Promise<AvailableNumber[]>
  purchaseNumber(input: {
    phoneNumber: string
    smsUrl: string
    statusCallback: string
    friendlyName?: string
  }): Promise<ProvisionedNumber>
  updateWebhooks(sid: string, input: { smsUrl: string; statusCallback: string }): Promise<void>
  getNumber(sid: string): Promise<ProvisionedNumber>
  listNumbers(): Promise<ProvisionedNumber[]>
  releaseNumber(sid: string): Promise<void>
  registerSender(input: {
    phoneNumber: string
    profileName: string
    webhookUrl: string
    statusCallbackUrl: string
  }): Promise<Sender>
  getSender(sid: string): Promise<Sender>
  deleteSender(sid: string): Promise<void>
  sendMessage(msg: OutboundMessage): Promise<SentMessage>
  /** Creates the template's content (Twilio Content API); returns its SID (HX…). */
  createTemplate(draft: TemplateDraft): Promise<{ sid: string }>
  /** Submits it for WhatsApp approval under a category. */
  submitTemplate(sid: string, input: { name: string; category: TemplateCategory }): Promise<TemplateApproval>
  /** Where WhatsApp's review stands. */
  getTemplateApproval(sid: string): Promise<TemplateApproval>
  deleteTemplate(sid: string): Promise<void>
}
