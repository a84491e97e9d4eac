import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ctx } from '../src/server/core/context.js'
import { notifyAttention } from '../src/server/core/notifications/notify-attention.js'
import { conversations, notifications, organizations } from '../src/server/db/schema/index.js'
import { MailError, type Mailer } from '../src/server/providers/mail/types.js'
import { defined } from './support/defined.js'
import {
  addMember,
  api,
  createOrganization,
  signUp,
  type TestUser,
  verifyEmail,
} from './support/factories.js'
import { type FakeSmtp, startFakeSmtp } from './support/fake-smtp.js'
import { startTwilioTestRuntime, type TwilioTestRuntime } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, uniquePhone } from './support/whatsapp.js'

// "A conversation needs a person": every member who answers customers is told, once per
// episode, on the channels each chose (dashboard, email through SMTP, WhatsApp to a verified phone).
const SHARED = '+14155238886'
let smtp: FakeSmtp
let rt: TwilioTestRuntime

beforeAll(async () => {
  smtp = await startFakeSmtp()
  rt = await startTwilioTestRuntime({
    TWILIO_PHONE_NUMBER: `whatsapp:${SHARED}`,
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    SMTP_FROM: 'Platform <platform@example.test>',
  })
})
afterAll(async () => {
  await rt?.close()
  await smtp?.close()
})

const mailText = async (email: string) => (await smtp.waitForMail(email)).text
const mailsTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email))
const whatsAppsTo = (phone: string) => rt.twilio.state.messages.filter((m) => m.to === `whatsapp:${phone}`)

async function member(owner: TestUser, orgId: string, role: string, name: string) {
  const user = await signUp(rt, { name })
  await verifyEmail(rt, user, mailText)
  await addMember(rt, owner, orgId, user, role)
  return user
}

/** Links and verifies `phone` on the account the way a person does (the code sent by WhatsApp). */
async function linkPhone(user: TestUser, phone: string) {
  expect((await api(rt, user, 'POST', '/api/me/phone/verification', { phone })).status).toBe(202)
  const sent = await waitFor(() => whatsAppsTo(phone).at(-1))
  const code = /\b(\d{6})\b/.exec(sent.body)?.[1]
  expect((await api(rt, user, 'POST', '/api/me/phone/verify', { phone, code })).status).toBe(200)
}

async function team() {
  const owner = await signUp(rt, { name: 'Olivia Owner' })
  await verifyEmail(rt, owner, mailText)
  const org = await createOrganization(rt, owner, { name: 'Sunny Bikes', welcomeMessage: '' })
  // API keys need the Enterprise plan. The factories set plans through an operator whose email they
  // verify from the log outbox, and this runtime mails by SMTP: the plan is set in the database.
  await rt.services.db
    .update(organizations)
    .set({ planType: 'enterprise' })
    .where(eq(organizations.id, org.id))
  const number = await giveActiveNumber(rt, org.id)
  const admin = await member(owner, org.id, 'admin', 'Adam Admin')
  const agent = await member(owner, org.id, 'agent', 'Agnes Agent')
  const viewer = await member(owner, org.id, 'viewer', 'Victor Viewer')
  return { owner, org, number, admin, agent, viewer }
}

async function customerWrites(to: string, from: string, body: string) {
  const params = inboundParams({ from, to, body, profileName: 'Carla Customer' })
  expect((await postTwilio(rt, '/api/whatsapp/webhook', params)).status).toBe(200)
}

const rowsOf = (conversationId: string) =>
  rt.services.db.select().from(notifications).where(eq(notifications.conversationId, conversationId))

async function conversationOf(orgId: string) {
  return waitFor(async () => {
    const [c] = await rt.services.db
      .select()
      .from(conversations)
      .where(eq(conversations.organizationId, orgId))
    return c
  })
}

/** Waits until the episode's rows exist and none is pending (the job ran). */
const settledRows = (conversationId: string, count: number) =>
  waitFor(
    async () => {
      const rows = await rowsOf(conversationId)
      return rows.length === count && rows.every((r) => r.status !== 'pending') ? rows : null
    },
    { what: `${count} settled notifications` },
  )

