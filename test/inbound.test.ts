import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import twilio from 'twilio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverReplies, withMediaNote } from '../src/server/core/inbound/deliver-replies.js'
import { queryRows } from '../src/server/db/client.js'
import {
  contacts,
  conversations,
  inbox,
  messages,
  monthlyUsage,
  user,
} from '../src/server/db/schema/index.js'
import { inboundWebhookListener } from '../src/server/http/twilio-webhook.js'
import { defined, first, nth } from './support/defined.js'
import { addMember, api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { type FakeTwilio, startFakeTwilio, twilioEnv } from './support/fake-twilio.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, repliesTo, uniquePhone } from './support/whatsapp.js'

// The inbound pipeline end to end: signed webhook → database → reply job → the real `twilio`
// client → a local server speaking Twilio's API.
let fake: FakeTwilio
let rt: TestRuntime
const SHARED = '+15550001111'

beforeAll(async () => {
  fake = await startFakeTwilio()
  rt = await startTestRuntime({
    env: {
      ...twilioEnv(fake),
      TWILIO_PHONE_NUMBER: `whatsapp:${SHARED}`,
      CRON_SECRET: 'cron-secret-0123456789',
    },
  })
})
afterAll(async () => {
  await rt?.close()
  await fake?.close()
})

async function setup(orgInput: Record<string, unknown> = {}) {
  const owner = await signUp(rt)
  const org = await createOrganization(rt, owner, { welcomeMessage: 'Welcome to Test Shop!', ...orgInput })
  const number = await giveActiveNumber(rt, org.id)
  return { owner, org, number }
}

/** Sends a customer message through the signed webhook; resolves when its replies settled. */
async function customerSays(to: string, from: string, body: string, extra?: Record<string, string>) {
  const params = inboundParams({ from, to, body, extra })
  const res = await postTwilio(rt, '/api/whatsapp/webhook', params)
  expect(res.status).toBe(200)
  return params.MessageSid
}
const sentTo = (customer: string) => fake.state.messages.filter((m) => m.to === `whatsapp:${customer}`)
/** Waits for at least `count` (≥ 1) replies to `sid`, each sent or failed; returns them all, oldest first. */
async function settledReplies(sid: string, count: number) {
  return waitFor(
    async () => {
      const [head, ...rest] = await repliesTo(rt, sid)
      if (!head) return null
      const replies: [typeof head, ...(typeof head)[]] = [head, ...rest]
      return replies.length >= count && replies.every((r) => r.providerMessageId || r.status === 'failed')
        ? replies
        : null
    },
    { what: `${count} replies to ${sid}` },
  )
}
/** Waits for the inbox row of `sid` to be done (stored, planned, replies sent); returns its outcome. */
async function jobDone(sid: string) {
  const row = await waitFor(
    async () => {
      const [r] = await rt.services.db.select().from(inbox).where(eq(inbox.messageSid, sid))
      return r?.doneAt ? r : null
    },
    { what: `inbox row ${sid} done` },
  )
  return row.outcome
}

describe('webhook', () => {
  it('refuses a missing or wrong signature with 403 and stores nothing', async () => {
    const { number } = await setup()
    const from = uniquePhone()
    const params = inboundParams({ from, to: number, body: 'hello' })
    expect((await postTwilio(rt, '/api/whatsapp/webhook', params, { signature: null })).status).toBe(403)
    expect((await postTwilio(rt, '/api/whatsapp/webhook', params, { token: 'not-the-token' })).status).toBe(
      403,
    )
    // Signed, then tampered with.
    const tampered = { ...params }
    const good = await import('twilio').then((t) =>
      t.default.getExpectedTwilioSignature(
        fake.authToken,
        `${rt.config.appUrl}/api/whatsapp/webhook`,
        params,
      ),
    )
    tampered.Body = 'something else'
    expect((await postTwilio(rt, '/api/whatsapp/webhook', tampered, { signature: good })).status).toBe(403)
    const stored = await rt.services.db
      .select()
      .from(messages)
      .where(eq(messages.providerMessageId, params.MessageSid))
    expect(stored).toHaveLength(0)
  })

  it('stores contact, conversation and message, answers empty TwiML at once, then welcomes and answers', async () => {
    const { org, number } = await setup()
    const from = uniquePhone()
    const params = inboundParams({ from, to: number, body: 'Hi, are you open today?', profileName: 'Amina' })
    const res = await postTwilio(rt, '/api/whatsapp/webhook', params)
    expect(res.status).toBe(200)
    expect(res.contentType).toMatch(/text\/xml/)
    expect(res.text).toContain('<Response/>')
    // The webhook's one write: the inbox row, at once.
    const [accepted] = await rt.services.db
      .select()
      .from(inbox)
      .where(eq(inbox.messageSid, params.MessageSid))
    expect(accepted).toMatchObject({
      toNumber: number,
      fromWaId: from,
      body: 'Hi, are you open today?',
      simulated: false,
    })

    const replies = await settledReplies(params.MessageSid, 2)
    const contact = first(
      await rt.services.db
        .select()
        .from(contacts)
        .where(and(eq(contacts.organizationId, org.id), eq(contacts.waId, from))),
      'the contact',
    )
    expect(contact.profileName).toBe('Amina')
    expect(replies.map((r) => r.source)).toEqual(['welcome', 'ai'])
    expect(replies[0].body).toBe('Welcome to Test Shop!')
    const answer = nth(replies, 1, 'the answer after the welcome')
    expect(answer.body.length).toBeGreaterThan(0)
    for (const r of replies) {
      expect(r.providerMessageId).toMatch(/^SM/)
      expect(r.status).toBe('queued') // Twilio's answer to the create call; callbacks move it on
    }
    const out = sentTo(from)
    expect(out.map((m) => m.body)).toEqual(replies.map((r) => r.body))
    const firstSent = first(out, 'a message sent to Twilio')
    expect(firstSent.from).toBe(`whatsapp:${number}`)
    expect(firstSent.status_callback).toBe(`${rt.config.appUrl}/api/whatsapp/status`)
    expect(answer.latencyMs).not.toBeNull()
    expect(answer.model).toBeTruthy()

    // The second message gets no second welcome.
    const second = await customerSays(number, from, 'And tomorrow?')
    const again = await settledReplies(second, 1)
    expect(again.map((r) => r.source)).toEqual(['ai'])
  })

  it('answers a repeated MessageSid the same way and changes nothing: one reply', async () => {
    const { number } = await setup({ welcomeMessage: '' })
    const from = uniquePhone()
    const params = inboundParams({ from, to: number, body: 'Do you deliver?' })
    const results = await Promise.all([1, 2, 3].map(() => postTwilio(rt, '/api/whatsapp/webhook', params)))
    expect(results.map((r) => r.status)).toEqual([200, 200, 200])
    await settledReplies(params.MessageSid, 1)
    await jobDone(params.MessageSid)
    expect(
      await rt.services.db.select().from(messages).where(eq(messages.providerMessageId, params.MessageSid)),
    ).toHaveLength(1)
    expect(sentTo(from)).toHaveLength(1)
  })

  it('stores media with URLs and types and tells the assistant about them', async () => {
    const { owner, org, number } = await setup({ welcomeMessage: '' })
    const from = uniquePhone()
    const sid = await customerSays(number, from, 'Is this in stock?', {
      NumMedia: '1',
      MediaUrl0: `https://api.twilio.com/2010-04-01/Accounts/${fake.accountSid}/Messages/MM1/Media/ME1`,
      MediaContentType0: 'image/jpeg',
      MessageType: 'image',
    })
    await settledReplies(sid, 1)
    const list = await api(rt, owner, 'GET', `/api/organizations/${org.id}/conversations`)
    const conv = list.body.conversations.find((c: { contact: { waId: string } }) => c.contact.waId === from)
    const detail = await api(rt, owner, 'GET', `/api/organizations/${org.id}/conversations/${conv.id}`)
    const inbound = detail.body.messages.find((m: { direction: string }) => m.direction === 'inbound')
    expect(inbound.media).toEqual([{ url: expect.stringContaining('/Media/ME1'), contentType: 'image/jpeg' }])
    // What the reply job gives the assistant for this stored message: its text and a note of the media.
    const stored = first(
      await rt.services.db.select().from(messages).where(eq(messages.providerMessageId, sid)),
      'the stored message',
    )
    const forAssistant = withMediaNote(stored)
    expect(forAssistant).toContain('Is this in stock?')
    expect(forAssistant).toMatch(/1 attachment \(image\/jpeg\)/)
    expect(withMediaNote({ body: '', media: stored.media })).toMatch(/^\[The customer sent 1 attachment/)
  })

  it('routes by To: unknown numbers are acknowledged and not answered; the shared number answers', async () => {
    const from = uniquePhone()
    const unknownSid = await customerSays('+15559990000', from, 'hello?')
    expect(await jobDone(unknownSid)).toBe('unrouted')
    expect(
      await rt.services.db.select().from(messages).where(eq(messages.providerMessageId, unknownSid)),
    ).toHaveLength(0)

    const sid = await customerSays(SHARED, from, 'What is this service?')
    const replies = await settledReplies(sid, 1)
    expect(nth(replies, -1).source).toBe('ai')
    expect(nth(sentTo(from), -1).from).toBe(`whatsapp:${SHARED}`)
  })

  it('routes the shared number to the personal knowledge base of a linked account', async () => {
    const person = await signUp(rt)
    const phone = uniquePhone('+1444')
    await rt.services.db.update(user).set({ phone }).where(eq(user.id, person.id))
    const sid = await customerSays(SHARED, phone, 'hello me')
    await settledReplies(sid, 1)
    const inbound = first(
      await rt.services.db.select().from(messages).where(eq(messages.providerMessageId, sid)),
      'the stored message',
    )
    const org = await queryRows(
      rt.services.db,
      sql`select kind, personal_owner_id from organizations where id = ${inbound.organizationId}`,
    )
    expect(org[0]).toEqual({
      kind: 'personal',
      personal_owner_id: person.id,
    })
  })
})

describe('the inbox', () => {
  it("answers one customer's messages arriving together in order, one at a time", async () => {
    const { number } = await setup({ welcomeMessage: '' })
    const from = uniquePhone()
    const sids = await Promise.all(
      ['one', 'two', 'three', 'four', 'five'].map((body) => customerSays(number, from, `Question ${body}`)),
    )
    for (const sid of sids) await settledReplies(sid, 1)
    const inbound = await rt.services.db
      .select()
      .from(messages)
      .where(inArray(messages.providerMessageId, sids))
      .orderBy(asc(messages.createdAt))
    expect(inbound).toHaveLength(5)
    // Each message is stored only once the one before it was answered: never two at once.
    for (const [i, next] of inbound.entries()) {
      if (i === 0) continue
      const previous = nth(inbound, i - 1)
      const [previousReply] = await rt.services.db
        .select()
        .from(messages)
        .where(eq(messages.replyToId, previous.id))
      const sentAt = defined(previousReply?.sentAt, `the sent reply to ${previous.body}`)
      expect(sentAt.getTime()).toBeLessThanOrEqual(next.createdAt.getTime())
    }
    // And the customer got the answers in the order of their questions' arrival in the inbox.
    const arrived = await rt.services.db
      .select()
      .from(inbox)
      .where(inArray(inbox.messageSid, sids))
      .orderBy(asc(inbox.id))
    expect(inbound.map((m) => m.providerMessageId)).toEqual(arrived.map((r) => r.messageSid))
  })
})

describe("the webhook's own listener (ahead of the framework, as npm start serves it)", () => {
  it('accepts, refuses and caps exactly like the documented route', async () => {
    const { number } = await setup({ welcomeMessage: '' })
    const server = createServer(inboundWebhookListener(rt.services))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const post = (body: string, signature?: string) =>
      fetch(`${base}/api/whatsapp/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(signature ? { 'x-twilio-signature': signature } : {}),
        },
        body,
      })
    const sign = (params: Record<string, string>) =>
      twilio.getExpectedTwilioSignature(fake.authToken, `${rt.config.appUrl}/api/whatsapp/webhook`, params)
    try {
      const params = inboundParams({ from: uniquePhone(), to: number, body: 'Through the listener' })
      const ok = await post(new URLSearchParams(params).toString(), sign(params))
      expect(ok.status).toBe(200)
      expect(ok.headers.get('content-type')).toBe('text/xml')
      expect(await ok.text()).toContain('<Response/>')
      expect((await post(new URLSearchParams(params).toString(), sign(params))).status).toBe(200) // a repeat
      await settledReplies(params.MessageSid, 1)
      expect(
        await rt.services.db.select().from(inbox).where(eq(inbox.messageSid, params.MessageSid)),
      ).toHaveLength(1)

      const forged = inboundParams({ from: uniquePhone(), to: number, body: 'forged' })
      const refused = await post(new URLSearchParams(forged).toString(), sign({ ...forged, Body: 'other' }))
      expect(refused.status).toBe(403)
      expect((await refused.json()).error.code).toBe('FORBIDDEN')
      expect((await post(new URLSearchParams(forged).toString())).status).toBe(403)
      expect(
        await rt.services.db.select().from(inbox).where(eq(inbox.messageSid, forged.MessageSid)),
      ).toHaveLength(0)

      const huge = await post(`Body=${'x'.repeat(70 * 1024)}`, 'sig')
      expect(huge.status).toBe(413)
      expect((await huge.json()).error.code).toBe('PAYLOAD_TOO_LARGE')
      const many = new URLSearchParams(Array.from({ length: 201 }, (_, i) => [`P${i}`, 'v'])).toString()
      expect((await post(many, 'sig')).status).toBe(400)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('status callbacks', () => {
  it('moves statuses forward only and records failures with the error code', async () => {
    const { number } = await setup({ welcomeMessage: '' })
    const from = uniquePhone()
    const sid = await customerSays(number, from, 'status please')
    const [reply] = await settledReplies(sid, 1)
    const replySid = defined(reply.providerMessageId, 'the reply sid')
    const status = (s: string, extra: Record<string, string> = {}) =>
      postTwilio(rt, '/api/whatsapp/status', {
        MessageSid: replySid,
        MessageStatus: s,
        AccountSid: fake.accountSid,
        ...extra,
      })
    const current = async () =>
      first(await rt.services.db.select().from(messages).where(eq(messages.id, reply.id)), 'the reply')
    expect((await status('sent')).status).toBe(200)
    expect((await current()).status).toBe('sent')
    await status('read')
    await status('delivered') // late: must not move it back
    await status('sent')
    expect((await current()).status).toBe('read')
    expect(
      (
        await postTwilio(
          rt,
          '/api/whatsapp/status',
          { MessageSid: replySid, MessageStatus: 'queued' },
          { signature: 'bad' },
        )
      ).status,
    ).toBe(403)

    const sid2 = await customerSays(number, from, 'another')
    const [reply2] = await settledReplies(sid2, 1)
    await postTwilio(rt, '/api/whatsapp/status', {
      MessageSid: defined(reply2.providerMessageId, 'the second reply sid'),
      MessageStatus: 'undelivered',
      ErrorCode: '30008',
    })
    const row2 = first(
      await rt.services.db.select().from(messages).where(eq(messages.id, reply2.id)),
      'the second reply',
    )
    expect(row2.status).toBe('undelivered')
    expect(row2.errorCode).toBe('30008')
  })
})

describe('the reply job', () => {
  it('STOP opts out and confirms once; nothing else is sent until START', async () => {
    const { number } = await setup()
    const from = uniquePhone()
    const stop = await customerSays(number, from, 'STOP')
    const [confirm] = await settledReplies(stop, 1)
    expect(confirm.source).toBe('opt_out')
    expect(confirm.body).toMatch(/unsubscribed/)
    const stopAgain = await customerSays(number, from, 'stop')
    await jobDone(stopAgain)
    const ignored = await customerSays(number, from, 'Do you sell bread?')
    await jobDone(ignored)
    expect(sentTo(from)).toHaveLength(1)
    expect(await repliesTo(rt, ignored)).toHaveLength(0)

    const start = await customerSays(number, from, 'START')
    const [back] = await settledReplies(start, 1)
    expect(back.body).toMatch(/subscribed again/)
    const answered = await customerSays(number, from, 'Do you sell bread?')
    const replies = await settledReplies(answered, 1)
    expect(replies.some((r) => r.source === 'ai')).toBe(true)
  })

  it('a conversation taken over by an agent gets no AI reply; the agent replies and hands back', async () => {
    const { owner, org, number } = await setup({ welcomeMessage: '' })
    const agent = await signUp(rt)
    const viewer = await signUp(rt)
    await addMember(rt, owner, org.id, agent, 'agent')
    await addMember(rt, owner, org.id, viewer, 'viewer')
    const from = uniquePhone()
    await settledReplies(await customerSays(number, from, 'first'), 1)
    const list = await api(rt, agent, 'GET', `/api/organizations/${org.id}/conversations`)
    const conv = list.body.conversations.find((c: { contact: { waId: string } }) => c.contact.waId === from)
    const base = `/api/organizations/${org.id}/conversations/${conv.id}`
    expect((await api(rt, viewer, 'POST', `${base}/take-over`)).status).toBe(403)
    const taken = await api(rt, agent, 'POST', `${base}/take-over`)
    expect(taken.status).toBe(200)
    expect(taken.body.conversation.status).toBe('human')

    const during = await customerSays(number, from, 'I need a person')
    await jobDone(during)
    expect(await repliesTo(rt, during)).toHaveLength(0)
    const flagged = await api(rt, agent, 'GET', base)
    expect(flagged.body.conversation.needsAttention).toBe(true)
    // The dashboard's badge.
    expect(
      (await api(rt, agent, 'GET', `/api/organizations/${org.id}`)).body.organization
        .conversationsNeedingAttention,
    ).toBe(1)

    expect((await api(rt, agent, 'POST', `${base}/reply`, { body: '' })).status).toBe(400)
    expect((await api(rt, viewer, 'POST', `${base}/reply`, { body: 'hi' })).status).toBe(403)
    const reply = await api(rt, agent, 'POST', `${base}/reply`, { body: 'Hello, this is Sam from the team.' })
    expect(reply.status).toBe(201)
    await waitFor(() => sentTo(from).find((m) => m.body === 'Hello, this is Sam from the team.'), {
      what: 'agent reply sent',
    })

    expect((await api(rt, agent, 'POST', `${base}/hand-back`)).body.conversation.status).toBe('ai')
    const after = await customerSays(number, from, 'thanks')
    expect((await settledReplies(after, 1))[0].source).toBe('ai')

    expect((await api(rt, viewer, 'POST', `${base}/hand-back`)).status).toBe(403)
    expect((await api(rt, viewer, 'GET', base)).status).toBe(200)

    const stranger = await signUp(rt)
    expect((await api(rt, stranger, 'GET', base)).status).toBe(404)
    expect((await api(rt, stranger, 'GET', `/api/organizations/${org.id}/conversations`)).status).toBe(404)
    for (const action of ['take-over', 'hand-back'])
      expect((await api(rt, stranger, 'POST', `${base}/${action}`)).status).toBe(404)
    expect((await api(rt, stranger, 'POST', `${base}/reply`, { body: 'hi' })).status).toBe(404)
    // A conversation of another organization, asked for through one's own: not found, untouched.
    const own = await createOrganization(rt, stranger)
    const foreign = `/api/organizations/${own.id}/conversations/${conv.id}`
    expect((await api(rt, stranger, 'GET', foreign)).status).toBe(404)
    expect((await api(rt, stranger, 'POST', `${foreign}/hand-back`)).status).toBe(404)
    expect((await api(rt, stranger, 'POST', `${foreign}/reply`, { body: 'hijack' })).status).toBe(404)
    expect((await api(rt, agent, 'GET', base)).body.conversation.status).toBe('ai')
    expect((await api(rt, undefined, 'GET', base)).status).toBe(401)
    expect((await api(rt, undefined, 'GET', `/api/organizations/${org.id}/conversations`)).status).toBe(401)
    expect((await api(rt, undefined, 'POST', `${base}/reply`, { body: 'hi' })).status).toBe(401)
  })

  it('at the monthly limit: 50 concurrent messages one below it produce exactly one more answer', async () => {
    const { owner, org, number } = await setup({ welcomeMessage: '', monthlyMessageLimit: 3 })
    // Two answers used.
    for (const body of ['one', 'two'])
      await settledReplies(await customerSays(number, uniquePhone(), body), 1)
    const customers = Array.from({ length: 50 }, () => uniquePhone('+1666'))
    const sids = await Promise.all(customers.map((c) => customerSays(number, c, 'What are your prices?')))
    const all = await Promise.all(sids.map((s) => settledReplies(s, 1)))
    const sources = all.flat().map((r) => r.source)
    expect(sources.filter((s) => s === 'ai')).toHaveLength(1)
    expect(sources.filter((s) => s === 'limit_notice')).toHaveLength(49)
    const usage = first(
      await rt.services.db.select().from(monthlyUsage).where(eq(monthlyUsage.organizationId, org.id)),
      'the month usage row',
    )
    expect(usage.messageCount).toBe(3)
    expect(usage.limitReachedAt).not.toBeNull()

    // One notice per contact per month.
    const noticed = defined(
      customers.find((_, i) => all[i]?.[0].source === 'limit_notice'),
      'a customer who got the notice',
    )
    const again = await customerSays(number, noticed, 'hello?')
    await jobDone(again)
    expect(await repliesTo(rt, again)).toHaveLength(0)

    const stats = await api(rt, owner, 'GET', `/api/organizations/${org.id}/stats`)
    expect(stats.body.usage).toMatchObject({ used: 3, limit: 3, limitReached: true })
  })

  it('a new customer with one message left gets the welcome and the answer; with none left, the notice', async () => {
    const { owner, org, number } = await setup({ monthlyMessageLimit: 2 })
    // One answer used (its welcome is free): one message left.
    await settledReplies(await customerSays(number, uniquePhone(), 'first'), 2)
    const newcomer = uniquePhone()
    const replies = await settledReplies(await customerSays(number, newcomer, 'Hello, are you open?'), 2)
    expect(replies.map((r) => r.source)).toEqual(['welcome', 'ai'])
    const org2 = await api(rt, owner, 'GET', `/api/organizations/${org.id}`)
    expect(org2.body.organization.monthlyMessageCount).toBe(2)
    // None left: a third new customer gets the limit notice alone, no welcome.
    const late = await settledReplies(await customerSays(number, uniquePhone(), 'Hi!'), 1)
    expect(late.map((r) => r.source)).toEqual(['limit_notice'])
  })

  it('outside business hours sends the out-of-hours message once per closed period, no AI', async () => {
    // Business hours need the Business plan (issue 17).
    const { number } = await setup({
      planType: 'business',
      businessHours: {
        enabled: true,
        timezone: 'Africa/Kigali',
        schedule: {},
        outOfHoursMessage: 'We are closed, back soon!',
      },
    })
    const from = uniquePhone()
    const firstSid = await customerSays(number, from, 'anyone there?')
    const replies = await settledReplies(firstSid, 1)
    expect(replies.map((r) => r.source)).toEqual(['out_of_hours'])
    expect(replies[0].body).toBe('We are closed, back soon!')
    const second = await customerSays(number, from, 'hello??')
    await jobDone(second)
    expect(await repliesTo(rt, second)).toHaveLength(0)
    expect(sentTo(from)).toHaveLength(1)
  })

  it('retries a Twilio failure and still sends exactly one reply', async () => {
    const { number } = await setup({ welcomeMessage: '' })
    const from = uniquePhone()
    fake.failNext({ method: 'POST', pathIncludes: '/Messages.json' }, { status: 500 })
    const sid = await customerSays(number, from, 'retry me')
    const [reply] = await settledReplies(sid, 1)
    expect(reply.providerMessageId).toMatch(/^SM/)
    expect(sentTo(from)).toHaveLength(1)
    // Delivering again (a worker killed after sending) sends nothing new.
    const inbound = first(
      await rt.services.db.select().from(messages).where(eq(messages.providerMessageId, sid)),
      'the stored message',
    )
    await deliverReplies(rt.services, inbound.id, { isLastAttempt: false })
    expect(sentTo(from)).toHaveLength(1)
  }, 60_000)

  it('a refusal by Twilio marks the reply failed with the reason, shown to the organization', async () => {
    const { owner, org, number } = await setup({ welcomeMessage: '' })
    const from = uniquePhone()
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
    const sid = await customerSays(number, from, 'hello')
    const [reply] = await settledReplies(sid, 1)
    expect(reply.status).toBe('failed')
    expect(reply.errorCode).toBe('63016')
    expect(reply.errorMessage).toMatch(/outside the allowed window/)
    const stats = await api(rt, owner, 'GET', `/api/organizations/${org.id}/stats`)
    expect(stats.body.month.failed).toBe(1)
    expect(stats.body.usage.used).toBe(0) // a message never sent is not counted
  })

  it("refuses an agent's free-text reply outside WhatsApp's 24-hour window, storing and sending nothing", async () => {
    const { owner, org, number } = await setup({ welcomeMessage: '' })
    const from = uniquePhone()
    await settledReplies(await customerSays(number, from, 'hi'), 1)
    const list = await api(rt, owner, 'GET', `/api/organizations/${org.id}/conversations`)
    const conv = list.body.conversations[0]
    expect(conv.windowOpen).toBe(true)
    await rt.services.db
      .update(conversations)
      .set({ lastInboundAt: new Date(Date.now() - 25 * 3600_000) })
      .where(eq(conversations.id, conv.id))
    const countMessages = async () =>
      (await rt.services.db.select().from(messages).where(eq(messages.conversationId, conv.id))).length
    const storedBefore = await countMessages()
    const before = sentTo(from).length
    const reply = await api(
      rt,
      owner,
      'POST',
      `/api/organizations/${org.id}/conversations/${conv.id}/reply`,
      { body: 'late answer' },
    )
    expect(reply.status).toBe(409)
    expect(reply.body.error.details.reason).toBe('OUTSIDE_WINDOW')
    expect(await countMessages()).toBe(storedBefore)
    expect(sentTo(from).length).toBe(before)
    const after = await api(rt, owner, 'GET', `/api/organizations/${org.id}/conversations`)
    expect(after.body.conversations[0].windowOpen).toBe(false)
  })
})

describe('stats and cron', () => {
  it('reports messages, conversations, customers, usage and latency; members only', async () => {
    const { owner, org, number } = await setup()
    const a = uniquePhone()
    const b = uniquePhone()
    await settledReplies(await customerSays(number, a, 'hello'), 2)
    await settledReplies(await customerSays(number, b, 'hello'), 2)
    await settledReplies(await customerSays(number, a, 'again'), 1)
    const res = await api(rt, owner, 'GET', `/api/organizations/${org.id}/stats`)
    expect(res.status).toBe(200)
    expect(res.body.month.inbound).toBe(3)
    expect(res.body.month.outbound).toBe(5)
    expect(res.body.conversations).toMatchObject({ total: 2, thisMonth: 2 })
    expect(res.body.uniqueCustomers).toBe(2)
    // Three answers count; the two welcomes ride along with the first answers and do not.
    expect(res.body.usage.used).toBe(3)
    expect(res.body.averageReplyLatencyMs).toBeGreaterThanOrEqual(0)
    expect(res.body.perDay).toHaveLength(30)
    expect(res.body.perDay.at(-1)).toMatchObject({ inbound: 3, outbound: 5 })
    expect(res.body.recent).toHaveLength(2)
    const org2 = await api(rt, owner, 'GET', `/api/organizations/${org.id}`)
    expect(org2.body.organization.totalConversations).toBe(2)
    expect(org2.body.organization.monthlyMessageCount).toBe(3)

    const stranger: TestUser = await signUp(rt)
    expect((await api(rt, stranger, 'GET', `/api/organizations/${org.id}/stats`)).status).toBe(404)
    expect((await api(rt, undefined, 'GET', `/api/organizations/${org.id}/stats`)).status).toBe(401)
  })

  it('reset-usage needs the cron secret and is idempotent', async () => {
    const { org } = await setup()
    expect((await rt.request('/api/cron/reset-usage')).status).toBe(401)
    expect(
      (
        await rt.request('/api/cron/reset-usage', {
          headers: { authorization: 'Bearer wrong-secret-123456' },
        })
      ).status,
    ).toBe(401)
    const ok = await rt.request('/api/cron/reset-usage', {
      headers: { authorization: 'Bearer cron-secret-0123456789' },
    })
    expect(ok.status).toBe(200)
    const again = await rt.request('/api/cron/reset-usage', {
      headers: { authorization: 'Bearer cron-secret-0123456789' },
    })
    expect(((await again.json()) as { opened: number }).opened).toBe(0)
    const rows = await rt.services.db
      .select()
      .from(monthlyUsage)
      .where(eq(monthlyUsage.organizationId, org.id))
    expect(rows).toHaveLength(1)
    expect(rows[0]?.messageCount).toBe(0)
  })
})
