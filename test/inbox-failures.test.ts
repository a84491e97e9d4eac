import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { failInbox, MAX_ATTEMPTS } from '../src/server/core/inbound/inbox-queue.js'
import { inbox } from '../src/server/db/schema/index.js'
import { defined } from './support/defined.js'
import { api, createOrganization, factoryOperator, signUp } from './support/factories.js'
import { type FakeTwilio, startFakeTwilio, twilioEnv } from './support/fake-twilio.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, messageSid, postTwilio, uniquePhone } from './support/whatsapp.js'

// A customer message whose processing failed for good before it was stored has no conversation to
// show it: the operator sees it at GET /api/admin/inbox-failures.
let fake: FakeTwilio
let rt: TestRuntime

beforeAll(async () => {
  fake = await startFakeTwilio()
  rt = await startTestRuntime({ env: twilioEnv(fake) })
})
afterAll(async () => {
  await rt?.close()
  await fake?.close()
})

const PATH = '/api/admin/inbox-failures'
const WORKER = 'inbox-failures-test-worker'

/**
 * An inbox row as a worker holds it on its last attempt (locked far ahead so the runtime's own
 * worker leaves it alone), then failed through the queue's own `failInbox`, as the worker does
 * when processing throws.
 */
async function failForGood(input: { to: string; from: string; body: string; error: string }) {
  const [row] = await rt.services.db
    .insert(inbox)
    .values({
      messageSid: messageSid(),
      toNumber: input.to,
      fromWaId: input.from,
      body: input.body,
      lockedBy: WORKER,
      lockedUntil: new Date(Date.now() + 3600_000),
      attempts: MAX_ATTEMPTS - 1,
    })
    .returning()
  const held = defined(row, 'the inserted inbox row')
  // An attempt before the last one is retried later, not finished.
  await failInbox(rt.services.db, WORKER, held, 'first failure')
  const [retried] = await rt.services.db.select().from(inbox).where(eq(inbox.id, held.id))
  expect(retried).toMatchObject({ doneAt: null, outcome: null, lastError: 'first failure', lockedBy: null })
  // The last attempt: taken again, then failed for good.
  await rt.services.db
    .update(inbox)
    .set({ lockedBy: WORKER, lockedUntil: new Date(Date.now() + 3600_000), attempts: MAX_ATTEMPTS })
    .where(eq(inbox.id, held.id))
  await failInbox(rt.services.db, WORKER, { ...held, attempts: MAX_ATTEMPTS }, input.error)
  const [failed] = await rt.services.db.select().from(inbox).where(eq(inbox.id, held.id))
  expect(failed).toMatchObject({ outcome: 'failed', messageId: null, lastError: input.error })
  expect(failed?.doneAt).toBeInstanceOf(Date)
  return held.id
}

interface Failure {
  id: number
  toNumber: string
  fromWaId: string
  organization: { id: string; name: string } | null
  attempts: number
  lastError: string | null
  bodyPreview: string
  simulated: boolean
  receivedAt: string
}

describe('customer messages that could not be processed', () => {
  it("shows the operator a finally failed message with its error, the number's organization and a preview", async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { name: 'Failing Bakery', welcomeMessage: '' })
    const number = await giveActiveNumber(rt, org.id)
    const customer = uniquePhone()
    const id = await failForGood({
      to: number,
      from: customer,
      body: 'x'.repeat(300),
      error: 'Error: connection terminated unexpectedly',
    })
    const orphanId = await failForGood({
      to: uniquePhone('+1888'),
      from: uniquePhone(),
      body: 'hello?',
      error: 'Error: boom',
    })

    const operator = await factoryOperator(rt)
    const res = await api(rt, operator, 'GET', PATH)
    expect(res.status).toBe(200)
    const failures = res.body.failures as Failure[]
    const mine = failures.find((f) => f.id === id)
    expect(mine).toMatchObject({
      toNumber: number,
      fromWaId: customer,
      organization: { id: org.id, name: 'Failing Bakery' },
      attempts: MAX_ATTEMPTS,
      lastError: 'Error: connection terminated unexpectedly',
      simulated: false,
    })
    expect(mine?.bodyPreview.length).toBeLessThanOrEqual(200)
    expect(mine?.bodyPreview.startsWith('xxxx')).toBe(true)
    expect(failures.find((f) => f.id === orphanId)).toMatchObject({
      organization: null,
      bodyPreview: 'hello?',
      lastError: 'Error: boom',
    })
    // Newest first.
    expect(failures.findIndex((f) => f.id === orphanId)).toBeLessThan(failures.findIndex((f) => f.id === id))

    const one = await api(rt, operator, 'GET', `${PATH}?limit=1`)
    expect(one.status).toBe(200)
    expect(one.body.failures).toHaveLength(1)
  })

  it('does not list a message that was processed', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { welcomeMessage: '' })
    const number = await giveActiveNumber(rt, org.id)
    const params = inboundParams({ from: uniquePhone(), to: number, body: 'Are you open?' })
    expect((await postTwilio(rt, '/api/whatsapp/webhook', params)).status).toBe(200)
    const done = await waitFor(
      async () => {
        const [r] = await rt.services.db.select().from(inbox).where(eq(inbox.messageSid, params.MessageSid))
        return r?.doneAt ? r : null
      },
      { what: 'the inbox row done' },
    )
    expect(done.outcome).not.toBe('failed')
    const res = await api(rt, await factoryOperator(rt), 'GET', PATH)
    expect(res.status).toBe(200)
    expect((res.body.failures as Failure[]).some((f) => f.id === done.id)).toBe(false)
  })

  it('refuses bad limits with 400, members with 403 and requests without a session with 401', async () => {
    const operator = await factoryOperator(rt)
    for (const q of ['limit=0', 'limit=201', 'limit=abc', 'other=1']) {
      const res = await api(rt, operator, 'GET', `${PATH}?${q}`)
      expect(res.status, q).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
    }
    const member = await signUp(rt)
    await createOrganization(rt, member)
    const forbidden = await api(rt, member, 'GET', PATH)
    expect(forbidden.status).toBe(403)
    expect(forbidden.body.error.code).toBe('FORBIDDEN')
    const anonymous = await api(rt, undefined, 'GET', PATH)
    expect(anonymous.status).toBe(401)
    expect(anonymous.body.error.code).toBe('UNAUTHORIZED')
  })
})
