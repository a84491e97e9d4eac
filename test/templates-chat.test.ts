import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendOutbound } from '../src/server/core/inbound/send-outbound.js'
import { conversations, messages, monthlyUsage, templates } from '../src/server/db/schema/index.js'
import { defined } from './support/defined.js'
import { addMember, api, createOrganization, signUp, type TestUser } from './support/factories.js'
import type { FakeTwilio } from './support/fake-twilio.js'
import { startTwilioTestRuntime, type TwilioTestRuntime } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, uniquePhone } from './support/whatsapp.js'

// WhatsApp's 24-hour window in a chat: free text inside it, an approved template outside it,
// sent as ContentSid + ContentVariables through the real `twilio` client to the fake Twilio.

let rt: TwilioTestRuntime
let fake: FakeTwilio

beforeAll(async () => {
  rt = await startTwilioTestRuntime()
  fake = rt.twilio
})
afterAll(async () => {
  await rt?.close()
})

const DAY = 24 * 3600_000

interface Chat {
  owner: TestUser
  orgId: string
  number: string
  customer: string
  conversationId: string
  base: string
}

/** An organization with a number, and a customer who wrote to it (answered by the AI as usual). */
async function chat(): Promise<Chat> {
  const owner = await signUp(rt)
  const org = await createOrganization(rt, owner, { welcomeMessage: '' })
  const number = await giveActiveNumber(rt, org.id)
  const customer = uniquePhone()
  const res = await postTwilio(
    rt,
    '/api/whatsapp/webhook',
    inboundParams({ from: customer, to: number, body: 'hello' }),
  )
  expect(res.status).toBe(200)
  const conversationId = await waitFor(
    async () => {
      const list = await api(rt, owner, 'GET', `/api/organizations/${org.id}/conversations`)
      return list.body.conversations.find((c: { contact: { waId: string } }) => c.contact.waId === customer)
        ?.id as string | undefined
    },
    { what: 'the conversation' },
  )
  // Let the AI's answer go out first, so sends counted below are the agent's.
  await waitFor(async () => {
    const rows = await rt.services.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, conversationId))
    return rows.some((m) => m.direction === 'outbound' && (m.providerMessageId || m.status === 'failed'))
  })
  return {
    owner,
    orgId: org.id,
    number,
    customer,
    conversationId,
    base: `/api/organizations/${org.id}/conversations/${conversationId}`,
  }
}

async function closeWindow(c: Chat, hoursAgo = 25) {
  await rt.services.db
    .update(conversations)
    .set({ lastInboundAt: new Date(Date.now() - hoursAgo * 3600_000) })
    .where(eq(conversations.id, c.conversationId))
}

let seq = 0
/** A template of the organization, approved by (the fake) WhatsApp unless told otherwise. */
async function template(
  c: Chat,
  opts: { approve?: boolean; body?: string; examples?: Record<string, string> } = {},
) {
  const made = await api(rt, c.owner, 'POST', `/api/organizations/${c.orgId}/templates`, {
    name: `follow_up_${Date.now().toString(36)}_${seq++}`,
    language: 'en',
    category: 'utility',
    body: opts.body ?? 'Hi {{1}}, your order {{2}} is ready',
    examples: opts.examples ?? { '1': 'Ana', '2': 'A-17' },
  })
  expect(made.status).toBe(201)
  if (opts.approve === false) return made.body.template
  fake.setApproval(made.body.template.contentSid, 'approved')
  const refreshed = await api(
    rt,
    c.owner,
    'POST',
    `/api/organizations/${c.orgId}/templates/${made.body.template.id}/refresh`,
  )
  expect(refreshed.body.template.status).toBe('approved')
  return refreshed.body.template
}

async function settled(messageId: string) {
  return waitFor(
    async () => {
      const [m] = await rt.services.db.select().from(messages).where(eq(messages.id, messageId))
      return m && (m.providerMessageId || m.status === 'failed') ? m : null
    },
    { what: `message ${messageId} sent or failed` },
  )
}

