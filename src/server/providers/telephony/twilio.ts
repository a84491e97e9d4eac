import twilio from 'twilio'
import type IRequestClient from 'twilio/lib/base/RequestClient.js'
import { ContentCreateRequest } from 'twilio/lib/rest/content/v1/content.js'
import type { Config } from '../../config.js'
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
  type TemplateApprovalStatus,
  type TemplateCategory,
  type TemplateDraft,
} from './types.js'

type TwilioClient = ReturnType<typeof twilio>
type RequestResponse = { statusCode: number; body: unknown; headers: unknown }

const TWILIO_HOST = /^https:\/\/(?:[a-z0-9-]+\.)*twilio\.com(?::\d+)?(?=\/|$)/i
const MESSAGING_BASE = 'https://messaging.twilio.com'

/**
 * Sends every request for a `*.twilio.com` host to `baseUrl` instead (TWILIO_API_BASE_URL), so the
 * real client can talk to a local server. Without a base URL it is the stock client.
 */
export class RebasedRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string | undefined,
    opts: { timeout?: number } = {},
  ) {
    super({ timeout: opts.timeout ?? 15_000, autoRetry: false })
  }
  override request<TData>(opts: IRequestClient.RequestOptions<TData>) {
    const uri = this.baseUrl ? opts.uri.replace(TWILIO_HOST, this.baseUrl.replace(/\/+$/, '')) : opts.uri
    return super.request<TData>({ ...opts, uri })
  }
}

export interface TwilioTelephonyOptions {
  /** Attempts per call when Twilio answers 429 (default 3). */
  attempts?: number
  /** First backoff delay; doubles with each retry (default 250 ms). */
  retryBaseDelayMs?: number
  /** HTTP timeout per request (default 15 s). */
  timeoutMs?: number
}

const NOT_AVAILABLE_CODES = new Set([21422, 21452])
const INVALID_CODES = new Set([21421, 21211, 21212, 21214, 21401, 21402, 21404, 21608, 21606, 21620])
/** Refusals to deliver one message: outside the 24h window, opted out, not a WhatsApp user, blocked… */
const REJECTED_CODES = new Set([63016, 21610, 21614, 63003, 63024, 63032, 63049, 21408, 21612, 63018])
/**
 * A template send Twilio refused for the template itself: 21655 the ContentSid is invalid (deleted,
 * another account's), 21656 the ContentVariables are invalid, 63027 no approved template in that
 * language, 63040-63042 template rejected, paused, disabled (twilio.com/docs/api/errors/<code>).
 * Retrying cannot help, so they are refusals.
 */
const TEMPLATE_REFUSAL_CODES = new Set([21655, 21656, 63027, 63040, 63041, 63042])

/** WhatsApp's review statuses as the Content API reports them, mapped onto ours. */
const APPROVAL_STATUS: Record<string, TemplateApprovalStatus> = {
  approved: 'approved',
  rejected: 'rejected',
  paused: 'paused',
  disabled: 'disabled',
  // unsubmitted, received, pending, in_appeal…: not decided yet.
}

interface ErrorLike {
  status?: number
  code?: number | string
  message?: string
  detail?: string
}

const whatsapp = (e164: string) => (e164.startsWith('whatsapp:') ? e164 : `whatsapp:${e164}`)

interface SenderResource {
  sid?: string | null
  status?: string | null
  offline_reasons?: { code?: string | null; message?: string | null }[] | null
}

export class TwilioTelephony implements Telephony {
  readonly kind = 'twilio' as const
  readonly webhookAuthToken: string
  readonly client: TwilioClient
  private readonly attempts: number
  private readonly retryBaseDelayMs: number

