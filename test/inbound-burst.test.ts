import { eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../src/server/config.js'
import { decideBurst } from '../src/server/core/inbound/decide-burst.js'
import type { ChatState } from '../src/server/core/inbound/decide-reply.js'
import { claimInbox } from '../src/server/core/inbound/inbox-queue.js'
import { inbox, messages, monthlyUsage } from '../src/server/db/schema/index.js'
import { startInboxWorker } from '../src/server/jobs/inbox-worker.js'
import { first, nth } from './support/defined.js'
import { createOrganization, signUp } from './support/factories.js'
import { type FakeOpenAI, messageText, startFakeOpenAI } from './support/fake-openai.js'
import { type FakeTwilio, startFakeTwilio, twilioEnv } from './support/fake-twilio.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, repliesTo, uniquePhone } from './support/whatsapp.js'

// A customer who splits a question over several messages within the quiet period gets one
// answer to all of it, counted once; messages further apart are answered one by one.
const QUIET_MS = 1200

let fake: FakeTwilio
let model: FakeOpenAI
let rt: TestRuntime

beforeAll(async () => {
  fake = await startFakeTwilio()
  model = await startFakeOpenAI()
  rt = await startTestRuntime({
    env: {
      ...twilioEnv(fake),
      AI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
      AI_COMPATIBLE_MODELS: 'burst-model',
      REPLY_QUIET_PERIOD_MS: String(QUIET_MS),
    },
  })
})
afterAll(async () => {
  await rt?.close()
  await model?.close()
  await fake?.close()
})

async function setup() {
  const owner = await signUp(rt)
  const org = await createOrganization(rt, owner, {
    welcomeMessage: 'Welcome to Remera Deliveries!',
    ai: { tone: 'friendly', language: 'en', provider: 'compatible', model: 'burst-model' },
  })
  const number = await giveActiveNumber(rt, org.id)
  return { org, number }
}

async function customerSays(to: string, from: string, body: string) {
  const params = inboundParams({ from, to, body })
  const res = await postTwilio(rt, '/api/whatsapp/webhook', params)
  expect(res.status).toBe(200)
  return params.MessageSid
}

async function inboxDone(sids: string[]) {
  return waitFor(
    async () => {
      const rows = await rt.services.db.select().from(inbox).where(inArray(inbox.messageSid, sids))
      return rows.length === sids.length && rows.every((r) => r.doneAt) ? rows : null
    },
    { what: `inbox rows ${sids.join(', ')} done` },
  )
}

const usageOf = async (organizationId: string) =>
  (await rt.services.db.select().from(monthlyUsage).where(eq(monthlyUsage.organizationId, organizationId)))[0]
    ?.messageCount ?? 0

const requestsWith = (text: string) =>
  model.requests.filter((r) => r.body.messages.some((m) => messageText(m).includes(text)))

describe('burst batching', () => {
  it('answers three quick messages once, with all three in the question, counted once', async () => {
    const { org, number } = await setup()
    const customer = uniquePhone()
    model.script({ text: 'Yes, we deliver to Remera every day.' })
    const sids = [
      await customerSays(number, customer, 'hi'),
      await customerSays(number, customer, 'do you deliver'),
      await customerSays(number, customer, 'to Remera?'),
    ]
    const rows = await inboxDone(sids)
    const outcomes = new Map(rows.map((r) => [r.messageSid, r.outcome]))
    expect(sids.map((s) => outcomes.get(s))).toEqual(['batched', 'batched', 'answered'])

    // Every message is stored, in order; the answer (and the welcome) hang on the last one.
    const stored = await rt.services.db
      .select()
      .from(messages)
      .where(inArray(messages.providerMessageId, sids))
    expect(stored).toHaveLength(3)
    expect(await repliesTo(rt, nth(sids, 0))).toEqual([])
    expect(await repliesTo(rt, nth(sids, 1))).toEqual([])
    const replies = await repliesTo(rt, nth(sids, 2))
    expect(replies.map((r) => [r.source, r.body])).toEqual([
      ['welcome', 'Welcome to Remera Deliveries!'],
      ['ai', 'Yes, we deliver to Remera every day.'],
    ])
    await waitFor(
      async () => fake.state.messages.filter((m) => m.to === `whatsapp:${customer}`).length === 2,
      {
        what: 'the welcome and the answer sent',
      },
    )

    // One model call, whose last customer turn carries the three messages in order.
    const calls = requestsWith('to Remera?')
    expect(calls).toHaveLength(1)
    const call = first(calls, 'the model call')
    const last = messageText(
      nth(
        call.body.messages.filter((m) => m.role === 'user'),
        -1,
        'the last customer turn',
      ),
    )
    expect(last).toMatch(/hi[\s\S]*do you deliver[\s\S]*to Remera\?/)
    expect(await usageOf(org.id)).toBe(1)
  })

  it('answers messages further apart than the quiet period separately', async () => {
    const { org, number } = await setup()
    const customer = uniquePhone()
    const first = await customerSays(number, customer, 'What time do you open?')
    await inboxDone([first])
    const second = await customerSays(number, customer, 'And do you sell cakes?')
    await inboxDone([second])
    expect((await repliesTo(rt, first)).filter((r) => r.source === 'ai')).toHaveLength(1)
    expect((await repliesTo(rt, second)).filter((r) => r.source === 'ai')).toHaveLength(1)
    expect(requestsWith('And do you sell cakes?')).toHaveLength(1)
    expect(await usageOf(org.id)).toBe(2)
  })

  it('still honours a STOP inside a burst: no answer, the opt-out confirmed', async () => {
    const { org, number } = await setup()
    const customer = uniquePhone()
    const sids = [
      await customerSays(number, customer, 'hello, how much is delivery'),
      await customerSays(number, customer, 'STOP'),
    ]
    await inboxDone(sids)
    expect(await repliesTo(rt, nth(sids, 0))).toEqual([])
    expect((await repliesTo(rt, nth(sids, 1))).map((r) => r.source)).toEqual(['opt_out'])
    expect(requestsWith('how much is delivery')).toHaveLength(0)
    expect(await usageOf(org.id)).toBe(0)
  })

  it('answers each burst once with several workers sharing the inbox', async () => {
    const extra = [
      startInboxWorker(rt.services, { pollMs: 100 }),
      startInboxWorker(rt.services, { pollMs: 100 }),
    ]
    try {
      const { org, number } = await setup()
      const customers = Array.from({ length: 6 }, () => uniquePhone('+1666'))
      const sids = await Promise.all(
        customers.map(async (from) => {
          const mine: string[] = []
          for (const n of [1, 2, 3]) mine.push(await customerSays(number, from, `part ${n} from ${from}`))
          return mine
        }),
      )
      await inboxDone(sids.flat())
      for (const [i, from] of customers.entries()) {
        const answers = (await repliesTo(rt, nth(nth(sids, i), 2))).filter((r) => r.source === 'ai')
        expect(answers, from).toHaveLength(1)
        expect(requestsWith(`part 3 from ${from}`), from).toHaveLength(1)
        const asked = messageText(
          nth(
            first(requestsWith(`part 3 from ${from}`)).body.messages.filter((m) => m.role === 'user'),
            -1,
            'the question',
          ),
        )
        expect(asked).toContain(`part 1 from ${from}`)
        expect(asked).toContain(`part 2 from ${from}`)
      }
      expect(await usageOf(org.id)).toBe(6)
    } finally {
      await Promise.all(extra.map((w) => w.stop()))
    }
  })

  it('is not answered before the chat has been quiet for the period', async () => {
    const { number } = await setup()
    const customer = uniquePhone()
    const started = Date.now()
    const sid = await customerSays(number, customer, 'are you open on sunday?')
    await inboxDone([sid])
    expect(Date.now() - started).toBeGreaterThanOrEqual(QUIET_MS - 50)
  })
})

describe('claiming a chat', () => {
  // A web-only runtime: nothing claims the inbox but the test.
  let web: TestRuntime
  beforeAll(async () => {
    web = await startTestRuntime({ role: 'web', env: twilioEnv(fake) })
  })
  afterAll(async () => {
    await web?.close()
  })

  it('takes one row per chat without a quiet period, the whole burst once the chat is quiet', async () => {
    const owner = await signUp(web)
    const org = await createOrganization(web, owner)
    const number = await giveActiveNumber(web, org.id)
    const customer = uniquePhone()
    for (const body of ['one', 'two', 'three']) {
      const res = await postTwilio(
        web,
        '/api/whatsapp/webhook',
        inboundParams({ from: customer, to: number, body }),
      )
      expect(res.status).toBe(200)
    }
    // Just written: a quiet period holds the chat back.
    expect(await claimInbox(web.services.db, 'test-a', 10, 30, 60_000)).toEqual([])
    // Quiet period 0: today's behaviour, the oldest row alone.
    const alone = await claimInbox(web.services.db, 'test-b', 10, 30, 0)
    expect(alone.map((r) => r.body)).toEqual(['one'])
    await web.services.db
      .update(inbox)
      .set({ lockedBy: null, lockedUntil: null })
      .where(eq(inbox.fromWaId, customer))
    // Once quiet (a period shorter than the rows' age), the three together, in order.
    await new Promise((r) => setTimeout(r, 30))
    const burst = await claimInbox(web.services.db, 'test-c', 10, 30, 10)
    expect(burst.map((r) => r.body)).toEqual(['one', 'two', 'three'])
  })
})

describe('decideBurst', () => {
  const org = {
    welcomeMessage: 'Welcome!',
    businessHours: {
      enabled: false,
      timezone: 'UTC',
      schedule: {},
      outOfHoursMessage: 'Closed.',
    },
  }
  const fresh: Omit<ChatState, 'body'> = {
    optedOut: false,
    welcomed: false,
    conversationStatus: 'ai',
    outOfHoursNoticeFor: null,
  }
  const kinds = (bodies: string[], chat = fresh) =>
    decideBurst(
      chat,
      bodies.map((body) => ({ body })),
      org,
      new Date(),
    ).map((d) => d.decision)

  it('gives a run of questions one answer, with the welcome, on its last message', () => {
    expect(kinds(['hi', 'do you deliver', 'to Remera?'])).toEqual([
      { kind: 'batched' },
      { kind: 'batched' },
      { kind: 'open', welcome: 'Welcome!' },
    ])
  })

  it('applies STOP and START per message', () => {
    const [hi, stop, after] = kinds(['hi', 'STOP', 'hello?'])
    expect(hi).toEqual({ kind: 'batched' })
    expect(stop).toMatchObject({ kind: 'opt', optOut: true })
    expect(after).toEqual({ kind: 'opted-out' })
    const [start, question] = kinds(['START', 'open today?'], { ...fresh, optedOut: true, welcomed: true })
    expect(start).toMatchObject({ kind: 'opt', optOut: false })
    expect(question).toEqual({ kind: 'open', welcome: null })
  })

  it('leaves a conversation the team holds to the team', () => {
    expect(kinds(['hi', 'anyone?'], { ...fresh, conversationStatus: 'human' })).toEqual([
      { kind: 'human' },
      { kind: 'human' },
    ])
  })
})

describe('REPLY_QUIET_PERIOD_MS', () => {
  const base = { AUTH_SECRET: 'test-secret-test-secret-test-secret-0123456789', DATA_DIR: '/tmp/unused' }
  it('waits 3 s by default, not at all in tests, and as set otherwise', () => {
    expect(parseConfig({ ...base, NODE_ENV: 'production' }).replyQuietPeriodMs).toBe(3000)
    expect(parseConfig({ ...base, NODE_ENV: 'test' }).replyQuietPeriodMs).toBe(0)
    expect(parseConfig({ ...base, REPLY_QUIET_PERIOD_MS: '1500' }).replyQuietPeriodMs).toBe(1500)
    expect(
      parseConfig({ ...base, NODE_ENV: 'production', REPLY_QUIET_PERIOD_MS: '0' }).replyQuietPeriodMs,
    ).toBe(0)
  })
  it('refuses what is not a duration of at most a minute', () => {
    expect(() => parseConfig({ ...base, REPLY_QUIET_PERIOD_MS: '-1' })).toThrow(ConfigError)
    expect(() => parseConfig({ ...base, REPLY_QUIET_PERIOD_MS: '120000' })).toThrow(ConfigError)
    expect(() => parseConfig({ ...base, REPLY_QUIET_PERIOD_MS: 'soon' })).toThrow(ConfigError)
  })
})