const channelsOf = (rows: (typeof notifications.$inferSelect)[], userId: string) =>
  rows
    .filter((r) => r.userId === userId)
    .map((r) => `${r.channel}:${r.status}`)
    .sort()

const prefsPath = (orgId: string) => `/api/organizations/${orgId}/notification-preferences`

describe('attention notifications', () => {
  it('tells owner, admin and agent on their chosen channels, never the viewer; once per episode', async () => {
    const { owner, org, number, admin, agent, viewer } = await team()
    const agentPhone = uniquePhone('+1444')
    await linkPhone(agent, agentPhone)
    expect(
      (await api(rt, agent, 'PUT', prefsPath(org.id), { dashboard: true, email: true, whatsapp: true }))
        .status,
    ).toBe(200)
    expect(
      (await api(rt, admin, 'PUT', prefsPath(org.id), { dashboard: true, email: false, whatsapp: false }))
        .status,
    ).toBe(200)

    const customer = uniquePhone()
    await customerWrites(number, customer, 'I want to talk to a person please, my order 4411 never arrived')
    const conv = await conversationOf(org.id)
    const rows = await settledRows(conv.id, 6)
    const firstEpisode = (await conversationOf(org.id)).attentionSince
    expect(firstEpisode).toBeInstanceOf(Date)
    expect(channelsOf(rows, owner.id)).toEqual(['dashboard:sent', 'email:sent'])
    expect(channelsOf(rows, admin.id)).toEqual(['dashboard:sent'])
    expect(channelsOf(rows, agent.id)).toEqual(['dashboard:sent', 'email:sent', 'whatsapp:sent'])
    expect(channelsOf(rows, viewer.id)).toEqual([])
    expect(new Set(rows.map((r) => r.reason))).toEqual(new Set(['customer_asked']))

    const mail = await smtp.waitForMail(owner.email)
    expect(mail.from).toBe('platform@example.test')
    expect(mail.subject).toBe(`Sunny Bikes: Carla Customer (${customer}) needs a person`)
    expect(mail.text).toContain('the customer asked to talk to a person')
    expect(mail.text).toContain(
      `${rt.config.appUrl}/Dashboard/organizations/${org.id}?tab=inbox&conversation=${conv.id}`,
    )
    // A short preview only, never the whole message.
    expect(mail.text).toContain('I want to talk to a person please')
    expect(mail.text.length).toBeLessThan(1200)
    await smtp.waitForMail(agent.email)
    expect(mailsTo(admin.email).filter((m) => m.subject.includes('needs a person'))).toHaveLength(0)
    expect(mailsTo(viewer.email).filter((m) => m.subject.includes('needs a person'))).toHaveLength(0)

    const whatsApp = await waitFor(() =>
      whatsAppsTo(agentPhone).find((m) => m.body.includes('needs a person')),
    )
    expect(whatsApp.from).toBe(`whatsapp:${SHARED}`)
    expect(whatsApp.body).toContain(`conversation=${conv.id}`)
    expect(whatsApp.body).not.toContain('4411')

    // The customer writes again while waiting: the same episode, nobody is told again.
    await customerWrites(number, customer, 'Hello? Anyone there?')
    await new Promise((r) => setTimeout(r, 1500))
    const episode = (await conversationOf(org.id)).attentionSince
    expect(episode?.getTime()).toBe(firstEpisode?.getTime())
    // A repeated job for the episode sends nothing either.
    const again = await notifyAttention({
      ctx: rt.services,
      input: {
        organizationId: org.id,
        conversationId: conv.id,
        episode: defined(episode, 'the episode').toISOString(),
      },
    })
    expect(again).toEqual({ notified: true, sent: 0, failed: 0, skipped: 0 })
    expect(await rowsOf(conv.id)).toHaveLength(6)
    const ownerMails = () => mailsTo(owner.email).filter((m) => m.subject.includes('needs a person'))
    expect(ownerMails()).toHaveLength(1)

    // Handled (take-over, hand-back): a new need is a new episode, told again.
    const base = `/api/organizations/${org.id}/conversations/${conv.id}`
    expect((await api(rt, agent, 'POST', `${base}/take-over`)).status).toBe(200)
    expect((await api(rt, agent, 'POST', `${base}/hand-back`)).status).toBe(200)
    await customerWrites(number, customer, 'I need a human again')
    await settledRows(conv.id, 12)
    await waitFor(() => ownerMails().length === 2, { what: 'a second email to the owner' })
    // The notification that was told about an episode gone by is not sent again.
    const stale = await notifyAttention({
      ctx: rt.services,
      input: {
        organizationId: org.id,
        conversationId: conv.id,
        episode: defined(episode, 'the episode').toISOString(),
      },
    })
    expect(stale).toEqual({ notified: false, reason: 'handled' })
  })

  it('notifies nobody about a simulated conversation', async () => {
    const { owner, org } = await team()
    const from = uniquePhone()
    const sent = await api(rt, owner, 'POST', `/api/organizations/${org.id}/simulator/messages`, {
      from,
      body: 'I want to talk to a person',
    })
    expect(sent.status).toBeLessThan(300)
    const conv = await waitFor(async () => {
      const c = await conversationOf(org.id)
      return c.needsAttention ? c : null
    })
    const outcome = await notifyAttention({
      ctx: rt.services,
      input: {
        organizationId: org.id,
        conversationId: conv.id,
        episode: defined(conv.attentionSince, 'the episode').toISOString(),
      },
    })
    expect(outcome).toEqual({ notified: false, reason: 'simulated' })
    await new Promise((r) => setTimeout(r, 500))
    expect(await rowsOf(conv.id)).toHaveLength(0)
  })

  it('marks what failed, and a retry sends only that', async () => {
    const { owner, org, number, admin, agent } = await team()
    await customerWrites(number, uniquePhone(), 'Are you open today?')
    const conv = await conversationOf(org.id)
    // An episode started in SQL, without its job: this test runs the action itself.
    const [started] = await rt.services.db
      .update(conversations)
      .set({ needsAttention: true, attentionReason: 'send_failed', attentionSince: sql`now()` })
      .where(and(eq(conversations.id, conv.id), eq(conversations.organizationId, org.id)))
      .returning({ episode: conversations.attentionSince })
    const input = {
      organizationId: org.id,
      conversationId: conv.id,
      episode: defined(started?.episode, 'the episode').toISOString(),
    }
    const down: Mailer = {
      kind: 'smtp',
      send: async () => {
        throw new MailError('connect ECONNREFUSED 127.0.0.1:25')
      },
    }
    const failing: Ctx = { ...rt.services, mailer: down }
    await expect(notifyAttention({ ctx: failing, input })).rejects.toThrow(/3 attention notification/)
    const failed = await rowsOf(conv.id)
    expect(failed.filter((r) => r.channel === 'email').map((r) => r.status)).toEqual([
      'failed',
      'failed',
      'failed',
    ])
    expect(failed.find((r) => r.channel === 'email')?.error).toContain('ECONNREFUSED')
    expect(failed.filter((r) => r.channel === 'dashboard').map((r) => r.status)).toEqual([
      'sent',
      'sent',
      'sent',
    ])

    expect(await notifyAttention({ ctx: rt.services, input })).toEqual({
      notified: true,
      sent: 3,
      failed: 0,
      skipped: 0,
    })
    const after = await rowsOf(conv.id)
    expect(after).toHaveLength(6)
    expect(after.every((r) => r.status === 'sent' && r.error === null)).toBe(true)
    for (const user of [owner, admin, agent]) {
      const mail = await smtp.waitForMail(user.email)
      expect(mail.text).toContain('a message to the customer could not be delivered')
    }
  })

  it('sends what a run that died mid-send left pending, once it counts as abandoned', async () => {
    const { org, number } = await team()
    await customerWrites(number, uniquePhone(), 'Do you deliver?')
    const conv = await conversationOf(org.id)
    const [started] = await rt.services.db
      .update(conversations)
      .set({ needsAttention: true, attentionReason: 'send_failed', attentionSince: sql`now()` })
      .where(and(eq(conversations.id, conv.id), eq(conversations.organizationId, org.id)))
      .returning({ episode: conversations.attentionSince })
    const input = {
      organizationId: org.id,
      conversationId: conv.id,
      episode: defined(started?.episode, 'the episode').toISOString(),
    }
    // The first run inserted its rows, then died before sending the emails.
    const sendNothing: Mailer = { kind: 'smtp', send: () => new Promise(() => {}) }
    void notifyAttention({ ctx: { ...rt.services, mailer: sendNothing }, input }).catch(() => {})
    await waitFor(
      async () => (await rowsOf(conv.id)).some((r) => r.channel === 'email' && r.status === 'pending'),
      {
        what: 'rows left pending',
      },
    )
    // A retry soon after leaves them to that run, and says it must look again later.
    await expect(notifyAttention({ ctx: rt.services, input })).rejects.toThrow(/still pending/)
    expect((await rowsOf(conv.id)).filter((r) => r.channel === 'email' && r.status === 'sent')).toHaveLength(
      0,
    )
    // Later, they count as abandoned: sent, once.
    await rt.services.db
      .update(notifications)
      .set({ createdAt: sql`now() - interval '10 minutes'` })
      .where(and(eq(notifications.conversationId, conv.id), eq(notifications.status, 'pending')))
    await notifyAttention({ ctx: rt.services, input })
    const after = await rowsOf(conv.id)
    expect(after.every((r) => r.status === 'sent')).toBe(true)
  })

  it('skips WhatsApp with a reason when the member’s phone is no longer linked', async () => {
    const { owner, org, number } = await team()
    const phone = uniquePhone('+1444')
    await linkPhone(owner, phone)
    expect(
      (await api(rt, owner, 'PUT', prefsPath(org.id), { dashboard: false, email: false, whatsapp: true }))
        .status,
    ).toBe(200)
    expect((await api(rt, owner, 'DELETE', '/api/me/phone')).status).toBeLessThan(300)
    await customerWrites(number, uniquePhone(), 'Can I speak to a human?')
    const conv = await conversationOf(org.id)
    const rows = await waitFor(async () => {
      const all = await rowsOf(conv.id)
      return all.some((r) => r.userId === owner.id) ? all : null
    })
    const mine = rows.filter((r) => r.userId === owner.id)
    expect(mine.map((r) => [r.channel, r.status])).toEqual([['whatsapp', 'skipped']])
    expect(mine[0]?.error).toMatch(/No verified WhatsApp number/)
  })
})

