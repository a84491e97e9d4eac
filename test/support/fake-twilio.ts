import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  containsPattern,
  friendlyName,
  planFor,
  plannedNumbers,
} from '../../src/server/providers/telephony/numbering-plan.js'
import { defined, first } from './defined.js'

// A local server that answers like Twilio's REST API (../shared/twilio-oai/): Basic auth with the
// account SID and auth token, form-encoded 2010-04-01 resources and the JSON Messaging v2 Senders
// API. Point the real `twilio` client at it with TWILIO_API_BASE_URL.

export type FakeNumberType = 'Local' | 'Mobile' | 'TollFree'

export interface FakeAvailableNumber {
  phone_number: string
  friendly_name: string
  iso_country: string
  type: FakeNumberType
  locality: string | null
  region: string | null
  postal_code: string | null
  lata: string | null
  rate_center: string | null
  latitude: string | null
  longitude: string | null
  address_requirements: 'none' | 'any' | 'local' | 'foreign'
  beta: boolean
  capabilities: { voice: boolean; SMS: boolean; MMS: boolean; fax: boolean }
}

export interface FakeTwilioRequest {
  method: string
  /** Path without the query string. */
  path: string
  query: Record<string, string | string[]>
  headers: IncomingHttpHeaders
  /** Form fields (repeated keys become arrays), parsed JSON, or undefined. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read fields of form and JSON bodies alike
  body: any
  rawBody: string
}

export interface FakeIncomingNumber {
  sid: string
  account_sid: string
  phone_number: string
  friendly_name: string
  sms_url: string
  sms_method: string
  sms_fallback_url: string
  sms_fallback_method: string
  sms_application_sid: string
  status_callback: string
  status_callback_method: string
  voice_url: string
  voice_method: string
  capabilities: { voice: boolean; sms: boolean; mms: boolean; fax: boolean }
  date_created: string
  date_updated: string
  api_version: '2010-04-01'
  origin: 'twilio'
  status: 'in-use'
  beta: boolean
  address_requirements: string
  uri: string
  [key: string]: unknown
}

export interface FakeSender {
  sid: string
  status: string
  sender_id: string
  configuration: Record<string, unknown>
  webhook: Record<string, unknown>
  profile: Record<string, unknown>
  properties: { quality_rating: string | null; messaging_limit: string | null }
  offline_reasons: { code: string; message: string; more_info: string }[] | null
  url: string
}

export interface FakeMessage {
  sid: string
  account_sid: string
  from: string
  to: string
  body: string
  status: string
  direction: 'outbound-api'
  num_media: string
  num_segments: string
  media_urls: string[]
  status_callback: string | null
  messaging_service_sid: string | null
  error_code: number | null
  error_message: string | null
  price: string | null
  price_unit: string
  api_version: '2010-04-01'
  date_created: string
  date_updated: string
  date_sent: string | null
  uri: string
  subresource_uris: { media: string }
}

/** What a send carried, with the instant it reached the fake (for measuring send rates). */
export interface FakeSend {
  sid: string
  /** Date.now() when the request arrived. */
  at: number
  from: string
  to: string
  /** The Body field, or for a template the text Twilio renders from it. */
  body: string
  contentSid: string | null
  /** ContentVariables parsed from its JSON string. */
  contentVariables: Record<string, string> | null
}

/** WhatsApp's review of one Content resource (content.v1.content.approval_fetch's `whatsapp`). */
export interface FakeApproval {
  type: 'whatsapp'
  name: string
  category: string
  content_type: string
  /** unsubmitted | received | pending | approved | rejected | paused | disabled */
  status: string
  rejection_reason: string
  allow_category_change: boolean
}

/** A Content resource as content.v1.content describes it, plus its WhatsApp approval. */
export interface FakeContent {
  sid: string
  account_sid: string
  friendly_name: string
  language: string
  variables: Record<string, string>
  types: Record<string, unknown>
  url: string
  date_created: string
  date_updated: string
  links: { approval_create: string; approval_fetch: string }
  /** Not part of the resource: the approval request, once made. */
  approval: FakeApproval | null
}

export type FakeApprovalDecision = 'approved' | 'rejected' | 'paused' | 'disabled' | 'pending'

/** The create body of twilio_messaging_v2.json (messaging.v2.channels_sender.requests.create). */
interface SenderCreateBody {
  sender_id?: unknown
  configuration?: { waba_id?: string; verification_method?: string }
  webhook?: Record<string, string | undefined>
  profile?: Record<string, unknown> & { name?: string }
}

export interface FakeTwilioState {
  /** Bought numbers by sid (PN…). */
  numbers: Map<string, FakeIncomingNumber>
  /** WhatsApp senders by sid (XE…). */
  senders: Map<string, FakeSender>
  messages: FakeMessage[]
  /** Every accepted send, in arrival order, with its arrival time. */
  sends: FakeSend[]
  /** Content API resources (templates) by sid (HX…). */
  contents: Map<string, FakeContent>
  /** What AvailablePhoneNumbers offers; purchases take from it, releases put back. */
  available: FakeAvailableNumber[]
  /** Where a CREATING sender goes on its next GET. */
  senderOutcome: 'online' | 'offline'
  /** The offline reason reported when senderOutcome is 'offline'. */
  senderOfflineReason: { code: string; message: string }
}

export interface FakeTwilioFailure {
  status: number
  /** Response body; a Twilio error JSON ({code,message,more_info,status}) when omitted or partial. */
  body?: unknown
}

export interface FakeTwilio {
  url: string
  accountSid: string
  authToken: string
  requests: FakeTwilioRequest[]
  state: FakeTwilioState
  /**
   * Decides WhatsApp's review of a template, by Content SID or by template name: applies now to a
   * submitted one and to any later submission under that name. Without a decision a submitted
   * template stays `pending`, as a real review does for a while.
   */
  setApproval(sidOrName: string, status: FakeApprovalDecision, rejectionReason?: string): void
  /** The next `times` requests matching `match` get `response` instead of the normal answer. */
  failNext(
    match: { method?: string; pathIncludes?: string },
    response: FakeTwilioFailure,
    times?: number,
  ): void
  close(): Promise<void>
}

export interface FakeTwilioOptions {
  accountSid?: string
  authToken?: string
  /** Replaces the default inventory (20 numbers per type for US, CA, GB, FR, RW, BR, IN). */
  available?: FakeAvailableNumber[]
}

const TYPE_PATH: Record<string, FakeNumberType> = { Local: 'Local', Mobile: 'Mobile', TollFree: 'TollFree' }
const hex = (n: number) => randomBytes(n).toString('hex')
const rfc2822 = (d = new Date()) => d.toUTCString().replace('GMT', '+0000')

/** An available-number entry as Twilio lists it, for tests that add their own inventory. */
export function fakeAvailableNumber(
  phoneNumber: string,
  isoCountry: string,
  type: FakeNumberType = 'Local',
  extra: Partial<FakeAvailableNumber> = {},
): FakeAvailableNumber {
  return {
    phone_number: phoneNumber,
    friendly_name: friendlyName(phoneNumber),
    iso_country: isoCountry,
    type,
    locality: null,
    region: null,
    postal_code: null,
    lata: null,
    rate_center: null,
    latitude: null,
    longitude: null,
    address_requirements: 'none',
    beta: false,
    capabilities: { voice: true, SMS: true, MMS: type !== 'TollFree', fax: false },
    ...extra,
  }
}

function defaultInventory(): FakeAvailableNumber[] {
  const out: FakeAvailableNumber[] = []
  for (const country of ['US', 'CA', 'GB', 'FR', 'RW', 'BR', 'IN']) {
    for (const [type, ours] of [
      ['Local', 'local'],
      ['Mobile', 'mobile'],
      ['TollFree', 'tollFree'],
    ] as const) {
      for (const n of plannedNumbers({ country, type: ours, count: 20, salt: 'fake-twilio' })) {
        out.push(
          fakeAvailableNumber(n.phoneNumber, country, type, {
            locality: n.locality ?? null,
            region: n.region ?? null,
          }),
        )
      }
    }
  }
  return out
}

function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k]
    if (prev === undefined) out[k] = v
    else out[k] = Array.isArray(prev) ? [...prev, v] : [prev, v]
  }
  return out
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)
const many = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v])

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message)
  }
}

