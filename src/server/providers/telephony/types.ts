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
}