  constructor(config: Pick<Config, 'twilio' | 'twilioApiBaseUrl'>, options: TwilioTelephonyOptions = {}) {
    if (!config.twilio) throw new Error('TwilioTelephony needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN')
    const { accountSid, authToken } = config.twilio
    this.webhookAuthToken = authToken
    this.attempts = Math.max(1, options.attempts ?? 3)
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 250
    this.client = twilio(accountSid, authToken, {
      accountSid,
      httpClient: new RebasedRequestClient(config.twilioApiBaseUrl, { timeout: options.timeoutMs }),
      autoRetry: false,
    })
  }

  async searchNumbers(q: {
    country: string
    type: NumberType
    contains?: string
    limit?: number
  }): Promise<AvailableNumber[]> {
    const country = q.country.toUpperCase()
    if (!/^[A-Z]{2}$/.test(country))
      throw new TelephonyError('invalid', `Unknown country code "${q.country}"`, undefined, 400)
    const params: { pageSize: number; contains?: string } = {
      pageSize: Math.min(Math.max(Math.trunc(q.limit ?? 20), 1), 100),
    }
    if (q.contains) params.contains = q.contains
    const list = this.client.availablePhoneNumbers(country)
    const page = await this.call('search numbers', async () => {
      if (q.type === 'mobile') return (await list.mobile.page(params)).instances
      if (q.type === 'tollFree') return (await list.tollFree.page(params)).instances
      return (await list.local.page(params)).instances
    }).catch((err: unknown) => {
      // Twilio answers 404 for a country (or type) it has no inventory for.
      if (err instanceof TelephonyError && err.kind === 'not_found') {
        throw new TelephonyError(
          'invalid',
          `No ${q.type} numbers are offered in country "${country}"`,
          err.providerCode,
          400,
        )
      }
      throw err
    })
    return page.map((n) => ({
      phoneNumber: n.phoneNumber,
      friendlyName: n.friendlyName ?? n.phoneNumber,
      isoCountry: n.isoCountry ?? country,
      type: q.type,
      ...(n.locality ? { locality: n.locality } : {}),
      ...(n.region ? { region: n.region } : {}),
    }))
  }

  async purchaseNumber(input: {
    phoneNumber: string
    smsUrl: string
    statusCallback: string
    friendlyName?: string
  }): Promise<ProvisionedNumber> {
    const n = await this.call(
      'purchase number',
      () =>
        this.client.incomingPhoneNumbers.create({
          phoneNumber: input.phoneNumber,
          smsUrl: input.smsUrl,
          smsMethod: 'POST',
          statusCallback: input.statusCallback,
          statusCallbackMethod: 'POST',
          ...(input.friendlyName ? { friendlyName: input.friendlyName } : {}),
        }),
      // A 429 means Twilio did not process the request, so retrying cannot buy twice.
    )
    return { sid: n.sid, phoneNumber: n.phoneNumber, smsUrl: n.smsUrl, statusCallback: n.statusCallback }
  }

  async updateWebhooks(sid: string, input: { smsUrl: string; statusCallback: string }): Promise<void> {
    await this.call('update number', () =>
      this.client.incomingPhoneNumbers(sid).update({
        smsUrl: input.smsUrl,
        smsMethod: 'POST',
        statusCallback: input.statusCallback,
        statusCallbackMethod: 'POST',
      }),
    )
  }

  async getNumber(sid: string): Promise<ProvisionedNumber> {
    const n = await this.call('fetch number', () => this.client.incomingPhoneNumbers(sid).fetch())
    return { sid: n.sid, phoneNumber: n.phoneNumber, smsUrl: n.smsUrl, statusCallback: n.statusCallback }
  }

  async listNumbers(): Promise<ProvisionedNumber[]> {
    const list = await this.call('list numbers', () =>
      this.client.incomingPhoneNumbers.list({ pageSize: 1000 }),
    )
    return list.map((n) => ({
      sid: n.sid,
      phoneNumber: n.phoneNumber,
      smsUrl: n.smsUrl,
      statusCallback: n.statusCallback,
    }))
  }

  async releaseNumber(sid: string): Promise<void> {
    await this.call('release number', () => this.client.incomingPhoneNumbers(sid).remove())
  }