const sendsTo = (customer: string) => fake.state.sends.filter((s) => s.to === `whatsapp:${customer}`)

describe('the 24-hour window in a chat', () => {
  it('shows the window on the conversation and sends free text inside it', async () => {
    const c = await chat()
    const view = await api(rt, c.owner, 'GET', c.base)
    expect(view.body.conversation.windowOpen).toBe(true)
    const closes = Date.parse(view.body.conversation.windowClosesAt)
    expect(closes).toBeGreaterThan(Date.now() + DAY - 60_000)
    expect(closes).toBeLessThanOrEqual(Date.now() + DAY)

    const reply = await api(rt, c.owner, 'POST', `${c.base}/reply`, { body: 'We are on it' })
    expect(reply.status).toBe(201)
    const sent = await settled(reply.body.message.id)
    expect(sent.status).not.toBe('failed')
    expect(sendsTo(c.customer).at(-1)).toMatchObject({ body: 'We are on it', contentSid: null })
  })

  it('refuses free text outside the window with 409 OUTSIDE_WINDOW and stores nothing', async () => {
    const c = await chat()
    await closeWindow(c)
    const view = await api(rt, c.owner, 'GET', c.base)
    expect(view.body.conversation.windowOpen).toBe(false)
    expect(Date.parse(view.body.conversation.windowClosesAt)).toBeLessThan(Date.now())
    const before = view.body.messages.length
    const sends = sendsTo(c.customer).length

    const reply = await api(rt, c.owner, 'POST', `${c.base}/reply`, { body: 'late answer' })
    expect(reply.status).toBe(409)
    expect(reply.body.error).toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'OUTSIDE_WINDOW', windowClosesAt: view.body.conversation.windowClosesAt },
    })
    expect((await api(rt, c.owner, 'GET', c.base)).body.messages.length).toBe(before)
    expect(sendsTo(c.customer).length).toBe(sends)
  })

  it('sends an approved template outside the window with ContentSid and ContentVariables', async () => {
    const c = await chat()
    const t = await template(c)
    await closeWindow(c, 72)
    const usage = await rt.services.db
      .select()
      .from(monthlyUsage)
      .where(eq(monthlyUsage.organizationId, c.orgId))

    const res = await api(rt, c.owner, 'POST', `${c.base}/template`, {
      templateId: t.id,
      variables: { '1': ' Bea ', '2': 'B-2' },
    })
    expect(res.status).toBe(201)
    expect(res.body.message).toMatchObject({
      direction: 'outbound',
      source: 'agent',
      templateId: t.id,
      body: 'Hi Bea, your order B-2 is ready',
      status: 'queued',
    })
    const sent = await settled(res.body.message.id)
    expect(sent.status).not.toBe('failed')
    expect(sent.contentVariables).toEqual({ '1': 'Bea', '2': 'B-2' })
    const wire = defined(sendsTo(c.customer).at(-1), 'the send')
    expect(wire).toMatchObject({
      sid: sent.providerMessageId,
      contentSid: t.contentSid,
      contentVariables: { '1': 'Bea', '2': 'B-2' },
      body: 'Hi Bea, your order B-2 is ready',
    })
    const request = fake.requests.find(
      (r) => r.body?.ContentSid === t.contentSid && r.body?.To === `whatsapp:${c.customer}`,
    )
    expect(request?.body.Body).toBeUndefined()
    expect(JSON.parse(request?.body.ContentVariables)).toEqual({ '1': 'Bea', '2': 'B-2' })

    // Like an agent's reply: the agent takes the conversation, and it is not counted against the month.
    const view = await api(rt, c.owner, 'GET', c.base)
    expect(view.body.conversation.status).toBe('human')
    expect(view.body.messages.at(-1)).toMatchObject({ id: res.body.message.id, templateId: t.id })
    const usageAfter = await rt.services.db
      .select()
      .from(monthlyUsage)
      .where(eq(monthlyUsage.organizationId, c.orgId))
    expect(usageAfter).toEqual(usage)
  })

  it('sends a template without variables inside the window too', async () => {
    const c = await chat()
    const t = await template(c, { body: 'Your appointment is confirmed', examples: {} })
    const res = await api(rt, c.owner, 'POST', `${c.base}/template`, { templateId: t.id })
    expect(res.status).toBe(201)
    await settled(res.body.message.id)
    expect(sendsTo(c.customer).at(-1)).toMatchObject({ contentSid: t.contentSid, contentVariables: null })
  })

  it('refuses a template WhatsApp has not approved (409 with the status)', async () => {
    const c = await chat()
    await closeWindow(c)
    const pending = await template(c, { approve: false })
    const res = await api(rt, c.owner, 'POST', `${c.base}/template`, {
      templateId: pending.id,
      variables: { '1': 'A', '2': 'B' },
    })
    expect(res.status).toBe(409)
    expect(res.body.error.details).toEqual({ reason: 'TEMPLATE_NOT_APPROVED', status: 'pending' })

    fake.setApproval(pending.contentSid, 'rejected', 'Spam')
    await api(rt, c.owner, 'POST', `/api/organizations/${c.orgId}/templates/${pending.id}/refresh`)
    const rejected = await api(rt, c.owner, 'POST', `${c.base}/template`, {
      templateId: pending.id,
      variables: { '1': 'A', '2': 'B' },
    })
    expect(rejected.status).toBe(409)
    expect(rejected.body.error.details.status).toBe('rejected')
  })

  it('refuses missing or unknown variables with 400 naming them, and sends nothing', async () => {
    const c = await chat()
    const t = await template(c)
    const before = (await api(rt, c.owner, 'GET', c.base)).body.messages.length
    const missing = await api(rt, c.owner, 'POST', `${c.base}/template`, {
      templateId: t.id,
      variables: { '1': 'Ana', '2': '  ' },
    })
    expect(missing.status).toBe(400)
    expect(missing.body.error.details).toEqual({ missing: ['2'], unknown: [] })
    expect(missing.body.error.message).toContain('{{2}}')
    const none = await api(rt, c.owner, 'POST', `${c.base}/template`, { templateId: t.id })
    expect(none.body.error.details.missing).toEqual(['1', '2'])
    const unknown = await api(rt, c.owner, 'POST', `${c.base}/template`, {
      templateId: t.id,
      variables: { '1': 'a', '2': 'b', '3': 'c' },
    })
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.details).toEqual({ missing: [], unknown: ['3'] })
    const tooLong = await api(rt, c.owner, 'POST', `${c.base}/template`, {
      templateId: t.id,
      variables: { '1': 'a'.repeat(1000), '2': 'b'.repeat(100) },
    })
    expect(tooLong.status).toBe(400)
    const badShape = await api(rt, c.owner, 'POST', `${c.base}/template`, {
      templateId: t.id,
      variables: { '1': 5 },
    })
    expect(badShape.status).toBe(400)
    const noTemplate = await api(rt, c.owner, 'POST', `${c.base}/template`, { variables: {} })
    expect(noTemplate.status).toBe(400)
    expect((await api(rt, c.owner, 'GET', c.base)).body.messages.length).toBe(before)
  })

  it('fails a queued template message whose template was paused or deleted before it left', async () => {
    const c = await chat()
    const t = await template(c)
    const [queued] = await rt.services.db
      .insert(messages)
      .values({
        organizationId: c.orgId,
        conversationId: c.conversationId,
        direction: 'outbound',
        body: 'Hi A, your order B is ready',
        status: 'queued',
        source: 'agent',
        templateId: t.id,
        contentVariables: { '1': 'A', '2': 'B' },
      })
      .returning()
    const message = defined(queued, 'the queued message')
    await rt.services.db.update(templates).set({ status: 'paused' }).where(eq(templates.id, t.id))
    const sends = fake.state.sends.length
    expect(await sendOutbound(rt.services, message.id, { isLastAttempt: false })).toBe('failed')
    const [paused] = await rt.services.db.select().from(messages).where(eq(messages.id, message.id))
    expect(paused?.errorMessage).toMatch(/paused, not approved/)

    const [again] = await rt.services.db
      .insert(messages)
      .values({ ...message, id: undefined, status: 'queued', errorMessage: null, errorCode: null })
      .returning()
    await rt.services.db.delete(templates).where(eq(templates.id, t.id))
    expect(await sendOutbound(rt.services, defined(again, 'message').id, { isLastAttempt: false })).toBe(
      'failed',
    )
    const [gone] = await rt.services.db
      .select()
      .from(messages)
      .where(eq(messages.id, defined(again, 'message').id))
    expect(gone?.errorMessage).toMatch(/deleted/)
    expect(fake.state.sends.length).toBe(sends)
  })

  it("records Twilio's refusal of a template (63016) on the message", async () => {
    const c = await chat()
    const t = await template(c)
    // WhatsApp withdrew it and we have not looked yet: Twilio refuses the send.
    fake.setApproval(t.contentSid, 'disabled', 'Disabled by Meta')
    const res = await api(rt, c.owner, 'POST', `${c.base}/template`, {
      templateId: t.id,
      variables: { '1': 'a', '2': 'b' },
    })
    expect(res.status).toBe(201)
    const failed = await settled(res.body.message.id)
    expect(failed.status).toBe('failed')
    expect(failed.errorCode).toBe('63016')
  })
})