describe('notification preferences routes', () => {
  it('answers the defaults, saves the caller’s own choice, and needs a verified phone for WhatsApp', async () => {
    const { owner, org, agent } = await team()
    const mine = await api(rt, agent, 'GET', prefsPath(org.id))
    expect(mine.status).toBe(200)
    expect(mine.body).toEqual({
      preferences: { dashboard: true, email: true, whatsapp: false },
      whatsappPhone: null,
      whatsappAvailable: true,
    })
    const refused = await api(rt, agent, 'PUT', prefsPath(org.id), {
      dashboard: true,
      email: true,
      whatsapp: true,
    })
    expect(refused.status).toBe(409)
    expect(refused.body.error.details.reason).toBe('PHONE_NOT_VERIFIED')

    const saved = await api(rt, agent, 'PUT', prefsPath(org.id), {
      dashboard: false,
      email: true,
      whatsapp: false,
    })
    expect(saved.status).toBe(200)
    expect(saved.body.preferences).toEqual({ dashboard: false, email: true, whatsapp: false })
    // The owner's own choice is untouched by the agent's.
    expect((await api(rt, owner, 'GET', prefsPath(org.id))).body.preferences).toEqual({
      dashboard: true,
      email: true,
      whatsapp: false,
    })

    const phone = uniquePhone('+1444')
    await linkPhone(agent, phone)
    const withPhone = await api(rt, agent, 'PUT', prefsPath(org.id), {
      dashboard: true,
      email: false,
      whatsapp: true,
    })
    expect(withPhone.status).toBe(200)
    expect(withPhone.body.whatsappPhone).toBe(phone)

    expect((await api(rt, agent, 'PUT', prefsPath(org.id), { dashboard: true })).status).toBe(400)
    expect(
      (await api(rt, agent, 'PUT', prefsPath(org.id), { dashboard: 'yes', email: true, whatsapp: false }))
        .status,
    ).toBe(400)
  })

  it('refuses no session, another tenant, and API keys', async () => {
    const { owner, org } = await team()
    const stranger = await signUp(rt)
    expect((await api(rt, undefined, 'GET', prefsPath(org.id))).status).toBe(401)
    expect((await api(rt, stranger, 'GET', prefsPath(org.id))).status).toBe(404)
    expect(
      (await api(rt, stranger, 'PUT', prefsPath(org.id), { dashboard: true, email: true, whatsapp: false }))
        .status,
    ).toBe(404)
    const key = await api(rt, owner, 'POST', `/api/organizations/${org.id}/api-keys`, {
      name: 'bot',
      scopes: ['conversations:read', 'stats:read'],
    })
    expect(key.status).toBe(201)
    const auth = { authorization: `Bearer ${key.body.secret}` }
    for (const [method, path, body] of [
      ['GET', prefsPath(org.id), undefined],
      ['PUT', prefsPath(org.id), { dashboard: true, email: true, whatsapp: false }],
      ['GET', `/api/organizations/${org.id}/notifications`, undefined],
      ['POST', `/api/organizations/${org.id}/notifications/read`, { all: true }],
    ] as const) {
      const res = await api(rt, undefined, method, path, body, auth)
      expect(res.status, `${method} ${path}`).toBe(403)
    }
  })
})

