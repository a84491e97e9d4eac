import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../src/server/db/client.js'
import { messages } from '../src/server/db/schema/index.js'
import { createTestDatabase } from './support/database.js'
import { testEnv } from './support/env.js'
import { createOrganization, signUp } from './support/factories.js'
import { type FakeOpenAI, startFakeOpenAI } from './support/fake-openai.js'
import { type FakeTwilio, startFakeTwilio } from './support/fake-twilio.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, repliesTo, uniquePhone } from './support/whatsapp.js'

// A worker process killed (SIGKILL) while the model is answering: the job is retried by another
// worker process and the customer still gets exactly one reply. Worker processes share the
// database, so this runs on the PostgreSQL server (TEST_DATABASE_URL), as in CI.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const AUTH_SECRET = 'crash-test-secret-crash-test-secret-0123456789'

let database: Database
let web: TestRuntime
let twilio: FakeTwilio
let model: FakeOpenAI
let env: Record<string, string>
const children: ChildProcess[] = []

function startWorker() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--role=worker'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  children.push(child)
  return child
}

describe.skipIf(!testEnv.TEST_DATABASE_URL)('a worker killed mid-job', () => {
  beforeAll(async () => {
    database = await createTestDatabase()
    twilio = await startFakeTwilio()
    model = await startFakeOpenAI()
    env = {
      DATABASE_URL: database.url!,
      AUTH_SECRET,
      APP_URL: 'http://localhost:3999',
      LOG_LEVEL: 'warn',
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_API_BASE_URL: twilio.url,
      DEEPSEEK_API_KEY: 'ds-test',
      DEEPSEEK_BASE_URL: model.url,
    }
    // This process is the web role only: every reply is done by the worker processes.
    web = await startTestRuntime({ role: 'web', database, env })
  })
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
    await web?.close()
    await database?.close()
    await twilio?.close()
    await model?.close()
  })

  it('loses nothing: another worker retries the job and sends one reply', async () => {
    const owner = await signUp(web)
    const org = await createOrganization(web, owner, { welcomeMessage: '' })
    const number = await giveActiveNumber(web, org.id)
    // The first model call hangs; the worker is killed while it waits.
    model.script({ text: 'never sent', delayMs: 120_000 })
    model.fallback = () => ({ text: 'We open at 8 every morning.' })

    const first = startWorker()
    const customer = uniquePhone()
    const params = inboundParams({ from: customer, to: number, body: 'When do you open?' })
    expect((await postTwilio(web, '/api/whatsapp/webhook', params)).status).toBe(200)
    await waitFor(() => model.requests.length === 1, { what: 'the model call', timeoutMs: 30_000 })
    first.kill('SIGKILL')
    await new Promise((r) => first.once('exit', r))

    const [planned] = await repliesTo(web, params.MessageSid)
    expect(planned).toMatchObject({ source: 'ai', status: 'queued', body: '' }) // planned, not sent
    // Instead of waiting out the job's expiry (minutes), age it as if that time had passed.
    await web.services.db.execute(
      sql`update pgboss.job set started_on = now() - interval '1 hour' where name = 'inbound.reply' and state = 'active'`,
    )

    startWorker()
    const replies = await waitFor(
      async () => {
        const rows = await repliesTo(web, params.MessageSid)
        return rows.length === 1 && rows[0].providerMessageId ? rows : null
      },
      { what: 'the reply after the crash', timeoutMs: 60_000, intervalMs: 250 },
    )
    expect(replies[0].body).toBe('We open at 8 every morning.')
    const sent = twilio.state.messages.filter((m) => m.to === `whatsapp:${customer}`)
    expect(sent.map((m) => m.body)).toEqual(['We open at 8 every morning.'])
    const stored = await web.services.db.select().from(messages).where(eq(messages.providerMessageId, params.MessageSid))
    expect(stored).toHaveLength(1)
  }, 120_000)
})