describe('template messages security', () => {
  let c: Chat
  let templateId: string
  beforeAll(async () => {
    c = await chat()
    templateId = (await template(c)).id
  })
  const input = () => ({ templateId, variables: { '1': 'a', '2': 'b' } })

  it('asks for a session (401)', async () => {
    expect((await api(rt, undefined, 'POST', `${c.base}/template`, input())).status).toBe(401)
  })

  it('lets an agent send a template, not a viewer (403)', async () => {
    const agent = await signUp(rt)
    await addMember(rt, c.owner, c.orgId, agent, 'agent')
    expect((await api(rt, agent, 'POST', `${c.base}/template`, input())).status).toBe(201)
    const viewer = await signUp(rt)
    await addMember(rt, c.owner, c.orgId, viewer, 'viewer')
    const denied = await api(rt, viewer, 'POST', `${c.base}/template`, input())
    expect(denied.status).toBe(403)
    const reply = await api(rt, viewer, 'POST', `${c.base}/reply`, { body: 'hi' })
    expect(reply.status).toBe(403)
  })

  it("hides another organization's conversation and template (404)", async () => {
    const other = await chat()
    const stranger = other.owner
    expect((await api(rt, stranger, 'POST', `${c.base}/template`, input())).status).toBe(404)
    // Their own conversation with our template: the template is not theirs.
    const foreignTemplate = await api(rt, stranger, 'POST', `${other.base}/template`, input())
    expect(foreignTemplate.status).toBe(404)
    expect(foreignTemplate.body.error.message).toMatch(/Template/)
    // Our organization's path with their conversation id.
    const crossed = `/api/organizations/${c.orgId}/conversations/${other.conversationId}/template`
    expect((await api(rt, c.owner, 'POST', crossed, input())).status).toBe(404)
    expect(
      (await api(rt, c.owner, 'POST', `/api/organizations/${c.orgId}/conversations/nope/template`, input()))
        .status,
    ).toBe(404)
    const stored = await rt.services.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, other.conversationId), eq(messages.templateId, templateId)))
    expect(stored).toEqual([])
  })
})
