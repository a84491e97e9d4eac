import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contacts, monthlyUsage } from '../src/server/db/schema/index.js'
import { addMember, api, createOrganization, signUp } from './support/factories.js'
import { type FakeTwilio, startFakeTwilio, twilioEnv } from './support/fake-twilio.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, repliesTo, uniquePhone } from './support/whatsapp.js'

// The simulator with the real provider configured (Twilio, here the local fake): what is written
// in the dashboard must never reach a phone, touch a real customer, or use the month's messages.
let fake: FakeTwilio
let rt: TestRuntime

beforeAll(async () => {
  fake = await startFakeTwilio()
  rt = await startTestRuntime({
    env: twilioEnv(fake),
  })
})
afterAll(async () => {
  await rt?.close()
  await fake?.close()
})

const simulated = (rt: TestRuntime, user: { cookie: string }, orgId: string, from: string) =>
  waitFor(async () => {
    const res = await api(
      rt,
      user,
      'GET',
      `/api/organizations/${orgId}/simulator/messages?from=${encodeURIComponent(from)}`,
    )
    const out = res.body.messages.filter((m: { direction: string }) => m.direction === 'outbound')
    return out.length > 0 && out.every((m: { status: string }) => m.status === 'delivered')
      ? res.body.messages
      : null
  })

describe('the simulator with a real provider', () => {
  it('records replies without sending them, counts nothing, and leaves the real customer alone', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { welcomeMessage: 'Welcome!' })
    const number = await giveActiveNumber(rt, org.id)
    const customer = uniquePhone()

    // The real customer opts out by WhatsApp.
    const stop = inboundParams({ from: customer, to: number, body: 'STOP' })
    expect((await postTwilio(rt, '/api/whatsapp/webhook', stop)).status).toBe(200)
    await waitFor(async () => (await repliesTo(rt, stop.MessageSid)).some((r) => r.providerMessageId))
    const sentBefore = fake.state.messages.length

    // Someone in the dashboard writes START and a question "as" that number.
    // (START from the simulated customer, who never opted out, changes nothing and gets no reply.)
    for (const body of ['START', 'Do you deliver?']) {
      const res = await api(rt, owner, 'POST', `/api/organizations/${org.id}/simulator/messages`, {
        from: customer,
        body,
      })
      expect(res.status).toBe(202)
    }
    // Waits for what is asserted: the answer there and every reply recorded as delivered (a reply
    // is stored queued before its sending is recorded).
    const seen = await waitFor(
      async () => {
        const msgs: { source: string; direction: string; status: string }[] = await simulated(
          rt,
          owner,
          org.id,
          customer,
        )
        const settled = msgs.every((m) => m.direction !== 'outbound' || m.status === 'delivered')
        return msgs.some((m) => m.source === 'ai') && settled ? msgs : null
      },
      { what: 'the answer, every reply delivered' },
    )
    expect(seen.map((m: { source: string }) => m.source)).toEqual(['customer', 'customer', 'welcome', 'ai'])
    for (const m of seen.filter((m: { direction: string }) => m.direction === 'outbound')) {
      expect(m.status).toBe('delivered')
    }

    // Nothing went to Twilio, nothing was counted, the real customer is still opted out.
    expect(fake.state.messages.length).toBe(sentBefore)
    const [usage] = await rt.services.db
      .select()
      .from(monthlyUsage)
      .where(eq(monthlyUsage.organizationId, org.id))
    expect(usage?.messageCount ?? 0).toBe(0)
    const [real] = await rt.services.db
      .select()
      .from(contacts)
      .where(
        and(eq(contacts.organizationId, org.id), eq(contacts.waId, customer), eq(contacts.simulated, false)),
      )
    expect(real?.optedOut).toBe(true)

    // The dashboard shows the simulated conversation as such, apart from the real one.
    const list = await api(rt, owner, 'GET', `/api/organizations/${org.id}/conversations`)
    const kinds = list.body.conversations
      .map((c: { contact: { simulated: boolean } }) => c.contact.simulated)
      .sort()
    expect(kinds).toEqual([false, true])
  })

  it('lets only owners and admins write; a viewer or agent sends nothing', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await giveActiveNumber(rt, org.id)
    const before = fake.state.messages.length
    for (const role of ['viewer', 'agent'] as const) {
      const member = await signUp(rt)
      await addMember(rt, owner, org.id, member, role)
      const res = await api(rt, member, 'POST', `/api/organizations/${org.id}/simulator/messages`, {
        from: uniquePhone(),
        body: 'hi',
      })
      expect(res.status).toBe(403)
    }
    const admin = await signUp(rt)
    await addMember(rt, owner, org.id, admin, 'admin')
    const from = uniquePhone()
    expect(
      (await api(rt, admin, 'POST', `/api/organizations/${org.id}/simulator/messages`, { from, body: 'hi' }))
        .status,
    ).toBe(202)
    await simulated(rt, admin, org.id, from)
    expect(fake.state.messages.length).toBe(before)
  })
})