export async function startFakeTwilio(opts: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const accountSid = opts.accountSid ?? `AC${hex(16)}`
  const authToken = opts.authToken ?? hex(16)
  const requests: FakeTwilioRequest[] = []
  const state: FakeTwilioState = {
    numbers: new Map(),
    senders: new Map(),
    messages: [],
    sends: [],
    contents: new Map(),
    available: opts.available ?? defaultInventory(),
    senderOutcome: 'online',
    senderOfflineReason: { code: '63100', message: 'The WhatsApp Business Account was rejected by Meta' },
  }
  const failures: {
    method?: string
    pathIncludes?: string
    response: FakeTwilioFailure
    remaining: number
  }[] = []
  const accountBase = `/2010-04-01/Accounts/${accountSid}`
  const decisions = new Map<string, { status: FakeApprovalDecision; reason: string }>()

  function applyDecision(content: FakeContent) {
    if (!content.approval) return
    const decision = decisions.get(content.sid) ?? decisions.get(content.approval.name)
    if (!decision) return
    content.approval.status = decision.status
    content.approval.rejection_reason = decision.status === 'approved' ? '' : decision.reason
    content.date_updated = new Date().toISOString()
  }

  /** The text a twilio/text content renders to: {{n}} from the send's variables, else the content's defaults. */
  function renderContent(content: FakeContent, vars: Record<string, string>) {
    const text = (content.types['twilio/text'] as { body?: string } | undefined)?.body ?? ''
    return text.replace(
      /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g,
      (m, k: string) => vars[k] ?? content.variables[k] ?? m,
    )
  }

  const errorBody = (status: number, code: number, message: string) => ({
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  })

  function send(res: ServerResponse, status: number, body?: unknown) {
    if (status === 204 || body === undefined) {
      res.writeHead(status)
      res.end()
      return
    }
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    })
    res.end(text)
  }

  function authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? ''
    if (!header.startsWith('Basic ')) return false
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
    const i = decoded.indexOf(':')
    return decoded.slice(0, i) === accountSid && decoded.slice(i + 1) === authToken
  }

  function numberResource(
    sid: string,
    phone: string,
    fields: Record<string, string | string[]>,
  ): FakeIncomingNumber {
    const now = rfc2822()
    return {
      sid,
      account_sid: accountSid,
      phone_number: phone,
      friendly_name: one(fields.FriendlyName) ?? friendlyName(phone),
      sms_url: one(fields.SmsUrl) ?? '',
      sms_method: one(fields.SmsMethod) ?? 'POST',
      sms_fallback_url: one(fields.SmsFallbackUrl) ?? '',
      sms_fallback_method: one(fields.SmsFallbackMethod) ?? 'POST',
      sms_application_sid: '',
      status_callback: one(fields.StatusCallback) ?? '',
      status_callback_method: one(fields.StatusCallbackMethod) ?? 'POST',
      voice_url: one(fields.VoiceUrl) ?? '',
      voice_method: one(fields.VoiceMethod) ?? 'POST',
      voice_fallback_url: null,
      voice_fallback_method: 'POST',
      voice_caller_id_lookup: false,
      voice_application_sid: null,
      voice_receive_mode: 'voice',
      capabilities: { voice: true, sms: true, mms: true, fax: false },
      date_created: now,
      date_updated: now,
      api_version: '2010-04-01',
      origin: 'twilio',
      status: 'in-use',
      beta: false,
      address_requirements: 'none',
      address_sid: null,
      identity_sid: null,
      trunk_sid: null,
      emergency_status: 'Inactive',
      emergency_address_sid: null,
      emergency_address_status: 'unregistered',
      bundle_sid: null,
      type: 'local',
      uri: `${accountBase}/IncomingPhoneNumbers/${sid}.json`,
    }
  }

  function updateNumber(n: FakeIncomingNumber, fields: Record<string, string | string[]>) {
    const map: Record<string, string> = {
      FriendlyName: 'friendly_name',
      SmsUrl: 'sms_url',
      SmsMethod: 'sms_method',
      SmsFallbackUrl: 'sms_fallback_url',
      SmsFallbackMethod: 'sms_fallback_method',
      StatusCallback: 'status_callback',
      StatusCallbackMethod: 'status_callback_method',
      VoiceUrl: 'voice_url',
      VoiceMethod: 'voice_method',
    }
    for (const [form, field] of Object.entries(map)) {
      const v = one(fields[form])
      if (v !== undefined) n[field] = v
    }
    n.date_updated = rfc2822()
  }

  const listEnvelope = (path: string, key: string, items: unknown[], pageSize: number) => ({
    [key]: items,
    end: Math.max(items.length - 1, 0),
    first_page_uri: `${path}?PageSize=${pageSize}&Page=0`,
    next_page_uri: null,
    page: 0,
    page_size: pageSize,
    previous_page_uri: null,
    start: 0,
    uri: `${path}?PageSize=${pageSize}&Page=0`,
  })

  function pageSizeOf(query: Record<string, string | string[]>, fallback = 50) {
    const n = Number(one(query.PageSize) ?? fallback)
    if (!Number.isInteger(n) || n < 1 || n > 1000)
      throw new HttpError(400, 20001, 'PageSize must be between 1 and 1000')
    return n
  }

  function requireForm(r: FakeTwilioRequest) {
    const type = String(r.headers['content-type'] ?? '')
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      throw new HttpError(400, 20001, 'Expected an application/x-www-form-urlencoded body')
    }
  }

  function senderResource(sid: string, senderId: string, body: SenderCreateBody): FakeSender {
    return {
      sid,
      status: 'CREATING',
      sender_id: senderId,
      configuration: {
        waba_id: body.configuration?.waba_id ?? null,
        verification_method: body.configuration?.verification_method ?? 'sms',
        verification_code: null,
        voice_application_sid: null,
        account_type: null,
      },
      webhook: {
        callback_url: body.webhook?.callback_url ?? null,
        callback_method: body.webhook?.callback_method ?? null,
        fallback_url: body.webhook?.fallback_url ?? null,
        fallback_method: body.webhook?.fallback_method ?? null,
        status_callback_url: body.webhook?.status_callback_url ?? null,
        status_callback_method: body.webhook?.status_callback_method ?? null,
      },
      profile: { name: body.profile?.name ?? null, ...body.profile },
      properties: { quality_rating: null, messaging_limit: null },
      offline_reasons: null,
      url: `https://messaging.twilio.com/v2/Channels/Senders/${sid}`,
    }
  }

  function contentResource(c: FakeContent) {
    const { approval: _approval, ...resource } = c
    return resource
  }

  function route(r: FakeTwilioRequest): { status: number; body?: unknown } {
    const { method, path, query } = r
    const form = (r.body ?? {}) as Record<string, string | string[]>

    // Messaging v2 senders (JSON).
    if (path === '/v2/Channels/Senders' && method === 'POST') {
      if (!String(r.headers['content-type'] ?? '').startsWith('application/json')) {
        throw new HttpError(400, 20001, 'Expected an application/json body')
      }
      const body = (r.body ?? {}) as SenderCreateBody
      if (typeof body.sender_id !== 'string')
        throw new HttpError(400, 20001, 'Missing required parameter sender_id')
      if (!/^whatsapp:\+[1-9]\d{6,14}$/.test(body.sender_id)) {
        throw new HttpError(400, 21211, `Invalid sender_id ${body.sender_id}`)
      }
      for (const s of state.senders.values()) {
        if (s.sender_id === body.sender_id)
          throw new HttpError(409, 63110, `A sender for ${body.sender_id} already exists`)
      }
      const sid = `XE${hex(16)}`
      const sender = senderResource(sid, body.sender_id, body)
      state.senders.set(sid, sender)
      return { status: 202, body: sender }
    }
    if (path === '/v2/Channels/Senders' && method === 'GET') {
      const senders = [...state.senders.values()]
      return {
        status: 200,
        body: {
          senders,
          meta: {
            page: 0,
            page_size: senders.length,
            first_page_url: '',
            previous_page_url: null,
            url: '',
            next_page_url: null,
            key: 'senders',
          },
        },
      }
    }
    const senderMatch = /^\/v2\/Channels\/Senders\/(XE[0-9a-fA-F]{32})$/.exec(path)
    if (senderMatch) {
      const sender = state.senders.get(defined(senderMatch[1], 'sender sid'))
      if (!sender) throw new HttpError(404, 20404, `The requested resource ${path} was not found`)
      if (method === 'GET') {
        if (sender.status === 'CREATING') {
          if (state.senderOutcome === 'online') sender.status = 'ONLINE'
          else {
            sender.status = 'OFFLINE'
            sender.offline_reasons = [
              {
                code: state.senderOfflineReason.code,
                message: state.senderOfflineReason.message,
                more_info: `https://www.twilio.com/docs/errors/${state.senderOfflineReason.code}`,
              },
            ]
          }
        }
        return { status: 200, body: sender }
      }
      if (method === 'DELETE') {
        state.senders.delete(sender.sid)
        return { status: 204 }
      }
    }

    // Content API (twilio_content_v1.json): JSON bodies, templates and their WhatsApp approval.
    if (path === '/v1/Content' && method === 'POST') {
      if (!String(r.headers['content-type'] ?? '').startsWith('application/json')) {
        throw new HttpError(400, 20001, 'Expected an application/json body')
      }
      const body = (r.body ?? {}) as {
        friendly_name?: unknown
        language?: unknown
        variables?: unknown
        types?: unknown
      }
      if (typeof body.language !== 'string' || !body.language)
        throw new HttpError(400, 20001, 'Missing required parameter language')
      if (typeof body.types !== 'object' || body.types === null || Object.keys(body.types).length === 0)
        throw new HttpError(400, 20001, 'Missing required parameter types')
      const types = body.types as Record<string, unknown>
      const text = types['twilio/text'] as { body?: unknown } | undefined
      if (text !== undefined && (typeof text.body !== 'string' || !text.body))
        throw new HttpError(400, 20001, 'twilio/text requires a body')
      const variables = (body.variables ?? {}) as Record<string, unknown>
      if (typeof variables !== 'object' || Object.values(variables).some((v) => typeof v !== 'string'))
        throw new HttpError(400, 20001, 'variables must map names to strings')
      const sid = `HX${hex(16)}`
      const now = new Date().toISOString()
      const url = `https://content.twilio.com/v1/Content/${sid}`
      const content: FakeContent = {
        sid,
        account_sid: accountSid,
        friendly_name: typeof body.friendly_name === 'string' ? body.friendly_name : '',
        language: body.language,
        variables: variables as Record<string, string>,
        types,
        url,
        date_created: now,
        date_updated: now,
        links: {
          approval_create: `${url}/ApprovalRequests/whatsapp`,
          approval_fetch: `${url}/ApprovalRequests`,
        },
        approval: null,
      }
      state.contents.set(sid, content)
      return { status: 201, body: contentResource(content) }
    }
    if (path === '/v1/Content' && method === 'GET') {
      const pageSize = pageSizeOf(query)
      const contents = [...state.contents.values()].slice(0, pageSize).map(contentResource)
      return {
        status: 200,
        body: {
          contents,
          meta: {
            page: 0,
            page_size: pageSize,
            first_page_url: `https://content.twilio.com/v1/Content?PageSize=${pageSize}&Page=0`,
            previous_page_url: null,
            url: `https://content.twilio.com/v1/Content?PageSize=${pageSize}&Page=0`,
            next_page_url: null,
            key: 'contents',
          },
        },
      }
    }
    const contentMatch = /^\/v1\/Content\/([^/]+)(\/ApprovalRequests(?:\/whatsapp)?)?$/.exec(path)
    if (contentMatch) {
      const sid = defined(contentMatch[1], 'content sid')
      const sub = contentMatch[2]
      if (!/^HX[0-9a-fA-F]{32}$/.test(sid))
        throw new HttpError(404, 20404, `The requested resource ${path} was not found`)
      const content = state.contents.get(sid)
      if (!content) throw new HttpError(404, 20404, `The requested resource ${path} was not found`)
      if (!sub && method === 'GET') return { status: 200, body: contentResource(content) }
      if (!sub && method === 'DELETE') {
        state.contents.delete(sid)
        return { status: 204 }
      }
      if (sub === '/ApprovalRequests' && method === 'GET') {
        applyDecision(content)
        return {
          status: 200,
          body: {
            sid,
            account_sid: accountSid,
            whatsapp: content.approval ?? {},
            url: `https://content.twilio.com/v1/Content/${sid}/ApprovalRequests`,
          },
        }
      }
      if (sub === '/ApprovalRequests/whatsapp' && method === 'POST') {
        if (!String(r.headers['content-type'] ?? '').startsWith('application/json')) {
          throw new HttpError(400, 20001, 'Expected an application/json body')
        }
        const body = (r.body ?? {}) as { name?: unknown; category?: unknown }
        if (typeof body.name !== 'string' || !body.name)
          throw new HttpError(400, 20001, 'Missing required parameter name')
        if (typeof body.category !== 'string' || !body.category)
          throw new HttpError(400, 20001, 'Missing required parameter category')
        // WhatsApp template names: lowercase alphanumerics and underscores.
        if (!/^[a-z0-9_]+$/.test(body.name))
          throw new HttpError(400, 20001, `Invalid template name ${body.name}`)
        const category = body.category.toUpperCase()
        if (!['UTILITY', 'MARKETING', 'AUTHENTICATION'].includes(category))
          throw new HttpError(400, 20001, `Invalid category ${body.category}`)
        if (content.approval) throw new HttpError(409, 20409, 'An approval request already exists')
        content.approval = {
          type: 'whatsapp',
          name: body.name,
          category,
          content_type: Object.keys(content.types)[0] ?? 'twilio/text',
          status: 'received',
          rejection_reason: '',
          allow_category_change: true,
        }
        // Meta takes its time: "received" now, "pending" at the next look unless decided.
        const { type: _type, ...created } = content.approval
        content.approval.status = 'pending'
        applyDecision(content)
        return { status: 201, body: { ...created, status: 'received' } }
      }
    }

    if (!path.startsWith('/2010-04-01/Accounts/'))
      throw new HttpError(404, 20404, `The requested resource ${path} was not found`)
    if (!path.startsWith(`${accountBase}/`))
      throw new HttpError(404, 20404, `The requested resource ${path} was not found`)
    const rest = path.slice(accountBase.length)

    const avail = /^\/AvailablePhoneNumbers\/([A-Za-z]{2})\/(Local|Mobile|TollFree)\.json$/.exec(rest)
    if (avail && method === 'GET') {
      const country = defined(avail[1], 'country').toUpperCase()
      const type = TYPE_PATH[defined(avail[2], 'number type')]
      const pageSize = pageSizeOf(query)
      if (!state.available.some((n) => n.iso_country === country)) {
        throw new HttpError(404, 20404, `The requested resource ${path} was not found`)
      }
      let list = state.available.filter((n) => n.iso_country === country && n.type === type)
      const contains = one(query.Contains)
      if (contains) {
        const pattern = containsPattern(contains, planFor(country)?.callingCode ?? '')
        if (!pattern || pattern.length === 0)
          throw new HttpError(400, 21421, `Contains ${contains} is not a valid pattern`)
        const re = new RegExp(pattern.map((p) => (p === '*' ? '\\d' : p)).join(''))
        list = list.filter((n) => re.test(n.phone_number.slice(1)))
      }
      const items = list.slice(0, pageSize).map(({ type: _t, ...n }) => n)
      return { status: 200, body: { ...listEnvelope(path, 'available_phone_numbers', items, pageSize) } }
    }

    if (rest === '/IncomingPhoneNumbers.json' && method === 'POST') {
      requireForm(r)
      const phone = one(form.PhoneNumber)
      if (!phone)
        throw new HttpError(400, 21452, 'No phone numbers found: PhoneNumber or AreaCode is required')
      if (!/^\+[1-9]\d{6,14}$/.test(phone)) throw new HttpError(400, 21421, `PhoneNumber ${phone} is invalid`)
      const idx = state.available.findIndex((n) => n.phone_number === phone)
      const owned = [...state.numbers.values()].some((n) => n.phone_number === phone)
      if (idx < 0 || owned) throw new HttpError(400, 21422, `PhoneNumber ${phone} is not available`)
      const entry = first(state.available.splice(idx, 1), 'the available number')
      const sid = `PN${hex(16)}`
      const number = numberResource(sid, phone, form)
      number.type = entry.type === 'TollFree' ? 'toll-free' : entry.type.toLowerCase()
      state.numbers.set(sid, number)
      return { status: 201, body: number }
    }
    if (rest === '/IncomingPhoneNumbers.json' && method === 'GET') {
      const pageSize = pageSizeOf(query)
      const wanted = one(query.PhoneNumber)
      const items = [...state.numbers.values()]
        .filter((n) => !wanted || n.phone_number === wanted)
        .slice(0, pageSize)
      return { status: 200, body: listEnvelope(path, 'incoming_phone_numbers', items, pageSize) }
    }
    const numberMatch = /^\/IncomingPhoneNumbers\/(PN[0-9a-fA-F]{32})\.json$/.exec(rest)
    if (numberMatch) {
      const number = state.numbers.get(defined(numberMatch[1], 'number sid'))
      if (!number) throw new HttpError(404, 20404, `The requested resource ${path} was not found`)
      if (method === 'GET') return { status: 200, body: number }
      if (method === 'POST') {
        requireForm(r)
        updateNumber(number, form)
        return { status: 200, body: number }
      }
      if (method === 'DELETE') {
        state.numbers.delete(number.sid)
        const country = [...new Set(state.available.map((a) => a.iso_country))].find((c) =>
          number.phone_number.startsWith(`+${planFor(c)?.callingCode}`),
        )
        if (country) {
          const type: FakeNumberType =
            number.type === 'toll-free' ? 'TollFree' : number.type === 'mobile' ? 'Mobile' : 'Local'
          state.available.push(fakeAvailableNumber(number.phone_number, country, type))
        }
        return { status: 204 }
      }
    }

    if (rest === '/Messages.json' && method === 'POST') {
      requireForm(r)
      const to = one(form.To)
      const from = one(form.From)
      let body = one(form.Body) ?? ''
      const media = many(form.MediaUrl)
      const contentSid = one(form.ContentSid)
      const rawVariables = one(form.ContentVariables)
      if (!to) throw new HttpError(400, 21604, "A 'To' phone number is required.")
      if (!from && !one(form.MessagingServiceSid))
        throw new HttpError(400, 21603, "A 'From' phone number is required.")
      // 21654: ContentVariables without ContentSid (twilio.com/docs/api/errors/21654).
      if (rawVariables !== undefined && !contentSid) throw new HttpError(400, 21654, 'ContentSid Required')
      if (!body && media.length === 0 && !contentSid)
        throw new HttpError(400, 21602, 'Message body is required.')
      if (!/^(whatsapp:)?\+[1-9]\d{6,14}$/.test(to))
        throw new HttpError(400, 21211, `Invalid 'To' Phone Number: ${to}`)
      let contentVariables: Record<string, string> | null = null
      if (contentSid) {
        // 21655: not an HX sid of this account, or deleted (twilio.com/docs/api/errors/21655).
        const content = state.contents.get(contentSid)
        if (!content) throw new HttpError(400, 21655, 'The ContentSid is Invalid')
        if (rawVariables !== undefined) {
          // 21656: ContentVariables must be a JSON object of strings (twilio.com/docs/api/errors/21656).
          let parsed: unknown
          try {
            parsed = JSON.parse(rawVariables)
          } catch {
            throw new HttpError(400, 21656, 'The ContentVariables Parameter is invalid')
          }
          if (
            typeof parsed !== 'object' ||
            parsed === null ||
            Array.isArray(parsed) ||
            Object.values(parsed).some((v) => typeof v !== 'string')
          )
            throw new HttpError(400, 21656, 'The ContentVariables Parameter is invalid')
          contentVariables = parsed as Record<string, string>
        }
        // WhatsApp delivers a business-initiated message only from an approved template; Twilio
        // fails any other with 63016 (freeform outside the window: twilio.com/docs/api/errors/63016).
        // Real Twilio reports it later in the status callback; the fake refuses at once so the
        // caller sees it in the response.
        applyDecision(content)
        if (content.approval?.status !== 'approved') {
          throw new HttpError(
            400,
            63016,
            'Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.',
          )
        }
        body = renderContent(content, contentVariables ?? {})
      }
      const sid = `SM${hex(16)}`
      const now = rfc2822()
      const message: FakeMessage = {
        sid,
        account_sid: accountSid,
        from: from ?? '',
        to,
        body,
        status: 'queued',
        direction: 'outbound-api',
        num_media: String(media.length),
        num_segments: '1',
        media_urls: media,
        status_callback: one(form.StatusCallback) ?? null,
        messaging_service_sid: one(form.MessagingServiceSid) ?? null,
        error_code: null,
        error_message: null,
        price: null,
        price_unit: 'USD',
        api_version: '2010-04-01',
        date_created: now,
        date_updated: now,
        date_sent: null,
        uri: `${accountBase}/Messages/${sid}.json`,
        subresource_uris: { media: `${accountBase}/Messages/${sid}/Media.json` },
      }
      state.messages.push(message)
      state.sends.push({
        sid,
        at: Date.now(),
        from: from ?? '',
        to,
        body,
        contentSid: contentSid ?? null,
        contentVariables,
      })
      return { status: 201, body: message }
    }
    const messageMatch = /^\/Messages\/(SM[0-9a-fA-F]{32})\.json$/.exec(rest)
    if (messageMatch && method === 'GET') {
      const message = state.messages.find((m) => m.sid === messageMatch[1])
      if (!message) throw new HttpError(404, 20404, `The requested resource ${path} was not found`)
      return { status: 200, body: message }
    }

    throw new HttpError(404, 20404, `The requested resource ${path} was not found`)
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8')
      const url = new URL(req.url ?? '/', 'http://fake-twilio')
      const type = String(req.headers['content-type'] ?? '')
      let body: unknown
      if (rawBody) {
        if (type.startsWith('application/json')) {
          try {
            body = JSON.parse(rawBody)
          } catch {
            body = rawBody
          }
        } else if (type.startsWith('application/x-www-form-urlencoded')) body = parseForm(rawBody)
        else body = rawBody
      }
      const record: FakeTwilioRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: parseForm(url.search.slice(1)),
        headers: req.headers,
        body,
        rawBody,
      }
      requests.push(record)

      const failure = failures.find(
        (f) =>
          f.remaining > 0 &&
          (!f.method || f.method.toUpperCase() === record.method) &&
          (!f.pathIncludes || record.path.includes(f.pathIncludes)),
      )
      if (failure) {
        failure.remaining--
        const { status, body: custom } = failure.response
        const fallback = errorBody(
          status,
          status === 429 ? 20429 : status >= 500 ? 20500 : 20001,
          `Simulated HTTP ${status}`,
        )
        const payload =
          custom === undefined
            ? fallback
            : typeof custom === 'object' && custom !== null && !Array.isArray(custom)
              ? { ...fallback, ...custom }
              : custom
        send(res, status, payload)
        return
      }

      if (!authorized(req)) {
        send(res, 401, errorBody(401, 20003, 'Authenticate'))
        return
      }
      try {
        const out = route(record)
        send(res, out.status, out.body)
      } catch (err) {
        if (err instanceof HttpError) send(res, err.status, errorBody(err.status, err.code, err.message))
        else send(res, 500, errorBody(500, 20500, err instanceof Error ? err.message : 'Internal error'))
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    requests,
    state,
    setApproval(sidOrName, status, rejectionReason = 'The template was rejected by WhatsApp') {
      decisions.set(sidOrName, { status, reason: rejectionReason })
      for (const content of state.contents.values()) {
        if (content.sid === sidOrName || content.approval?.name === sidOrName) applyDecision(content)
      }
    },
    failNext(match, response, times = 1) {
      failures.push({ ...match, response, remaining: times })
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      }),
  }
}

/** The configuration that points the app's real `twilio` client at this fake. */
export const twilioEnv = (fake: Pick<FakeTwilio, 'accountSid' | 'authToken' | 'url'>) => ({
  TWILIO_ACCOUNT_SID: fake.accountSid,
  TWILIO_AUTH_TOKEN: fake.authToken,
  TWILIO_API_BASE_URL: fake.url,
})
