import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addContacts, approvedTemplate } from './support/broadcasts.js'
import { defined } from './support/defined.js'
import { api, setPlan } from './support/factories.js'
import {
  ENTERPRISE,
  ownerWithOrganization,
  startTwilioTestRuntime,
  type TwilioTestRuntime,
} from './support/setups.js'
import { waitFor } from './support/wait.js'
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js'
import { giveActiveNumber, inboundParams, postTwilio, uniquePhone } from './support/whatsapp.js'

// Events from the pipeline, end to end: a customer's message through Twilio's signed webhook, the
// replies through the real `twilio` client to a fake Twilio, agents' actions through the API —
// each arrives at the organization's endpoint as a signed Standard Webhooks event.

let rt: TwilioTestRuntime
let receiver: WebhookReceiver
beforeAll(async () => {
  rt = await startTwilioTestRuntime({ WEBHOOK_ALLOW_PRIVATE: 'true' })
  receiver = await startWebhookReceiver()
})
afterAll(async () => {
  await rt?.close()
  await receiver?.close()
})

const ALL_EVENTS = [
  'message.received',
  'message.sent',
  'message.status',
  'conversation.handed_off',
  'conversation.resolved',
  'contact.opted_out',
  'number.status',
  'training.completed',
  'usage.limit_reached',
  'broadcast.completed',
]

async function subscribed(input: Record<string, unknown> = {}) {
  const { owner, org } = await ownerWithOrganization(rt, {
    ...ENTERPRISE,
    welcomeMessage: 'Welcome to Webhook Shop!',
    ...input,
  })
  const path = `/events-${org.id}`
  const res = await api(rt, owner, 'POST', `/api/organizations/${org.id}/webhooks`, {
    url: `${receiver.url}${path}`,
    events: ALL_EVENTS,
  })
  expect(res.status).toBe(201)
  const number = await giveActiveNumber(rt, org.id)
  return { owner, org, number, path, secret: res.body.secret as string }
}

/** The verified events received at `path` (every signature checked with the reference library). */
function eventsAt(path: string, secret: string) {
  return receiver.received
    .filter((r) => r.path === path)
    .map((r) => {
      const verified = new Webhook(secret).verify(r.body, {
        'webhook-id': String(r.headers['webhook-id']),
        'webhook-timestamp': String(r.headers['webhook-timestamp']),
        'webhook-signature': String(r.headers['webhook-signature']),
      })
      // biome-ignore lint/suspicious/noExplicitAny: the event's JSON, read field by field
      return verified as { type: string; timestamp: string; data: any }
    })
}

const waitForEvent = (
  path: string,
  secret: string,
  type: string,
  // biome-ignore lint/suspicious/noExplicitAny: the event's JSON
  match: (data: any) => boolean = () => true,
) =>
  waitFor(() => eventsAt(path, secret).find((e) => e.type === type && match(e.data)), {
    what: `a ${type} event`,
  })

async function customerSays(to: string, from: string, body: string) {
  const res = await postTwilio(
    rt,
    '/api/whatsapp/webhook',
    inboundParams({ from, to, body, profileName: 'Ana' }),
  )
  expect(res.status).toBe(200)
}

const conversationPath = (orgId: string, conversationId: string, action: string) =>
  `/api/organizations/${orgId}/conversations/${conversationId}/${action}`