  // The SDK's Senders types are camelCase and it sends them as they are, while the API reads
  // snake_case JSON (Twilio's published OpenAPI description of the Messaging v2 API says so), so
  // these calls go through client.request().
  async registerSender(input: {
    phoneNumber: string
    profileName: string
    webhookUrl: string
    statusCallbackUrl: string
  }): Promise<Sender> {
    const body = await this.raw('register sender', 'post', '/v2/Channels/Senders', {
      sender_id: whatsapp(input.phoneNumber),
      profile: { name: input.profileName },
      webhook: {
        callback_url: input.webhookUrl,
        callback_method: 'POST',
        status_callback_url: input.statusCallbackUrl,
        status_callback_method: 'POST',
      },
    })
    return toSender(body as SenderResource)
  }

  async getSender(sid: string): Promise<Sender> {
    const body = await this.raw('fetch sender', 'get', `/v2/Channels/Senders/${encodeURIComponent(sid)}`)
    return toSender(body as SenderResource)
  }

  async deleteSender(sid: string): Promise<void> {
    await this.raw('delete sender', 'delete', `/v2/Channels/Senders/${encodeURIComponent(sid)}`)
  }

  async sendMessage(msg: OutboundMessage): Promise<SentMessage> {
    const m = await this.call(
      'send message',
      () =>
        this.client.messages.create({
          from: whatsapp(msg.from),
          to: whatsapp(msg.to),
          // A template is sent by its Content SID with its variables as a JSON string (the
          // Messages API's ContentVariables); Twilio renders the text, so no Body goes with it.
          ...(msg.contentSid
            ? {
                contentSid: msg.contentSid,
                ...(msg.contentVariables && Object.keys(msg.contentVariables).length
                  ? { contentVariables: JSON.stringify(msg.contentVariables) }
                  : {}),
              }
            : { body: msg.body }),
          ...(msg.mediaUrls?.length && !msg.contentSid ? { mediaUrl: msg.mediaUrls } : {}),
          ...(msg.statusCallback ? { statusCallback: msg.statusCallback } : {}),
        }),
      { sending: true },
    )
    return { sid: m.sid, status: m.status }
  }

  async createTemplate(draft: TemplateDraft): Promise<{ sid: string }> {
    // The SDK posts `params` as the JSON body unchanged, while its declared fields are camelCase
    // (friendlyName, types.twilioText); the API reads the spec's keys ("friendly_name",
    // "twilio/text"). ContentCreateRequest's constructor takes the wire payload and passes
    // `variables` and `types` through as they are; friendly_name is added under its wire name.
    const request = Object.assign(
      new ContentCreateRequest({
        language: draft.language,
        variables: draft.examples,
        types: { 'twilio/text': { body: draft.body } },
      }),
      { friendly_name: draft.name },
    )
    const content = await this.call('create template', () => this.client.content.v1.contents.create(request))
    return { sid: content.sid }
  }

  async submitTemplate(
    sid: string,
    input: { name: string; category: TemplateCategory },
  ): Promise<TemplateApproval> {
    const r = await this.call('submit template', () =>
      this.client.content.v1
        .contents(sid)
        .approvalCreate.create({ name: input.name, category: input.category.toUpperCase() }),
    )
    return toApproval(r.status, r.rejectionReason)
  }

  async getTemplateApproval(sid: string): Promise<TemplateApproval> {
    const r = await this.call('fetch template approval', () =>
      this.client.content.v1.contents(sid).approvalFetch().fetch(),
    )
    const whatsapp = (r.whatsapp ?? {}) as { status?: unknown; rejection_reason?: unknown }
    return toApproval(whatsapp.status, whatsapp.rejection_reason)
  }

  async deleteTemplate(sid: string): Promise<void> {
    try {
      await this.call('delete template', () => this.client.content.v1.contents(sid).remove())
    } catch (err) {
      // Already gone is what was asked for.
      if (err instanceof TelephonyError && err.kind === 'not_found') return
      throw err
    }
  }

