import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../src/server/config.js'
import { TwilioTelephony, toTelephonyError } from '../src/server/providers/telephony/twilio.js'
import { TelephonyError } from '../src/server/providers/telephony/types.js'
import { first, nth } from './support/defined.js'
import { type FakeTwilio, fakeAvailableNumber, startFakeTwilio } from './support/fake-twilio.js'

const APP = 'http://localhost:3999'
const SMS_URL = `${APP}/api/whatsapp/webhook`
const STATUS_URL = `${APP}/api/whatsapp/status`

let fake: FakeTwilio

function telephonyFor(f: FakeTwilio, overrides: { authToken?: string } = {}) {
  const config = parseConfig({
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'wa-twilio-')),
    AUTH_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    APP_URL: APP,
    LOG_LEVEL: 'silent',
    TWILIO_ACCOUNT_SID: f.accountSid,
    TWILIO_AUTH_TOKEN: overrides.authToken ?? f.authToken,
    TWILIO_API_BASE_URL: f.url,
  })
  return new TwilioTelephony(config, { retryBaseDelayMs: 5 })
}

async function failure(p: Promise<unknown>): Promise<TelephonyError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(TelephonyError)
    return err as TelephonyError
  }
  throw new Error('expected the call to fail')
}

const accountPath = () => `/2010-04-01/Accounts/${fake.accountSid}`

beforeAll(async () => {
  fake = await startFakeTwilio()
})
afterAll(async () => {
  await fake.close()
})
beforeEach(() => {
  fake.requests.length = 0
  fake.state.senderOutcome = 'online'
})

