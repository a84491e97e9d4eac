import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendBroadcastStep } from '../src/server/core/broadcasts/send-broadcast.js'
import { sweepBroadcasts } from '../src/server/core/broadcasts/sweep-broadcasts.js'
import type { Ctx } from '../src/server/core/context.js'
import { queryRows } from '../src/server/db/client.js'
import { broadcasts, contacts, conversations, messages, monthlyUsage } from '../src/server/db/schema/index.js'
import type { Telephony } from '../src/server/providers/telephony/types.js'
import {
  addContacts,
  approvedTemplate,
  recipientRows,
  sendsByRecipient,
  usageOf,
  waitForStatus,
} from './support/broadcasts.js'
import { defined } from './support/defined.js'
import { api, createOrganization, signUp } from './support/factories.js'
import type { FakeTwilio } from './support/fake-twilio.js'
import { startTwilioTestRuntime, type TwilioTestRuntime } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio } from './support/whatsapp.js'

// Sending: the pace measured where the messages arrive (the fake Twilio), exactly once when a step
// stops half way or two run side by side, opt-outs and the monthly limit at send time, replies and
// delivery statuses. Sending is slowed to 20 messages/s per number.
const RATE = 20
let rt: TwilioTestRuntime
let twilio: FakeTwilio

beforeAll(async () => {
  rt = await startTwilioTestRuntime({ BROADCAST_RATE_PER_SECOND: String(RATE) })
  twilio = rt.twilio
})
afterAll(async () => {
  await rt?.close()
})

const VARS = { '1': { from: 'name' }, '2': { from: 'attribute', key: 'order' } }
const path = (orgId: string, rest = '') => `/api/organizations/${orgId}/broadcasts${rest}`

async function setup(n: number, orgInput: Record<string, unknown> = {}) {
  const owner = await signUp(rt)
  const org = await createOrganization(rt, owner, { welcomeMessage: '', ...orgInput })
  const number = await giveActiveNumber(rt, org.id)
  const template = await approvedTemplate(rt, twilio, owner, org.id)
  const made = await addContacts(
    rt,
    org.id,
    Array.from({ length: n }, (_, i) => ({ name: `Customer ${i}`, attributes: { order: `O-${i}` } })),
  )
  return { owner, org, number, template, contacts: made }
}

/** A broadcast made for later, then made due: the test runs its steps itself. */
async function dueBroadcast(s: Awaited<ReturnType<typeof setup>>, extra: Record<string, unknown> = {}) {
  const res = await api(rt, s.owner, 'POST', path(s.org.id), {
    name: 'Steps',
    templateId: s.template.id,
    variables: VARS,
    audience: { kind: 'filter', filter: {} },
    sendAt: '2030-01-01T09:00',
    ...extra,
  })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  // Its first job runs at once, finds it not due and waits (re-enqueued for later): then make it due.
  await waitFor(
    async () => {
      const jobs = await queryRows<{ state: string }>(
        rt.services.db,
        sql`select state::text from pgboss.job where name = 'broadcasts.send' and data->>'broadcastId' = ${res.body.broadcast.id}`,
      )
      return jobs.some((j) => j.state === 'completed') && jobs.some((j) => j.state === 'created')
    },
    { what: 'the first step to wait' },
  )
  await rt.services.db
    .update(broadcasts)
    .set({ sendAt: new Date(Date.now() - 1000) })
    .where(eq(broadcasts.id, res.body.broadcast.id))
  return { organizationId: s.org.id as string, broadcastId: res.body.broadcast.id as string }
}

/** Telephony that stops the step (aborts) once `after` messages were handed to the provider. */
function stoppingAfter(after: number, controller: AbortController): Ctx {
  let sends = 0
  const telephony: Telephony = Object.create(rt.services.telephony)
  telephony.sendMessage = async (msg) => {
    const sent = await rt.services.telephony.sendMessage(msg)
    sends++
    if (sends >= after) controller.abort()
    return sent
  }
  return { ...rt.services, telephony }
}

