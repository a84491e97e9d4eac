import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMember, api, createOrganization, signUp } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { inboundParams, postTwilio, uniquePhone } from './support/whatsapp.js'

// Sandbox mode (no Twilio): provisioning from the sandbox inventory, and the simulator writing
// through the real signed webhook and reading the replies back.
let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

async function orgWithNumber() {
  const owner = await signUp(rt)
  const org = await createOrganization(rt, owner, { welcomeMessage: 'Hi from the sandbox shop!' })
  const search = await api(
    rt,
    owner,
    'GET',
    '/api/organizations/search-numbers?country=RW&type=mobile&limit=5',
  )
  expect(search.status).toBe(200)
  const free = search.body.numbers[0].phoneNumber
  const res = await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, {
    phoneNumber: free,
  })
  expect(res.status).toBe(202)
  expect(res.body.number.status).toBe('active') // the sandbox's sender is online at once
  return { owner, org, number: free as string }
}

describe('sandbox numbers', () => {
  it('offers a deterministic inventory that leaves out numbers already taken', async () => {
    const user = await signUp(rt)
    const q = '/api/organizations/search-numbers?country=GB&type=local&limit=5'
    const first = await api(rt, user, 'GET', q)
    const second = await api(rt, user, 'GET', q)
    expect(first.body.numbers).toEqual(second.body.numbers)
    for (const n of first.body.numbers) expect(n.phoneNumber).toMatch(/^\+44\d{10}$/)
    const org = await createOrganization(rt, user)
    const taken = first.body.numbers[0].phoneNumber
    expect(
      (await api(rt, user, 'POST', `/api/organizations/${org.id}/provision-number`, { phoneNumber: taken }))
        .status,
    ).toBe(202)
    const after = await api(rt, user, 'GET', q)
    expect(after.body.numbers.map((n: { phoneNumber: string }) => n.phoneNumber)).not.toContain(taken)
    expect((await api(rt, user, 'GET', '/api/organizations/search-numbers?country=ZZ')).status).toBe(400)
  })
})

describe('simulator', () => {
  it('writes as a customer through the signed webhook and shows the replies as the customer sees them', async () => {
    const { owner, org, number } = await orgWithNumber()
    const from = uniquePhone()
    const sent = await api(rt, owner, 'POST', `/api/organizations/${org.id}/simulator/messages`, {
      from,
      body: 'Hello, are you open?',
    })
    expect(sent.status).toBe(202)
    expect(sent.body.to).toBe(number)
    // Waits for the state asserted below, the answer recorded as delivered: a reply is stored
    // (queued) before its sending is recorded, so three messages alone is a step too early.
    const seen = await waitFor(
      async () => {
        const res = await api(
          rt,
          owner,
          'GET',
          `/api/organizations/${org.id}/simulator/messages?from=${encodeURIComponent(from)}`,
        )
        const messages: { status: string }[] = res.body.messages
        return messages.length >= 3 && messages[2]?.status === 'delivered' ? res.body.messages : null
      },
      { what: 'the welcome and the answer, the answer delivered' },
    )
    expect(seen.map((m: { direction: string; source: string }) => `${m.direction}:${m.source}`)).toEqual([
      'inbound:customer',
      'outbound:welcome',
      'outbound:ai',
    ])
    expect(seen[0].body).toBe('Hello, are you open?')
    expect(seen[1].body).toBe('Hi from the sandbox shop!')
    // Recorded as delivered to the simulated customer, never sent to a phone.
    expect(seen[2].status).toBe('delivered')

    // The same message is in the organization's conversations and stats.
    const stats = await api(rt, owner, 'GET', `/api/organizations/${org.id}/stats`)
    expect(stats.body.month.inbound).toBe(1)
    expect(stats.body.uniqueCustomers).toBe(1)
  })

  it('validates input, needs a number, and keeps tenants apart', async () => {
    const { owner, org } = await orgWithNumber()
    const viewer = await signUp(rt)
    await addMember(rt, owner, org.id, viewer, 'viewer')
    const path = `/api/organizations/${org.id}/simulator/messages`
    expect((await api(rt, owner, 'POST', path, { from: 'not-a-number', body: 'hi' })).status).toBe(400)
    expect((await api(rt, owner, 'POST', path, { from: '+15551234567', body: '' })).status).toBe(400)
    expect((await api(rt, owner, 'POST', path, { from: '+15551234567', body: 'hi', extra: 1 })).status).toBe(
      400,
    )
    // Writing as a customer takes the right to edit the assistant; a viewer may read.
    const refused = await api(rt, viewer, 'POST', path, { from: uniquePhone(), body: 'hi' })
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('FORBIDDEN')
    expect((await api(rt, viewer, 'GET', `${path}?from=%2B15551234567`)).status).toBe(200)
    const stranger = await signUp(rt)
    expect((await api(rt, stranger, 'POST', path, { from: '+15551234567', body: 'hi' })).status).toBe(404)
    expect((await api(rt, stranger, 'GET', `${path}?from=%2B15551234567`)).status).toBe(404)
    expect((await api(rt, undefined, 'POST', path, { from: '+15551234567', body: 'hi' })).status).toBe(401)

    const bare = await createOrganization(rt, owner)
    const none = await api(rt, owner, 'POST', `/api/organizations/${bare.id}/simulator/messages`, {
      from: '+15551234567',
      body: 'hi',
    })
    expect(none.status).toBe(409)
    expect(none.body.error.message).toMatch(/provision one/)
  })

  it('the sandbox webhook checks the sandbox token signature', async () => {
    const { number } = await orgWithNumber()
    const params = inboundParams({ from: uniquePhone(), to: number, body: 'forged' })
    expect((await postTwilio(rt, '/api/whatsapp/webhook', params, { token: 'guess' })).status).toBe(403)
    expect((await postTwilio(rt, '/api/whatsapp/webhook', params)).status).toBe(200)
  })
})