describe('dashboard notifications routes', () => {
  it('lists the caller’s own, unread first filterable, and marks them read by id or all', async () => {
    const { owner, org, number, agent, viewer } = await team()
    await customerWrites(number, uniquePhone(), 'Please let me talk to a person')
    const conv = await conversationOf(org.id)
    await settledRows(conv.id, 6)

    const list = await api(rt, owner, 'GET', `/api/organizations/${org.id}/notifications?unread=1`)
    expect(list.status).toBe(200)
    expect(list.body.unreadCount).toBe(1)
    expect(list.body.notifications).toHaveLength(1)
    const [n] = list.body.notifications
    expect(n).toMatchObject({ conversationId: conv.id, reason: 'customer_asked', readAt: null })
    expect(n.contactLabel).toMatch(/^Carla Customer \(\+1555\d+\)$/)
    // A viewer is never told.
    expect((await api(rt, viewer, 'GET', `/api/organizations/${org.id}/notifications`)).body).toEqual({
      notifications: [],
      unreadCount: 0,
    })

    // Someone else's id changes nothing.
    const agentOwn = (await api(rt, agent, 'GET', `/api/organizations/${org.id}/notifications`)).body
    const foreign = await api(rt, owner, 'POST', `/api/organizations/${org.id}/notifications/read`, {
      ids: [agentOwn.notifications[0].id, 'not-a-uuid'],
    })
    expect(foreign.body).toEqual({ marked: 0 })

    const read = await api(rt, owner, 'POST', `/api/organizations/${org.id}/notifications/read`, {
      ids: [n.id],
    })
    expect(read.status).toBe(200)
    expect(read.body).toEqual({ marked: 1 })
    expect((await api(rt, owner, 'GET', `/api/organizations/${org.id}/notifications?unread=1`)).body).toEqual(
      {
        notifications: [],
        unreadCount: 0,
      },
    )
    const all = await api(rt, owner, 'GET', `/api/organizations/${org.id}/notifications`)
    expect(all.body.notifications[0].readAt).toEqual(expect.any(String))

    const agentAll = await api(rt, agent, 'POST', `/api/organizations/${org.id}/notifications/read`, {
      all: true,
    })
    expect(agentAll.body).toEqual({ marked: 1 })
    expect((await api(rt, agent, 'POST', `/api/organizations/${org.id}/notifications/read`, {})).status).toBe(
      400,
    )
  })

  it('refuses no session and another tenant', async () => {
    const { org } = await team()
    const stranger = await signUp(rt)
    expect((await api(rt, undefined, 'GET', `/api/organizations/${org.id}/notifications`)).status).toBe(401)
    expect((await api(rt, stranger, 'GET', `/api/organizations/${org.id}/notifications`)).status).toBe(404)
    expect(
      (await api(rt, stranger, 'POST', `/api/organizations/${org.id}/notifications/read`, { all: true }))
        .status,
    ).toBe(404)
  })
})