describe('broadcast sending', () => {
  it('paces sends to the configured rate per number, measured on the fake Twilio', async () => {
    const s = await setup(100)
    const res = await api(rt, s.owner, 'POST', path(s.org.id), {
      name: 'Paced',
      templateId: s.template.id,
      variables: VARS,
      audience: { kind: 'filter', filter: {} },
    })
    expect(res.status).toBe(201)
    await waitForStatus(rt, s.owner, s.org.id, res.body.broadcast.id, 'completed', 30_000)
    const arrivals = twilio.state.sends.filter((m) => m.from === `whatsapp:${s.number}`).map((m) => m.at)
    expect(arrivals).toHaveLength(100)
    const spanMs = Math.max(...arrivals) - Math.min(...arrivals)
    const rate = (arrivals.length - 1) / (spanMs / 1000)
    console.info(`paced at ${RATE}/s: 100 sends over ${spanMs} ms = ${rate.toFixed(1)}/s at the fake`)
    // Never faster than the rate (99 gaps at 20/s ≈ 4.95 s); how close to the rate it gets on a quiet
    // machine is the bench's figure, not asserted on a shared CI machine.
    expect(spanMs).toBeGreaterThanOrEqual(4500)
    // No second of the run takes much more than the rate (arrival jitter allowed).
    const perSecond = new Map<number, number>()
    const t0 = Math.min(...arrivals)
    for (const at of arrivals)
      perSecond.set(Math.floor((at - t0) / 1000), (perSecond.get(Math.floor((at - t0) / 1000)) ?? 0) + 1)
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(RATE * 1.5)
    expect(
      new Set(twilio.state.sends.filter((m) => m.from === `whatsapp:${s.number}`).map((m) => m.to)).size,
    ).toBe(100)
  }, 40_000)

  it('a step stopped after its messages were made but before all were sent: the next step sends the rest, none twice', async () => {
    const s = await setup(30)
    const input = await dueBroadcast(s)
    const controller = new AbortController()
    const stopped = await sendBroadcastStep(stoppingAfter(5, controller), input, {
      signal: controller.signal,
    })
    expect(stopped.next).toBe('done')
    const half = await recipientRows(rt, input.broadcastId)
    const messaged = half.filter((r) => r.state === 'messaged')
    const unsent = messaged.filter((r) => !r.provider_message_id)
    // The whole first batch was committed (messages made, usage counted); only some went out.
    expect(messaged.length).toBe(30)
    expect(unsent.length).toBeGreaterThan(0)
    expect(sendsByRecipient(twilio, s.number).size).toBeLessThan(30)
    // A step right away leaves messages another step may still be sending (the claim lease)…
    const early = await sendBroadcastStep(rt.services, input, { claimLeaseMs: 60_000 })
    expect(early.next).toBe('later')
    // …and once the lease has passed, takes them over.
    await new Promise((r) => setTimeout(r, 1100))
    const resumed = await sendBroadcastStep(rt.services, input, { claimLeaseMs: 1000 })
    expect(resumed.next).toBe('done')
    const rows = await recipientRows(rt, input.broadcastId)
    expect(rows.every((r) => r.state === 'messaged' && r.provider_message_id)).toBe(true)
    const sends = sendsByRecipient(twilio, s.number)
    expect(sends.size).toBe(30)
    expect([...sends.values()].every((n) => n === 1)).toBe(true)
    const [b] = await rt.services.db.select().from(broadcasts).where(eq(broadcasts.id, input.broadcastId))
    expect(b?.status).toBe('completed')
    const usage = await usageOf(rt, s.org.id)
    expect(usage?.messageCount).toBe(30)
  }, 30_000)

  it('two steps side by side claim different recipients: each sent once', async () => {
    const s = await setup(40)
    const input = await dueBroadcast(s)
    await Promise.all([sendBroadcastStep(rt.services, input), sendBroadcastStep(rt.services, input)])
    const sends = sendsByRecipient(twilio, s.number)
    expect(sends.size).toBe(40)
    expect([...sends.values()].every((n) => n === 1)).toBe(true)
    const rows = await recipientRows(rt, input.broadcastId)
    expect(rows.every((r) => r.provider_message_id)).toBe(true)
  }, 30_000)

  it('a step that runs out of time hands over to the next, losing nothing', async () => {
    const s = await setup(45)
    const input = await dueBroadcast(s)
    const first = await sendBroadcastStep(rt.services, input, { budgetMs: 500 })
    expect(first.next).toBe('now')
    const partial = sendsByRecipient(twilio, s.number).size
    expect(partial).toBeGreaterThan(0)
    expect(partial).toBeLessThan(45)
    let step = first
    for (let i = 0; i < 10 && step.next !== 'done'; i++) step = await sendBroadcastStep(rt.services, input)
    expect(step.next).toBe('done')
    expect([...sendsByRecipient(twilio, s.number).values()]).toEqual(Array(45).fill(1))
  }, 30_000)

  it('skips a contact who opted out, withdrew consent or was deleted after the broadcast was made', async () => {
    const s = await setup(4)
    const input = await dueBroadcast(s)
    const [stop, withdrawn, deleted] = s.contacts
    await rt.services.db
      .update(contacts)
      .set({ optedOut: true, optedOutAt: new Date() })
      .where(eq(contacts.id, defined(stop, 'contact').id))
    await rt.services.db
      .update(contacts)
      .set({ optedInAt: null })
      .where(eq(contacts.id, defined(withdrawn, 'contact').id))
    // Deleted since (its consent record went with it).
    await rt.services.db.delete(contacts).where(eq(contacts.id, defined(deleted, 'contact').id))
    expect((await sendBroadcastStep(rt.services, input)).next).toBe('done')
    const rows = await recipientRows(rt, input.broadcastId)
    const reasonOf = new Map(rows.map((r) => [r.wa_id, r.skip_reason]))
    expect(reasonOf.get(defined(stop, 'contact').waId)).toBe('opted_out')
    expect(reasonOf.get(defined(withdrawn, 'contact').waId)).toBe('no_consent')
    expect(reasonOf.get(defined(deleted, 'contact').waId)).toBe('no_consent')
    expect(rows.filter((r) => r.state === 'messaged')).toHaveLength(1)
    expect(sendsByRecipient(twilio, s.number).size).toBe(1)
    expect(sendsByRecipient(twilio, s.number).has(defined(stop, 'contact').waId)).toBe(false)
    const usage = await usageOf(rt, s.org.id)
    expect(usage?.messageCount).toBe(1)
  })

  it('stops when the organization runs out of messages mid-broadcast, skipping the rest over_limit', async () => {
    const s = await setup(6, { monthlyMessageLimit: 10 })
    const input = await dueBroadcast(s)
    // Other messages used the month meanwhile: 4 left of 10.
    const month = new Date().toISOString().slice(0, 7)
    await rt.services.db.insert(monthlyUsage).values({ organizationId: s.org.id, month, messageCount: 6 })
    await sendBroadcastStep(rt.services, input)
    const detail = await api(rt, s.owner, 'GET', path(s.org.id, `/${input.broadcastId}`))
    expect(detail.body.broadcast).toMatchObject({
      status: 'stopped',
      skippedReasons: { over_limit: 2 },
      counts: { pending: 0 },
    })
    expect(detail.body.broadcast.stoppedReason).toMatch(/limit of 10/)
    expect(sendsByRecipient(twilio, s.number).size).toBe(4)
    const usage = await usageOf(rt, s.org.id)
    expect(usage?.messageCount).toBe(10)
    expect(usage?.limitReachedAt).not.toBeNull()
  })

  it('a refused send is failed with the reason, not counted, and shown on the recipient', async () => {
    const s = await setup(3)
    const input = await dueBroadcast(s)
    twilio.failNext(
      { method: 'POST', pathIncludes: '/Messages.json' },
      { status: 400, body: { code: 63016, message: 'Outside the allowed window' } },
    )
    await sendBroadcastStep(rt.services, input)
    const failed = await api(
      rt,
      s.owner,
      'GET',
      path(s.org.id, `/${input.broadcastId}/recipients?status=failed`),
    )
    expect(failed.body.recipients).toHaveLength(1)
    expect(failed.body.recipients[0]?.reason).toMatch(/refused/)
    const usage = await usageOf(rt, s.org.id)
    expect(usage?.messageCount).toBe(2)
  })

  it('status callbacks move a recipient to delivered and read; a reply lands in its conversation and is answered', async () => {
    const s = await setup(2)
    const res = await api(rt, s.owner, 'POST', path(s.org.id), {
      name: 'Replies',
      templateId: s.template.id,
      variables: VARS,
      audience: { kind: 'filter', filter: {} },
    })
    const id = res.body.broadcast.id
    await waitForStatus(rt, s.owner, s.org.id, id, 'completed')
    const [row] = await recipientRows(rt, id)
    const sid = defined(row?.provider_message_id, 'provider id')
    for (const status of ['sent', 'delivered', 'read']) {
      const cb = await postTwilio(rt, '/api/whatsapp/status', {
        MessageSid: sid,
        MessageStatus: status,
        AccountSid: twilio.accountSid,
      })
      expect(cb.status).toBe(200)
    }
    const detail = await api(rt, s.owner, 'GET', path(s.org.id, `/${id}`))
    expect(detail.body.broadcast.counts.read).toBe(1)
    const read = await api(rt, s.owner, 'GET', path(s.org.id, `/${id}/recipients?status=read`))
    expect(read.body.recipients[0]?.phone).toBe(row?.wa_id)

    // The customer answers the broadcast: the message joins the broadcast's conversation and is answered.
    const customer = defined(row?.wa_id, 'customer')
    const reply = await postTwilio(
      rt,
      '/api/whatsapp/webhook',
      inboundParams({ from: customer, to: s.number, body: 'Thanks! When do you open?' }),
    )
    expect(reply.status).toBe(200)
    const [message] = await rt.services.db
      .select()
      .from(messages)
      .where(eq(messages.id, defined(row?.message_id, 'message id')))
    const thread = await waitFor(
      async () => {
        const rows = await queryRows<{ direction: string; source: string; sid: string | null }>(
          rt.services.db,
          sql`select direction::text, source::text, provider_message_id as sid from messages
            where conversation_id = ${defined(message, 'message').conversationId} order by created_at`,
        )
        const answer = rows.find((r) => r.source === 'ai')
        return answer?.sid ? rows : null
      },
      { what: 'the answer to the reply', timeoutMs: 20_000 },
    )
    expect(thread.map((r) => [r.direction, r.source])).toEqual([
      ['outbound', 'broadcast'],
      ['inbound', 'customer'],
      ['outbound', 'ai'],
    ])
    const convs = await rt.services.db
      .select()
      .from(conversations)
      .where(eq(conversations.organizationId, s.org.id))
    expect(convs).toHaveLength(2)
    expect(twilio.state.sends.filter((m) => m.to === `whatsapp:${customer}`)).toHaveLength(2)
  }, 40_000)

  it('the safety net restarts a sending broadcast whose job was lost', async () => {
    const s = await setup(5)
    const input = await dueBroadcast(s)
    // As if its job ran out of retries mid-way: sending, untouched for a while, no job queued now.
    await rt.services.db
      .update(broadcasts)
      .set({ status: 'sending', updatedAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(broadcasts.id, input.broadcastId))
    const swept = await sweepBroadcasts(rt.services)
    expect(swept.restarted).toBeGreaterThanOrEqual(1)
    await waitForStatus(rt, s.owner, s.org.id, input.broadcastId, 'completed')
    expect([...sendsByRecipient(twilio, s.number).values()]).toEqual([1, 1, 1, 1, 1])
    // A broadcast that is moving is left alone.
    expect((await sweepBroadcasts(rt.services)).restarted).toBe(0)
  })
})
