import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { type FakeTwilio, startFakeTwilio, twilioEnv } from './support/fake-twilio.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, repliesTo, uniquePhone } from './support/whatsapp.js'

// A message that fails for good leaves a customer unanswered: its conversation is flagged for
// the team (needsAttention), as a failed model answer is.
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

const UNSUBSCRIBED = {
  status: 400,
  body: { code: 21610, message: 'Attempt to send to unsubscribed recipient' },
}

async function setup() {
  const owner = await signUp(rt)
  const org = await createOrganization(rt, owner, { welcomeMessage: '' })
  const number = await giveActiveNumber(rt, org.id)
  return { owner, org, number }
}

async function customerSays(to: string, from: string, body: string) {
  const params = inboundParams({ from, to, body })
  expect((await postTwilio(rt, '/api/whatsapp/webhook', params)).status).toBe(200)
  return params.MessageSid
}

const settledReply = (sid: string) =>
  waitFor(
    async () => {
      const [reply] = await repliesTo(rt, sid)
      return reply && (reply.providerMessageId || reply.status === 'failed') ? reply : null
    },
    { what: `the reply to ${sid}` },
  )

async function conversationOf(owner: TestUser, orgId: string) {
  const res = await api(rt, owner, 'GET', `/api/organizations/${orgId}/conversations`)
  expect(res.status).toBe(200)
  expect(res.body.conversations).toHaveLength(1)
  return res.body.conversations[0] as { id: string; needsAttention: boolean }
}

describe('a permanently failed send', () => {
  it('leaves a conversation whose reply went out unflagged', async () => {
    const { owner, org, number } = await setup()
    const reply = await settledReply(await customerSays(number, uniquePhone(), 'Are you open today?'))
    expect(reply.providerMessageId).toMatch(/^SM/)
    expect((await conversationOf(owner, org.id)).needsAttention).toBe(false)
  })

  it('flags the conversation when the provider refuses the assistant’s answer for good', async () => {
    const { owner, org, number } = await setup()
    fake.failNext({ method: 'POST', pathIncludes: '/Messages.json' }, UNSUBSCRIBED)
    const reply = await settledReply(await customerSays(number, uniquePhone(), 'Do you deliver?'))
    expect(reply.status).toBe('failed')
    expect(reply.errorCode).toBe('21610')
    expect((await conversationOf(owner, org.id)).needsAttention).toBe(true)
    const view = await api(rt, owner, 'GET', `/api/organizations/${org.id}`)
    expect(view.body.organization.conversationsNeedingAttention).toBe(1)
  })

  it('flags the conversation again when an agent’s reply is refused for good', async () => {
    const { owner, org, number } = await setup()
    await settledReply(await customerSays(number, uniquePhone(), 'I need a person'))
    const conv = await conversationOf(owner, org.id)
    expect(
      (await api(rt, owner, 'POST', `/api/organizations/${org.id}/conversations/${conv.id}/take-over`))
        .status,
    ).toBe(200)
    // Taking over answers the flag; the refused reply raises it again.
    expect((await conversationOf(owner, org.id)).needsAttention).toBe(false)
    fake.failNext({ method: 'POST', pathIncludes: '/Messages.json' }, UNSUBSCRIBED)
    const sent = await api(rt, owner, 'POST', `/api/organizations/${org.id}/conversations/${conv.id}/reply`, {
      body: 'Hello, this is Ana',
    })
    expect(sent.status).toBeLessThan(300)
    await waitFor(
      async () => {
        const res = await api(rt, owner, 'GET', `/api/organizations/${org.id}/conversations/${conv.id}`)
        const agentReply = res.body.messages.find((m: { body: string }) => m.body === 'Hello, this is Ana')
        return agentReply?.status === 'failed' ? agentReply : null
      },
      { what: "the agent's reply to fail" },
    )
    expect((await conversationOf(owner, org.id)).needsAttention).toBe(true)
  })
})