describe('TwilioTelephony against the fake Twilio API', () => {
  it('searches local numbers with country, contains and limit, and sends Basic auth', async () => {
    fake.state.available.push(
      fakeAvailableNumber('+14155550123', 'US', 'Local', { locality: 'San Francisco', region: 'CA' }),
      fakeAvailableNumber('+14155550199', 'US', 'Local'),
      fakeAvailableNumber('+18005550123', 'US', 'TollFree'),
    )
    const t = telephonyFor(fake)
    const numbers = await t.searchNumbers({ country: 'us', type: 'local', contains: '4155550', limit: 1 })
    expect(numbers).toEqual([
      {
        phoneNumber: '+14155550123',
        friendlyName: '(415) 555-0123',
        isoCountry: 'US',
        type: 'local',
        locality: 'San Francisco',
        region: 'CA',
      },
    ])
    expect(fake.requests).toHaveLength(1)
    const r = first(fake.requests, 'a request to Twilio')
    expect(r.method).toBe('GET')
    expect(r.path).toBe(`${accountPath()}/AvailablePhoneNumbers/US/Local.json`)
    expect(r.query).toEqual({ Contains: '4155550', PageSize: '1' })
    const both = await t.searchNumbers({ country: 'US', type: 'local', contains: '4155550', limit: 10 })
    expect(both.map((n) => n.phoneNumber)).toEqual(['+14155550123', '+14155550199'])
    const expected = `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`
    expect(r.headers.authorization).toBe(expected)
  })

  it('sends every twilio.com host (api, messaging, content) to TWILIO_API_BASE_URL', async () => {
    const t = telephonyFor(fake)
    const contentLookup = await t.client.content.v1
      .contents('HX00000000000000000000000000000000')
      .fetch()
      .catch((err: { status?: number }) => err)
    expect(contentLookup).toMatchObject({ status: 404 })
    await t.getSender('XE00000000000000000000000000000000').catch(() => undefined)
    await t.listNumbers()
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/Content/HX00000000000000000000000000000000',
      'GET /v2/Channels/Senders/XE00000000000000000000000000000000',
      `GET ${accountPath()}/IncomingPhoneNumbers.json`,
    ])
  })

  it('searches toll-free and mobile numbers on their own paths', async () => {
    const t = telephonyFor(fake)
    const tollFree = await t.searchNumbers({ country: 'US', type: 'tollFree', limit: 5 })
    expect(tollFree.length).toBe(5)
    for (const n of tollFree) {
      expect(n.type).toBe('tollFree')
      expect(n.phoneNumber).toMatch(/^\+18(00|33|44|55|66|77|88)\d{7}$/)
    }
    const mobile = await t.searchNumbers({ country: 'GB', type: 'mobile', limit: 3 })
    expect(mobile.length).toBe(3)
    for (const n of mobile) expect(n.phoneNumber).toMatch(/^\+447\d{9}$/)
    expect(fake.requests.map((r) => r.path)).toEqual([
      `${accountPath()}/AvailablePhoneNumbers/US/TollFree.json`,
      `${accountPath()}/AvailablePhoneNumbers/GB/Mobile.json`,
    ])
  })

  it('reports a country Twilio does not serve as invalid', async () => {
    const t = telephonyFor(fake)
    const err = await failure(t.searchNumbers({ country: 'ZZ', type: 'local' }))
    expect(err.kind).toBe('invalid')
  })

  it('purchases a number with the webhook URLs as form fields, then updates, fetches, lists and releases it', async () => {
    const t = telephonyFor(fake)
    const candidate = first(
      await t.searchNumbers({ country: 'US', type: 'local', limit: 1 }),
      'an available number',
    )
    fake.requests.length = 0
    const bought = await t.purchaseNumber({
      phoneNumber: candidate.phoneNumber,
      smsUrl: SMS_URL,
      statusCallback: STATUS_URL,
    })
    expect(bought.sid).toMatch(/^PN[0-9a-f]{32}$/)
    expect(bought).toMatchObject({
      phoneNumber: candidate.phoneNumber,
      smsUrl: SMS_URL,
      statusCallback: STATUS_URL,
    })

    const create = first(fake.requests, 'the create request')
    expect(create.method).toBe('POST')
    expect(create.path).toBe(`${accountPath()}/IncomingPhoneNumbers.json`)
    expect(create.headers['content-type']).toContain('application/x-www-form-urlencoded')
    expect(create.body).toMatchObject({
      PhoneNumber: candidate.phoneNumber,
      SmsUrl: SMS_URL,
      SmsMethod: 'POST',
      StatusCallback: STATUS_URL,
      StatusCallbackMethod: 'POST',
    })
    expect(fake.state.numbers.get(bought.sid)?.sms_url).toBe(SMS_URL)

    await t.updateWebhooks(bought.sid, { smsUrl: `${SMS_URL}?v=2`, statusCallback: `${STATUS_URL}?v=2` })
    const update = nth(fake.requests, -1, 'the update request')
    expect(update.method).toBe('POST')
    expect(update.path).toBe(`${accountPath()}/IncomingPhoneNumbers/${bought.sid}.json`)
    expect(update.body).toMatchObject({
      SmsUrl: `${SMS_URL}?v=2`,
      StatusCallback: `${STATUS_URL}?v=2`,
      SmsMethod: 'POST',
    })

    expect(await t.getNumber(bought.sid)).toEqual({
      sid: bought.sid,
      phoneNumber: candidate.phoneNumber,
      smsUrl: `${SMS_URL}?v=2`,
      statusCallback: `${STATUS_URL}?v=2`,
    })
    expect((await t.listNumbers()).map((n) => n.sid)).toContain(bought.sid)

    await t.releaseNumber(bought.sid)
    const del = nth(fake.requests, -1, 'the delete request')
    expect(del.method).toBe('DELETE')
    expect(del.path).toBe(`${accountPath()}/IncomingPhoneNumbers/${bought.sid}.json`)
    expect(fake.state.numbers.has(bought.sid)).toBe(false)
    expect((await failure(t.getNumber(bought.sid))).kind).toBe('not_found')
  })

  it('maps a number that is no longer available to not_available', async () => {
    const t = telephonyFor(fake)
    const err = await failure(
      t.purchaseNumber({ phoneNumber: '+14155559876', smsUrl: SMS_URL, statusCallback: STATUS_URL }),
    )
    expect(err.kind).toBe('not_available')
    expect(err.providerCode).toBe(21422)
    expect(err.httpStatus).toBe(400)
  })

  it('maps an invalid number to invalid', async () => {
    const t = telephonyFor(fake)
    const err = await failure(
      t.purchaseNumber({ phoneNumber: '12345', smsUrl: SMS_URL, statusCallback: STATUS_URL }),
    )
    expect(err.kind).toBe('invalid')
    expect(err.providerCode).toBe(21421)
  })

  it('maps a refused token to auth', async () => {
    const t = telephonyFor(fake, { authToken: 'wrong-token' })
    const err = await failure(t.searchNumbers({ country: 'US', type: 'local' }))
    expect(err.kind).toBe('auth')
    expect(err.providerCode).toBe(20003)
    expect(err.httpStatus).toBe(401)
  })

  it('maps a 5xx to unavailable, without retrying', async () => {
    const t = telephonyFor(fake)
    fake.failNext({ method: 'POST', pathIncludes: '/IncomingPhoneNumbers.json' }, { status: 500 })
    const err = await failure(
      t.purchaseNumber({ phoneNumber: '+14155550199', smsUrl: SMS_URL, statusCallback: STATUS_URL }),
    )
    expect(err.kind).toBe('unavailable')
    expect(err.retryable).toBe(true)
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  it('maps an unreachable Twilio to unavailable', async () => {
    const closed = await startFakeTwilio()
    const t = telephonyFor(closed)
    await closed.close()
    const err = await failure(t.searchNumbers({ country: 'US', type: 'local' }))
    expect(err.kind).toBe('unavailable')
  })

  it('retries 429s with backoff and succeeds', async () => {
    const t = telephonyFor(fake)
    fake.failNext({ pathIncludes: '/AvailablePhoneNumbers/' }, { status: 429 }, 2)
    const numbers = await t.searchNumbers({ country: 'GB', type: 'local', limit: 2 })
    expect(numbers).toHaveLength(2)
    expect(fake.requests).toHaveLength(3)
  })

  it('gives up after three 429s with rate_limited', async () => {
    const t = telephonyFor(fake)
    fake.failNext({ pathIncludes: '/AvailablePhoneNumbers/' }, { status: 429 }, 3)
    const err = await failure(t.searchNumbers({ country: 'GB', type: 'local' }))
    expect(err.kind).toBe('rate_limited')
    expect(err.retryable).toBe(true)
    expect(fake.requests).toHaveLength(3)
  })

  it('registers a WhatsApp sender with snake_case JSON and follows it to ONLINE', async () => {
    const t = telephonyFor(fake)
    const sender = await t.registerSender({
      phoneNumber: '+14155550111',
      profileName: 'Acme Bakery',
      webhookUrl: SMS_URL,
      statusCallbackUrl: STATUS_URL,
    })
    expect(sender.sid).toMatch(/^XE[0-9a-f]{32}$/)
    expect(sender.status).toBe('CREATING')
    const create = first(fake.requests, 'the create request')
    expect(create.method).toBe('POST')
    expect(create.path).toBe('/v2/Channels/Senders')
    expect(create.headers['content-type']).toContain('application/json')
    expect(create.body).toEqual({
      sender_id: 'whatsapp:+14155550111',
      profile: { name: 'Acme Bakery' },
      webhook: {
        callback_url: SMS_URL,
        callback_method: 'POST',
        status_callback_url: STATUS_URL,
        status_callback_method: 'POST',
      },
    })
    expect(await t.getSender(sender.sid)).toEqual({ sid: sender.sid, status: 'ONLINE' })
    expect(fake.requests[1]).toMatchObject({ method: 'GET', path: `/v2/Channels/Senders/${sender.sid}` })

    await t.deleteSender(sender.sid)
    expect(fake.requests[2]).toMatchObject({ method: 'DELETE', path: `/v2/Channels/Senders/${sender.sid}` })
    expect(fake.state.senders.has(sender.sid)).toBe(false)
    expect((await failure(t.getSender(sender.sid))).kind).toBe('not_found')
  })

  it('reports an OFFLINE sender with the reason', async () => {
    const t = telephonyFor(fake)
    fake.state.senderOutcome = 'offline'
    fake.state.senderOfflineReason = { code: '63113', message: 'Display name rejected by Meta' }
    const sender = await t.registerSender({
      phoneNumber: '+14155550112',
      profileName: 'Acme',
      webhookUrl: SMS_URL,
      statusCallbackUrl: STATUS_URL,
    })
    const settled = await t.getSender(sender.sid)
    expect(settled.status).toBe('OFFLINE')
    expect(settled.reason).toContain('Display name rejected by Meta')
  })

  it('maps a failing sender registration to a TelephonyError', async () => {
    const t = telephonyFor(fake)
    fake.failNext(
      { method: 'POST', pathIncludes: '/v2/Channels/Senders' },
      { status: 400, body: { code: 21211, message: 'Invalid sender' } },
    )
    const err = await failure(
      t.registerSender({
        phoneNumber: '+14155550113',
        profileName: 'Acme',
        webhookUrl: SMS_URL,
        statusCallbackUrl: STATUS_URL,
      }),
    )
    expect(err.kind).toBe('invalid')
    expect(err.providerCode).toBe(21211)
    fake.failNext({ method: 'POST', pathIncludes: '/v2/Channels/Senders' }, { status: 503 })
    const down = await failure(
      t.registerSender({
        phoneNumber: '+14155550113',
        profileName: 'Acme',
        webhookUrl: SMS_URL,
        statusCallbackUrl: STATUS_URL,
      }),
    )
    expect(down.kind).toBe('unavailable')
  })

  it('sends a WhatsApp message with whatsapp: addresses, media and a status callback', async () => {
    const t = telephonyFor(fake)
    const sent = await t.sendMessage({
      from: '+14155550111',
      to: '+250788123456',
      body: 'Hello there',
      mediaUrls: ['https://example.test/a.png', 'https://example.test/b.png'],
      statusCallback: STATUS_URL,
    })
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/)
    expect(sent.status).toBe('queued')
    const r = first(fake.requests, 'a request to Twilio')
    expect(r.method).toBe('POST')
    expect(r.path).toBe(`${accountPath()}/Messages.json`)
    expect(r.body).toEqual({
      From: 'whatsapp:+14155550111',
      To: 'whatsapp:+250788123456',
      Body: 'Hello there',
      MediaUrl: ['https://example.test/a.png', 'https://example.test/b.png'],
      StatusCallback: STATUS_URL,
    })
    expect(fake.state.messages.at(-1)?.sid).toBe(sent.sid)
  })

  it('maps refusals to send (24h window, opted out) to rejected with the provider code', async () => {
    const t = telephonyFor(fake)
    fake.failNext(
      { method: 'POST', pathIncludes: '/Messages.json' },
      {
        status: 400,
        body: {
          code: 63016,
          message: 'Failed to send freeform message because you are outside the allowed window.',
        },
      },
    )
    const outside = await failure(t.sendMessage({ from: '+14155550111', to: '+250788123456', body: 'hi' }))
    expect(outside.kind).toBe('rejected')
    expect(outside.providerCode).toBe(63016)
    expect(outside.retryable).toBe(false)

    fake.failNext(
      { method: 'POST', pathIncludes: '/Messages.json' },
      { status: 400, body: { code: 21610, message: 'Attempt to send to unsubscribed recipient' } },
    )
    const optedOut = await failure(t.sendMessage({ from: '+14155550111', to: '+250788123456', body: 'hi' }))
    expect(optedOut.kind).toBe('rejected')
    expect(optedOut.providerCode).toBe(21610)
  })

  it('creates a template in the Content API with the wire field names and submits it for WhatsApp approval', async () => {
    const t = telephonyFor(fake)
    const { sid } = await t.createTemplate({
      name: 'order_ready',
      language: 'en',
      body: 'Hi {{1}}, order {{2}} is ready',
      examples: { '1': 'Ana', '2': 'A-17' },
    })
    expect(sid).toMatch(/^HX[0-9a-f]{32}$/)
    const create = first(fake.requests, 'the create request')
    expect(create.method).toBe('POST')
    expect(create.path).toBe('/v1/Content')
    expect(create.headers['content-type']).toMatch(/^application\/json/)
    expect(create.body).toEqual({
      friendly_name: 'order_ready',
      language: 'en',
      variables: { '1': 'Ana', '2': 'A-17' },
      types: { 'twilio/text': { body: 'Hi {{1}}, order {{2}} is ready' } },
    })
    expect(fake.state.contents.get(sid)?.types).toEqual({
      'twilio/text': { body: 'Hi {{1}}, order {{2}} is ready' },
    })

    const submitted = await t.submitTemplate(sid, { name: 'order_ready', category: 'utility' })
    expect(submitted).toEqual({ status: 'pending' })
    const submit = nth(fake.requests, 1, 'the approval request')
    expect(submit.method).toBe('POST')
    expect(submit.path).toBe(`/v1/Content/${sid}/ApprovalRequests/whatsapp`)
    expect(submit.body).toEqual({ name: 'order_ready', category: 'UTILITY' })

    expect(await t.getTemplateApproval(sid)).toEqual({ status: 'pending' })
    expect(fake.requests.at(-1)?.path).toBe(`/v1/Content/${sid}/ApprovalRequests`)
    fake.setApproval('order_ready', 'approved')
    expect(await t.getTemplateApproval(sid)).toEqual({ status: 'approved' })
  })

  it('reports a rejected template with the reason, and a decision made before submission', async () => {
    const t = telephonyFor(fake)
    fake.setApproval('promo_blast', 'rejected', 'INVALID_FORMAT: the body has too many variables')
    const { sid } = await t.createTemplate({
      name: 'promo_blast',
      language: 'fr',
      body: '{{1}} {{2}}',
      examples: { '1': 'a', '2': 'b' },
    })
    expect(await t.submitTemplate(sid, { name: 'promo_blast', category: 'marketing' })).toEqual({
      status: 'pending',
    })
    expect(await t.getTemplateApproval(sid)).toEqual({
      status: 'rejected',
      rejectionReason: 'INVALID_FORMAT: the body has too many variables',
    })
    // A content never submitted has no review yet.
    const other = await t.createTemplate({ name: 'draft_only', language: 'en', body: 'Hi', examples: {} })
    expect(await t.getTemplateApproval(other.sid)).toEqual({ status: 'pending' })
  })

  it('refuses a bad template (name, missing content) as invalid', async () => {
    const t = telephonyFor(fake)
    const { sid } = await t.createTemplate({ name: 'x', language: 'en', body: 'Hi', examples: {} })
    const badName = await failure(t.submitTemplate(sid, { name: 'Not Valid', category: 'utility' }))
    expect(badName.kind).toBe('invalid')
    const missing = await failure(
      t.submitTemplate('HX00000000000000000000000000000000', { name: 'x', category: 'utility' }),
    )
    expect(missing.kind).toBe('not_found')
  })

  it('deletes the content, and deleting it again is not an error', async () => {
    const t = telephonyFor(fake)
    const { sid } = await t.createTemplate({ name: 'bye', language: 'en', body: 'Bye', examples: {} })
    await t.deleteTemplate(sid)
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v1/Content/${sid}` })
    expect(fake.state.contents.has(sid)).toBe(false)
    await expect(t.deleteTemplate(sid)).resolves.toBeUndefined()
  })

  it('sends an approved template with ContentSid and ContentVariables as a JSON string, without Body', async () => {
    const t = telephonyFor(fake)
    const { sid } = await t.createTemplate({
      name: 'order_ready',
      language: 'en',
      body: 'Hi {{1}}, order {{2}} is ready',
      examples: { '1': 'Ana', '2': 'A-17' },
    })
    await t.submitTemplate(sid, { name: 'order_ready', category: 'utility' })
    fake.setApproval(sid, 'approved')
    fake.requests.length = 0
    const before = Date.now()
    const sent = await t.sendMessage({
      from: '+14155550111',
      to: '+250788123456',
      body: 'Hi Bea, order B-2 is ready',
      contentSid: sid,
      contentVariables: { '1': 'Bea', '2': 'B-2' },
      statusCallback: STATUS_URL,
    })
    const r = first(fake.requests, 'the send')
    expect(r.path).toBe(`${accountPath()}/Messages.json`)
    expect(r.body).toEqual({
      From: 'whatsapp:+14155550111',
      To: 'whatsapp:+250788123456',
      ContentSid: sid,
      ContentVariables: JSON.stringify({ '1': 'Bea', '2': 'B-2' }),
      StatusCallback: STATUS_URL,
    })
    const recorded = fake.state.sends.at(-1)
    expect(recorded).toMatchObject({
      sid: sent.sid,
      contentSid: sid,
      contentVariables: { '1': 'Bea', '2': 'B-2' },
      body: 'Hi Bea, order B-2 is ready',
    })
    expect(recorded?.at).toBeGreaterThanOrEqual(before)
  })

  it('has a template send refused like Twilio: unknown sid 21655, unapproved 63016, bad variables 21656', async () => {
    const t = telephonyFor(fake)
    const unknown = await failure(
      t.sendMessage({
        from: '+14155550111',
        to: '+250788123456',
        body: 'x',
        contentSid: 'HX0123456789abcdef0123456789abcdef',
      }),
    )
    expect(unknown.kind).toBe('rejected')
    expect(unknown.providerCode).toBe(21655)
    expect(unknown.retryable).toBe(false)

    const { sid } = await t.createTemplate({
      name: 'not_yet',
      language: 'en',
      body: 'Hi {{1}}',
      examples: {},
    })
    await t.submitTemplate(sid, { name: 'not_yet', category: 'utility' })
    const sends = fake.state.sends.length
    const pending = await failure(
      t.sendMessage({
        from: '+14155550111',
        to: '+250788123456',
        body: 'x',
        contentSid: sid,
        contentVariables: { '1': 'A' },
      }),
    )
    expect(pending.kind).toBe('rejected')
    expect(pending.providerCode).toBe(63016)
    expect(fake.state.sends).toHaveLength(sends)

    fake.setApproval(sid, 'approved')
    // The SDK sends ContentVariables as given; a non-JSON string is what Twilio calls 21656.
    const badVars = await failure(
      t.client.messages
        .create({
          from: 'whatsapp:+14155550111',
          to: 'whatsapp:+250788123456',
          contentSid: sid,
          contentVariables: '{nope',
        })
        .catch((err: unknown) => {
          throw toTelephonyError('send message', err, { sending: true })
        }),
    )
    expect(badVars.kind).toBe('rejected')
    expect(badVars.providerCode).toBe(21656)
  })
})
