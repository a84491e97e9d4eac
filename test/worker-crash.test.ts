import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../src/server/db/client.js'
import { readEncrypted } from '../src/server/db/encrypted-columns.js'
import { messages } from '../src/server/db/schema/index.js'
import { testEnv } from './support/env.js'
import { createOrganization, signUp } from './support/factories.js'
import { type FakeOpenAI, messageText, startFakeOpenAI } from './support/fake-openai.js'
import { type FakeTwilio, startFakeTwilio, twilioEnv } from './support/fake-twilio.js'
import type { TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, repliesTo, uniquePhone } from './support/whatsapp.js'
import { startWebAndWorkers, type WebAndWorkers } from './support/worker-process.js'

// A worker process killed (SIGKILL) while the model is answering: its inbox rows go to another
// worker process and each customer still gets exactly one reply; two workers share one inbox. Worker processes share the
// database, so this runs on the PostgreSQL server (TEST_DATABASE_URL), as in CI.

let app: WebAndWorkers
let web: TestRuntime
let twilio: FakeTwilio
let model: FakeOpenAI

describe.skipIf(!testEnv.TEST_DATABASE_URL)('a worker killed mid-job', () => {
  beforeAll(async () => {
    twilio = await startFakeTwilio()
    model = await startFakeOpenAI()
    app = await startWebAndWorkers({
      LOG_LEVEL: 'warn',
      ...twilioEnv(twilio),
      DEEPSEEK_API_KEY: 'ds-test',
      DEEPSEEK_BASE_URL: model.url,
      // Every message answered on its own: this file tests crashes and ordering, not bursts.
      REPLY_QUIET_PERIOD_MS: '0',
    })
    // This process is the web role only: every reply is done by the worker processes.
    web = app.web
  })
  afterAll(async () => {
    await app?.close()
    await twilio?.close()
    await model?.close()
  })

  it('loses nothing: a worker killed mid-batch leaves its messages to another, each answered once', async () => {
    const owner = await signUp(web)
    const org = await createOrganization(web, owner, { welcomeMessage: '' })
    const number = await giveActiveNumber(web, org.id)
    // Every model call of the first worker hangs; it is killed while they wait.
    model.script(...Array.from({ length: 5 }, () => ({ text: 'never sent', delayMs: 120_000 })))
    model.fallback = () => ({ text: 'We open at 8 every morning.' })

    const first = app.startWorker()
    const customers = Array.from({ length: 5 }, () => uniquePhone())
    const sent = await Promise.all(
      customers.map(async (from) => {
        const params = inboundParams({ from, to: number, body: 'When do you open?' })
        expect((await postTwilio(web, '/api/whatsapp/webhook', params)).status).toBe(200)
        return params.MessageSid
      }),
    )
    await waitFor(() => model.requests.length === 5, { what: 'the model calls', timeoutMs: 30_000 })
    first.kill('SIGKILL')
    await new Promise((r) => first.once('exit', r))

    for (const sid of sent) {
      const [planned] = await repliesTo(web, sid)
      expect(planned).toMatchObject({ source: 'ai', status: 'queued', body: '' }) // planned, not sent
    }
    // The dead worker's lease runs out (30 s) and the next worker takes the rows.
    app.startWorker()
    for (const [i, sid] of sent.entries()) {
      const replies = await waitFor(
        async () => {
          const rows = await repliesTo(web, sid)
          return rows.length === 1 && rows[0]?.providerMessageId ? rows : null
        },
        { what: 'the reply after the crash', timeoutMs: 90_000, intervalMs: 250 },
      )
      expect(replies[0]?.body).toBe('We open at 8 every morning.')
      const to = twilio.state.messages.filter((m) => m.to === `whatsapp:${customers[i]}`)
      expect(to.map((m) => m.body)).toEqual(['We open at 8 every morning.'])
      const stored = await web.services.db.select().from(messages).where(eq(messages.providerMessageId, sid))
      expect(stored).toHaveLength(1)
    }
  }, 150_000)

  it('two worker processes on one inbox: every message answered once, each conversation in order', async () => {
    const owner = await signUp(web)
    const org = await createOrganization(web, owner, { welcomeMessage: '' })
    const number = await giveActiveNumber(web, org.id)
    // The answer names the question, so the order of the answers shows the order of the work.
    model.fallback = (req) => {
      const last = req.body.messages.at(-1)
      const asked = /question (\d+)/.exec(last ? messageText(last) : '')?.[1] ?? '?'
      return { text: `Answer to question ${asked}`, delayMs: 20 }
    }
    app.killWorkers()
    app.startWorker()
    app.startWorker()
    const customers = Array.from({ length: 8 }, () => uniquePhone('+1888'))
    // Each customer sends four messages at once.
    const sids = await Promise.all(
      customers.flatMap((from) =>
        [1, 2, 3, 4].map(async (n) => {
          const params = inboundParams({ from, to: number, body: `This is question ${n}` })
          expect((await postTwilio(web, '/api/whatsapp/webhook', params)).status).toBe(200)
          return params.MessageSid
        }),
      ),
    )
    await waitFor(
      async () => {
        const done = await queryRows<{ n: number }>(
          web.services.db,
          sql`select count(*)::int as n from inbox where message_sid in (${sql.join(
            sids.map((s) => sql`${s}`),
            sql`, `,
          )}) and done_at is not null`,
        )
        return done[0]?.n === sids.length
      },
      { what: 'all 32 messages answered', timeoutMs: 90_000, intervalMs: 250 },
    )
    for (const from of customers) {
      const out = twilio.state.messages.filter((m) => m.to === `whatsapp:${from}`).map((m) => m.body)
      // Sent in the order the customer wrote, each once (arrival order of concurrent posts may differ).
      expect([...out].sort()).toEqual([
        'Answer to question 1',
        'Answer to question 2',
        'Answer to question 3',
        'Answer to question 4',
      ])
      const inbound = await queryRows<{ body: string }>(
        web.services.db,
        sql`select m.body from messages m join contacts c on c.id = (select contact_id from conversations where id = m.conversation_id)
            where c.wa_id = ${from} and m.direction = 'inbound' order by m.created_at`,
      )
      // Raw SQL: the stored body is encrypted at rest.
      const asked = inbound.map((r) =>
        readEncrypted(r.body).replace('This is question', 'Answer to question'),
      )
      expect(out).toEqual(asked)
    }
  }, 150_000)
})