describe('webhook events from the pipeline', () => {
  it('a customer message arrives as message.received; the replies as message.sent, then their statuses', async () => {
    const { number, path, secret } = await subscribed()
    const customer = uniquePhone()
    await customerSays(number, customer, 'Do you deliver to Remera?')

    const received = await waitForEvent(path, secret, 'message.received')
    expect(received.data).toMatchObject({
      text: 'Do you deliver to Remera?',
      media: [],
      contact: { phone: customer, name: 'Ana' },
      to: number,
    })
    expect(received.data.messageId).toEqual(expect.any(String))
    expect(received.data.conversationId).toEqual(expect.any(String))
    expect(Date.parse(received.data.receivedAt)).toBeGreaterThan(Date.now() - 60_000)

    const welcome = await waitForEvent(path, secret, 'message.sent', (d) => d.source === 'welcome')
    expect(welcome.data).toMatchObject({
      conversationId: received.data.conversationId,
      text: 'Welcome to Webhook Shop!',
      contact: { phone: customer },
      providerMessageId: expect.stringMatching(/^SM/),
    })
    // One conversation's events arrive in the order they happened.
    const types = eventsAt(path, secret).map((e) => e.type)
    expect(types.indexOf('message.received')).toBeLessThan(types.indexOf('message.sent'))

    const status = await postTwilio(rt, '/api/whatsapp/status', {
      MessageSid: welcome.data.providerMessageId,
      MessageStatus: 'delivered',
      AccountSid: rt.twilio.accountSid,
    })
    expect(status.status).toBe(200)
    const delivered = await waitForEvent(path, secret, 'message.status')
    expect(delivered.data).toMatchObject({
      messageId: welcome.data.messageId,
      conversationId: received.data.conversationId,
      status: 'delivered',
      errorCode: null,
    })
  })

  it('taking a conversation over and handing it back send conversation.handed_off and conversation.resolved', async () => {
    const { owner, org, number, path, secret } = await subscribed()
    const customer = uniquePhone()
    await customerSays(number, customer, 'Hello')
    const received = await waitForEvent(path, secret, 'message.received')
    const conversationId = received.data.conversationId as string

    const took = await api(rt, owner, 'POST', conversationPath(org.id, conversationId, 'take-over'))
    expect(took.status).toBe(200)
    const handed = await waitForEvent(path, secret, 'conversation.handed_off')
    expect(handed.data).toMatchObject({
      conversationId,
      contact: { phone: customer },
      by: { type: 'member', userId: owner.id, email: owner.email },
      reason: 'taken_over',
    })
    // Taking over a conversation already held sends nothing more.
    await api(rt, owner, 'POST', conversationPath(org.id, conversationId, 'take-over'))
    await api(rt, owner, 'POST', conversationPath(org.id, conversationId, 'hand-back'))
    const resolved = await waitForEvent(path, secret, 'conversation.resolved')
    expect(resolved.data).toMatchObject({ conversationId, by: { type: 'member', userId: owner.id } })
    expect(eventsAt(path, secret).filter((e) => e.type === 'conversation.handed_off')).toHaveLength(1)
  })

  it('a customer asking for a person is handed off by the assistant', async () => {
    const { number, path, secret } = await subscribed()
    await customerSays(number, uniquePhone(), 'I want to talk to a human please')
    const handed = await waitForEvent(path, secret, 'conversation.handed_off')
    expect(handed.data).toMatchObject({ by: { type: 'assistant' }, reason: 'escalated' })
  })

  it('STOP sends contact.opted_out', async () => {
    const { number, path, secret } = await subscribed()
    const customer = uniquePhone()
    await customerSays(number, customer, 'STOP')
    const out = await waitForEvent(path, secret, 'contact.opted_out')
    expect(out.data).toMatchObject({ contact: { phone: customer }, conversationId: expect.any(String) })
  })

  it('training sends training.completed; reaching the monthly limit sends usage.limit_reached once', async () => {
    const { owner, org, number, path, secret } = await subscribed()
    const faq = await api(rt, owner, 'POST', `/api/organizations/${org.id}/knowledge`, {
      kind: 'faq',
      question: 'Do you deliver?',
      content: 'Yes, within 5 km.',
    })
    expect(faq.status).toBe(201)
    expect((await api(rt, owner, 'POST', `/api/organizations/${org.id}/train`)).status).toBe(202)
    const trained = await waitForEvent(path, secret, 'training.completed')
    expect(trained.data).toMatchObject({
      sources: 1,
      passages: expect.any(Number),
      generation: expect.any(Number),
    })

    await setPlan(rt, org.id, undefined, 1)
    const customer = uniquePhone()
    await customerSays(number, customer, 'first question')
    await waitForEvent(path, secret, 'message.sent', (d) => d.source === 'ai')
    await customerSays(number, customer, 'second question')
    await customerSays(number, customer, 'third question')
    const limit = await waitForEvent(path, secret, 'usage.limit_reached')
    expect(limit.data).toMatchObject({ limit: 1, month: expect.stringMatching(/^\d{4}-\d{2}$/) })
    await waitFor(
      () =>
        eventsAt(path, secret).filter(
          (e) => e.type === 'message.received' && e.data.text === 'third question',
        ).length,
    )
    expect(eventsAt(path, secret).filter((e) => e.type === 'usage.limit_reached')).toHaveLength(1)
  })

  it('sends only the events an endpoint subscribed to', async () => {
    const { owner, org } = await ownerWithOrganization(rt, ENTERPRISE)
    const path = `/few-${org.id}`
    await api(rt, owner, 'POST', `/api/organizations/${org.id}/webhooks`, {
      url: `${receiver.url}${path}`,
      events: ['contact.opted_out'],
    })
    const number = await giveActiveNumber(rt, org.id)
    await customerSays(number, uniquePhone(), 'STOP')
    const out = await waitFor(() => receiver.received.find((r) => r.path === path), { what: 'the opt-out' })
    expect(defined(out.json, 'the event').type).toBe('contact.opted_out')
    expect(receiver.received.filter((r) => r.path === path)).toHaveLength(1)
  })
})