  private async raw(
    what: string,
    method: 'get' | 'post' | 'delete',
    path: string,
    data?: object,
  ): Promise<unknown> {
    return this.call(what, async () => {
      const res = (await this.client.request({
        method,
        uri: `${MESSAGING_BASE}${path}`,
        ...(data ? { data, headers: { 'Content-Type': 'application/json' } } : {}),
      })) as RequestResponse
      if (res.statusCode >= 200 && res.statusCode < 300) return parseBody(res.body)
      const body = parseBody(res.body) as ErrorLike | undefined
      throw Object.assign(new Error(body?.message ?? body?.detail ?? `HTTP ${res.statusCode}`), {
        status: res.statusCode,
        code: body?.code,
      })
    })
  }

  /** Runs one Twilio call, retrying 429s with exponential backoff, and maps failures to TelephonyError. */
  private async call<T>(what: string, fn: () => Promise<T>, ctx: { sending?: boolean } = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn()
      } catch (err) {
        const e = err as ErrorLike
        if (e.status === 429 && attempt < this.attempts) {
          await new Promise((r) => setTimeout(r, this.retryBaseDelayMs * 2 ** (attempt - 1)))
          continue
        }
        throw toTelephonyError(what, err, ctx)
      }
    }
  }
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body
  if (body === '') return undefined
  try {
    return JSON.parse(body)
  } catch {
    return body
  }
}

function toApproval(status: unknown, reason: unknown): TemplateApproval {
  const mapped = (typeof status === 'string' && APPROVAL_STATUS[status.toLowerCase()]) || 'pending'
  const why = typeof reason === 'string' ? reason.trim() : ''
  return { status: mapped, ...(why && mapped !== 'approved' ? { rejectionReason: why } : {}) }
}

function toSender(r: SenderResource): Sender {
  const reasons = (r.offline_reasons ?? [])
    .map((o) => [o?.code, o?.message].filter(Boolean).join(': '))
    .filter(Boolean)
  return {
    sid: r.sid ?? '',
    status: r.status ?? 'CREATING',
    ...(reasons.length ? { reason: reasons.join('; ') } : {}),
  }
}

export function toTelephonyError(
  what: string,
  err: unknown,
  ctx: { sending?: boolean } = {},
): TelephonyError {
  if (err instanceof TelephonyError) return err
  const e = (err ?? {}) as ErrorLike
  const status = typeof e.status === 'number' ? e.status : undefined
  const code = e.code === undefined || e.code === null || e.code === '' ? undefined : Number(e.code)
  const providerCode = Number.isFinite(code) ? code : undefined
  const text = e.message || e.detail || 'no details'
  const message = `Twilio ${what} failed: ${text}`
  if (status === undefined)
    return new TelephonyError('unavailable', `Twilio ${what} failed: ${text}`, undefined, undefined)
  if (status === 429) return new TelephonyError('rate_limited', message, providerCode, status)
  if (status === 401 || status === 403 || providerCode === 20003)
    return new TelephonyError('auth', message, providerCode, status)
  if (status >= 500) return new TelephonyError('unavailable', message, providerCode, status)
  if (
    ctx.sending &&
    providerCode !== undefined &&
    (REJECTED_CODES.has(providerCode) || TEMPLATE_REFUSAL_CODES.has(providerCode))
  ) {
    return new TelephonyError('rejected', message, providerCode, status)
  }
  if ((providerCode !== undefined && NOT_AVAILABLE_CODES.has(providerCode)) || /not available/i.test(text)) {
    return new TelephonyError('not_available', message, providerCode, status)
  }
  if (status === 404 || providerCode === 20404)
    return new TelephonyError('not_found', message, providerCode, status)
  if (providerCode !== undefined && INVALID_CODES.has(providerCode))
    return new TelephonyError('invalid', message, providerCode, status)
  return new TelephonyError('invalid', message, providerCode, status)
}