describe('webhook events from numbers and broadcasts', () => {
  it('a provisioned number going live sends number.status active', async () => {
    const { owner, org } = await ownerWithOrganization(rt, { ...ENTERPRISE, name: 'Numbered Shop' })
    const path = `/numbers-${org.id}`
    const hook = await api(rt, owner, 'POST', `/api/organizations/${org.id}/webhooks`, {
      url: `${receiver.url}${path}`,
      events: ['number.status'],
    })
    const found = await api(
      rt,
      owner,
      'GET',
      '/api/organizations/search-numbers?country=US&type=local&limit=20',
    )
    expect(found.status).toBe(200)
    const phoneNumber = found.body.numbers[3].phoneNumber as string
    const res = await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, { phoneNumber })
    expect(res.status).toBe(202)
    const active = await waitForEvent(path, hook.body.secret, 'number.status', (d) => d.status === 'active')
    expect(active.data).toMatchObject({
      phoneNumber,
      status: 'active',
      senderStatus: 'ONLINE',
      failureReason: null,
    })
  })

  it('a broadcast that finishes sends broadcast.completed with its counts', async () => {
    const { owner, org } = await ownerWithOrganization(rt, { ...ENTERPRISE, welcomeMessage: '' })
    const path = `/broadcasts-${org.id}`
    const hook = await api(rt, owner, 'POST', `/api/organizations/${org.id}/webhooks`, {
      url: `${receiver.url}${path}`,
      events: ['broadcast.completed'],
    })
    await giveActiveNumber(rt, org.id)
    const template = await approvedTemplate(rt, rt.twilio, owner, org.id)
    await addContacts(rt, org.id, [
      { name: 'Ana', attributes: { order: 'A-1' } },
      { name: 'Ben', attributes: { order: 'A-2' } },
      { name: 'Out', optedOut: true },
    ])
    const made = await api(rt, owner, 'POST', `/api/organizations/${org.id}/broadcasts`, {
      name: 'Webhook offer',
      templateId: template.id,
      variables: { '1': { from: 'name' }, '2': { from: 'attribute', key: 'order' } },
      audience: { kind: 'filter', filter: {} },
    })
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    const done = await waitForEvent(path, hook.body.secret, 'broadcast.completed')
    expect(done.data).toMatchObject({ broadcastId: made.body.broadcast.id, name: 'Webhook offer' })
    const counts = done.data.recipients as Record<string, number>
    expect(counts.messaged).toBe(2)
  })
})
