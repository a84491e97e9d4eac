import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contacts, conversations, messages } from '../src/server/db/schema/index.js'
import { approvedTemplate } from './support/broadcasts.js'
import { defined } from './support/defined.js'
import { addMember, api, createOrganization, setPlan, signUp, type TestUser } from './support/factories.js'
import { ENTERPRISE, startTwilioTestRuntime, type TwilioTestRuntime } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, uniquePhone } from './support/whatsapp.js'

// The public API v1 (/api/v1/organizations/{id}/…) with a session and with API keys: sending
// inside and outside WhatsApp's 24-hour window, templates, idempotent retries, the lists with
// since and cursors, and the security matrix (scopes, tenants, roles).

let rt: TwilioTestRuntime

beforeAll(async () => {
  rt = await startTwilioTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

interface Org {
  owner: TestUser
  orgId: string
  number: string
  v1: string
}

async function organization(): Promise<Org> {
  const owner = await signUp(rt)
  const org = await createOrganization(rt, owner, { ...ENTERPRISE, welcomeMessage: '' })
  const number = await giveActiveNumber(rt, org.id)
  return { owner, orgId: org.id, number, v1: `/api/v1/organizations/${org.id}` }
}

/** A customer writes to the organization's number; resolves once the AI's answer went out. */
async function customerWrites(o: Org, customer = uniquePhone()) {
  const res = await postTwilio(
    rt,
    '/api/whatsapp/webhook',
    inboundParams({ from: customer, to: o.number, body: 'hello' }),
  )
  expect(res.status).toBe(200)
  const conversationId = await waitFor(
    async () => {
      const [row] = await rt.services.db
        .select({ id: conversations.id })
        .from(conversations)
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .where(and(eq(conversations.organizationId, o.orgId), eq(contacts.waId, customer)))
      return row?.id
    },
    { what: 'the conversation' },
  )
  await waitFor(async () => {
    const rows = await rt.services.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, conversationId))
    return rows.some((m) => m.direction === 'outbound' && (m.providerMessageId || m.status === 'failed'))
  })
  return { customer, conversationId }
}

/** An API key of the organization with these scopes (through the API keys route). */
async function apiKey(o: Org, scopes: string[]) {
  const res = await api(rt, o.owner, 'POST', `/api/organizations/${o.orgId}/api-keys`, {
    name: `key ${scopes.join(' ')}`,
    scopes,
  })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.secret as string
}

/** A request with `Authorization: Bearer <secret>` (no cookie). */
async function withKey(
  secret: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return api(rt, undefined, method, path, body, { authorization: `Bearer ${secret}`, ...headers })
}

async function messagesOf(conversationId: string) {
  return rt.services.db.select().from(messages).where(eq(messages.conversationId, conversationId))
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

const sendsTo = (customer: string) => rt.twilio.state.sends.filter((s) => s.to === `whatsapp:${customer}`)

async function closeWindow(conversationId: string) {
  await rt.services.db
    .update(conversations)
    .set({ lastInboundAt: new Date(Date.now() - 25 * 3600_000) })
    .where(eq(conversations.id, conversationId))
}

describe('POST /messages', () => {
  it("counts a key's messages against the month (not a person's) and refuses them past the limit", async () => {
    const o = await organization()
    const { customer, conversationId } = await customerWrites(o)
    const used = async () =>
      (await api(rt, o.owner, 'GET', `/api/organizations/${o.orgId}/stats`)).body.usage.used as number
    const before = await used()
    expect(
      (await api(rt, o.owner, 'POST', `${o.v1}/messages`, { to: customer, text: 'from a person' })).status,
    ).toBe(201)
    expect(await used()).toBe(before)
    const secret = await apiKey(o, ['messages:send'])
    expect(
      (await withKey(secret, 'POST', `${o.v1}/messages`, { to: customer, text: 'automated' })).status,
    ).toBe(201)
    expect(await used()).toBe(before + 1)
    await setPlan(rt, o.orgId, undefined, before + 1)
    const over = await withKey(secret, 'POST', `${o.v1}/messages`, { to: customer, text: 'one too many' })
    expect(over.status).toBe(409)
    expect(over.body.error.details.reason).toBe('OVER_LIMIT')
    expect((await messagesOf(conversationId)).some((m) => m.body === 'one too many')).toBe(false)
  })

  it('sends free text inside the window, with a session and with a key', async () => {
    const o = await organization()
    const { customer, conversationId } = await customerWrites(o)

    const bySession = await api(rt, o.owner, 'POST', `${o.v1}/messages`, {
      to: customer,
      text: 'From the team',
    })
    expect(bySession.status, JSON.stringify(bySession.body)).toBe(201)
    expect(bySession.body.conversationId).toBe(conversationId)
    expect(bySession.body.message).toMatchObject({
      conversationId,
      direction: 'outbound',
      from: o.number,
      to: customer,
      text: 'From the team',
      media: [],
      status: 'queued',
      source: 'agent',
      templateId: null,
    })
    expect(new Date(bySession.body.message.createdAt).toISOString()).toBe(bySession.body.message.createdAt)
    expect((await settled(bySession.body.message.id)).status).not.toBe('failed')

    const secret = await apiKey(o, ['messages:send'])
    const byKey = await withKey(secret, 'POST', `${o.v1}/messages`, { to: customer, text: 'From the CRM' })
    expect(byKey.status, JSON.stringify(byKey.body)).toBe(201)
    expect(byKey.body.message).toMatchObject({ text: 'From the CRM', source: 'agent', to: customer })
    expect((await settled(byKey.body.message.id)).status).not.toBe('failed')
    expect(sendsTo(customer).map((s) => s.body)).toEqual(
      expect.arrayContaining(['From the team', 'From the CRM']),
    )
  })

  it('does the work once when retried with the same Idempotency-Key', async () => {
    const o = await organization()
    const { customer, conversationId } = await customerWrites(o)
    const secret = await apiKey(o, ['messages:send'])
    const body = { to: customer, text: 'Your order shipped' }
    const headers = { 'idempotency-key': `order-${randomUUID()}` }
    const first = await withKey(secret, 'POST', `${o.v1}/messages`, body, headers)
    expect(first.status).toBe(201)
    await settled(first.body.message.id)
    const retry = await withKey(secret, 'POST', `${o.v1}/messages`, body, headers)
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(retry.body.message.id).toBe(first.body.message.id)

    const stored = (await messagesOf(conversationId)).filter((m) => m.body === 'Your order shipped')
    expect(stored).toHaveLength(1)
    expect(sendsTo(customer).filter((s) => s.body === 'Your order shipped')).toHaveLength(1)
  })

  it('refuses free text outside the window (409 OUTSIDE_WINDOW) and stores nothing', async () => {
    const o = await organization()
    const { customer, conversationId } = await customerWrites(o)
    await closeWindow(conversationId)
    const before = (await messagesOf(conversationId)).length
    const late = await api(rt, o.owner, 'POST', `${o.v1}/messages`, { to: customer, text: 'late' })
    expect(late.status).toBe(409)
    expect(late.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'OUTSIDE_WINDOW' } })
    expect(await messagesOf(conversationId)).toHaveLength(before)

    // A number that never wrote: no window at all, and no contact is made for it.
    const stranger = uniquePhone('+1666')
    const cold = await api(rt, o.owner, 'POST', `${o.v1}/messages`, { to: stranger, text: 'hi' })
    expect(cold.status).toBe(409)
    expect(cold.body.error.details).toMatchObject({ reason: 'OUTSIDE_WINDOW', windowClosesAt: null })
    const made = await rt.services.db
      .select()
      .from(contacts)
      .where(and(eq(contacts.organizationId, o.orgId), eq(contacts.waId, stranger)))
    expect(made).toEqual([])
  })

  it('sends an approved template at any time, also to a number that never wrote', async () => {
    const o = await organization()
    const template = await approvedTemplate(rt, rt.twilio, o.owner, o.orgId)
    const { customer, conversationId } = await customerWrites(o)
    await closeWindow(conversationId)
    const variables = { '1': 'Ana', '2': 'A-17' }
    const again = await api(rt, o.owner, 'POST', `${o.v1}/messages`, {
      to: customer,
      templateId: template.id,
      variables,
    })
    expect(again.status, JSON.stringify(again.body)).toBe(201)
    expect(again.body).toMatchObject({
      conversationId,
      message: { source: 'template', templateId: template.id, text: 'Hi Ana, your order A-17 is ready' },
    })

    const secret = await apiKey(o, ['messages:send'])
    const stranger = uniquePhone('+1666')
    const first = await withKey(secret, 'POST', `${o.v1}/messages`, {
      to: stranger,
      templateId: template.id,
      variables,
    })
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    expect(first.body.message).toMatchObject({ from: o.number, to: stranger, source: 'template' })
    const sent = await settled(first.body.message.id)
    expect(sent.status).not.toBe('failed')
    expect(sendsTo(stranger).at(-1)).toMatchObject({ contentSid: template.contentSid })
    // The new conversation is listed, without a window (the customer never wrote).
    const reader = await apiKey(o, ['conversations:read'])
    const list = await withKey(reader, 'GET', `${o.v1}/conversations?limit=200`)
    const listed = defined(
      list.body.data.find((c: { id: string }) => c.id === first.body.conversationId),
      'the new conversation',
    )
    expect(listed).toMatchObject({ contact: { phone: stranger }, windowOpen: false, windowClosesAt: null })
  })

  it('never writes to a customer who opted out (409 CUSTOMER_OPTED_OUT)', async () => {
    const o = await organization()
    const template = await approvedTemplate(rt, rt.twilio, o.owner, o.orgId)
    const { customer, conversationId } = await customerWrites(o)
    await rt.services.db
      .update(contacts)
      .set({ optedOut: true, optedOutAt: new Date() })
      .where(and(eq(contacts.organizationId, o.orgId), eq(contacts.waId, customer)))
    const before = (await messagesOf(conversationId)).length
    for (const body of [
      { to: customer, text: 'still there?' },
      { to: customer, templateId: template.id, variables: { '1': 'Ana', '2': 'A-1' } },
    ]) {
      const res = await api(rt, o.owner, 'POST', `${o.v1}/messages`, body)
      expect(res.status).toBe(409)
      expect(res.body.error.details.reason).toBe('CUSTOMER_OPTED_OUT')
    }
    expect(await messagesOf(conversationId)).toHaveLength(before)
  })

  it('answers 400/404/409 for bad input and stores nothing', async () => {
    const o = await organization()
    const template = await approvedTemplate(rt, rt.twilio, o.owner, o.orgId)
    const pending = await approvedTemplate(rt, rt.twilio, o.owner, o.orgId, 'Hello {{1}}', 'pending')
    const { customer, conversationId } = await customerWrites(o)
    const before = (await messagesOf(conversationId)).length
    const cases: [unknown, number][] = [
      [{ to: '0788123456', text: 'hi' }, 400],
      [{ to: `whatsapp:${customer}`, text: 'hi' }, 400],
      [{ to: customer }, 400],
      [{ to: customer, text: 'hi', templateId: template.id }, 400],
      [{ to: customer, text: '   ' }, 400],
      [{ to: customer, text: 'hi', variables: { '1': 'x' } }, 400],
      [{ to: customer, text: 'hi', extra: true }, 400],
      [{ to: customer, templateId: template.id, variables: { '1': 'Ana' } }, 400],
      [{ to: customer, templateId: randomUUID() }, 404],
      [{ to: customer, templateId: 'not-a-template' }, 404],
      [{ to: customer, templateId: pending.id, variables: { '1': 'Ana' } }, 409],
    ]
    for (const [body, status] of cases) {
      const res = await api(rt, o.owner, 'POST', `${o.v1}/messages`, body)
      expect(res.status, JSON.stringify(body)).toBe(status)
      expect(res.body.error.code).toBeTypeOf('string')
    }
    // A new number with a template that cannot go: no contact made for it.
    const stranger = uniquePhone('+1666')
    expect(
      (await api(rt, o.owner, 'POST', `${o.v1}/messages`, { to: stranger, templateId: template.id })).status,
    ).toBe(400)
    const made = await rt.services.db
      .select()
      .from(contacts)
      .where(and(eq(contacts.organizationId, o.orgId), eq(contacts.waId, stranger)))
    expect(made).toEqual([])
    expect(await messagesOf(conversationId)).toHaveLength(before)
  })
})

describe('security', () => {
  it('keys act within their scopes and their organization; people within their roles', async () => {
    const o = await organization()
    const { customer, conversationId } = await customerWrites(o)
    const other = await organization()
    const send = { to: customer, text: 'hi' }

    // No session, no key: 401. A key that is not one: 401.
    expect((await api(rt, undefined, 'POST', `${o.v1}/messages`, send)).status).toBe(401)
    expect((await api(rt, undefined, 'GET', `${o.v1}/conversations`)).status).toBe(401)
    expect((await withKey('wak_nonsense', 'GET', `${o.v1}/conversations`)).status).toBe(401)

    // A key without the scope: 403; another organization's key: 404.
    const reader = await apiKey(o, ['conversations:read'])
    const sender = await apiKey(o, ['messages:send'])
    expect((await withKey(reader, 'POST', `${o.v1}/messages`, send)).status).toBe(403)
    expect((await withKey(sender, 'GET', `${o.v1}/conversations`)).status).toBe(403)
    expect((await withKey(sender, 'GET', `${o.v1}/conversations/${conversationId}/messages`)).status).toBe(
      403,
    )
    expect((await withKey(reader, 'GET', `${o.v1}/conversations/${conversationId}/messages`)).status).toBe(
      200,
    )
    const theirs = await apiKey(other, ['messages:send', 'conversations:read', 'contacts:read', 'stats:read'])
    expect((await withKey(theirs, 'POST', `${o.v1}/messages`, send)).status).toBe(404)
    expect((await withKey(theirs, 'GET', `${o.v1}/conversations`)).status).toBe(404)
    expect((await withKey(theirs, 'GET', `${o.v1}/contacts`)).status).toBe(404)
    expect((await withKey(theirs, 'GET', `${o.v1}/stats`)).status).toBe(404)
    // Their own organization's id with our conversation: 404 too.
    expect(
      (await withKey(theirs, 'GET', `${other.v1}/conversations/${conversationId}/messages`)).status,
    ).toBe(404)

    // Another tenant's session: 404. A viewer reads but does not send: 403.
    expect((await api(rt, other.owner, 'POST', `${o.v1}/messages`, send)).status).toBe(404)
    expect((await api(rt, other.owner, 'GET', `${o.v1}/conversations`)).status).toBe(404)
    const viewer = await signUp(rt)
    await addMember(rt, o.owner, o.orgId, viewer, 'viewer')
    expect((await api(rt, viewer, 'POST', `${o.v1}/messages`, send)).status).toBe(403)
    expect((await api(rt, viewer, 'GET', `${o.v1}/conversations`)).status).toBe(200)
    expect((await api(rt, viewer, 'POST', `${o.v1}/knowledge/train`)).status).toBe(403)
    const before = (await messagesOf(conversationId)).length
    expect(before).toBeGreaterThan(0)
    expect((await messagesOf(conversationId)).filter((m) => m.body === 'hi')).toEqual([])
  })

  it('lists contacts, knowledge and stats within the scopes', async () => {
    const o = await organization()
    const { customer } = await customerWrites(o)
    const everything = await apiKey(o, ['contacts:read', 'knowledge:read', 'knowledge:write', 'stats:read'])
    const nothing = await apiKey(o, ['messages:send'])

    const list = await withKey(everything, 'GET', `${o.v1}/contacts?limit=10`)
    expect(list.status).toBe(200)
    expect(list.body).toMatchObject({ total: 1, nextCursor: null })
    expect(list.body.data[0]).toMatchObject({ phone: customer, optedOut: false, tags: [] })
    expect(list.body.data[0]).not.toHaveProperty('displayName')
    expect((await withKey(everything, 'GET', `${o.v1}/contacts?limit=0`)).status).toBe(400)
    expect((await withKey(nothing, 'GET', `${o.v1}/contacts`)).status).toBe(403)

    const faq = await api(rt, o.owner, 'POST', `/api/organizations/${o.orgId}/knowledge`, {
      kind: 'faq',
      question: 'When are you open?',
      content: 'Every day from 8 to 18.',
    })
    expect(faq.status).toBe(201)
    const sources = await withKey(everything, 'GET', `${o.v1}/knowledge/sources`)
    expect(sources.status).toBe(200)
    expect(sources.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: faq.body.source.id, kind: 'faq', status: 'ready' }),
      ]),
    )
    expect(sources.body.training.status).toBeTypeOf('string')
    expect((await withKey(nothing, 'GET', `${o.v1}/knowledge/sources`)).status).toBe(403)

    const train = await withKey(everything, 'POST', `${o.v1}/knowledge/train`)
    expect(train.status, JSON.stringify(train.body)).toBe(202)
    expect(train.body.training.status).toBe('training')
    expect((await withKey(nothing, 'POST', `${o.v1}/knowledge/train`)).status).toBe(403)

    const stats = await withKey(everything, 'GET', `${o.v1}/stats`)
    expect(stats.status).toBe(200)
    expect(stats.body.month.inbound).toBeGreaterThanOrEqual(1)
    expect(stats.body).toHaveProperty('usage.limit')
    expect(stats.body).not.toHaveProperty('recent')
    expect((await withKey(nothing, 'GET', `${o.v1}/stats`)).status).toBe(403)
  })
})

describe('lists: since and cursors', () => {
  it('pages 120 messages oldest first with no gaps or repeats, also across inserts', async () => {
    const o = await organization()
    const { conversationId } = await customerWrites(o)
    // 120 more messages, three at a time sharing one instant (ties are ordered by id).
    const start = Date.now() - 3600_000
    await rt.services.db.insert(messages).values(
      Array.from({ length: 120 }, (_, i) => ({
        organizationId: o.orgId,
        conversationId,
        direction: i % 2 === 0 ? ('inbound' as const) : ('outbound' as const),
        body: `m${i}`,
        status: i % 2 === 0 ? ('received' as const) : ('delivered' as const),
        source: i % 2 === 0 ? ('customer' as const) : ('ai' as const),
        createdAt: new Date(start + Math.floor(i / 3) * 1000),
      })),
    )
    const stored = (await messagesOf(conversationId)).sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    const reader = await apiKey(o, ['conversations:read'])
    const path = `${o.v1}/conversations/${conversationId}/messages`

    const collect = async (query: string, during?: (page: number) => Promise<void>) => {
      const ids: string[] = []
      let cursor: string | null = null
      for (let page = 0; page < 50; page++) {
        const res = await withKey(
          reader,
          'GET',
          `${path}?limit=25${query}${cursor ? `&cursor=${cursor}` : ''}`,
        )
        expect(res.status, JSON.stringify(res.body)).toBe(200)
        expect(res.body.data.length).toBeLessThanOrEqual(25)
        ids.push(...res.body.data.map((m: { id: string }) => m.id))
        await during?.(page)
        cursor = res.body.nextCursor
        if (!cursor) break
      }
      return ids
    }

    const all = await collect('')
    expect(all).toEqual(stored.map((m) => m.id))
    expect(new Set(all).size).toBe(all.length)

    // since = the 50th stored message's instant (its tie group included).
    const pivot = defined(stored[60], 'the 61st message')
    const since = pivot.createdAt.toISOString()
    const after = await collect(`&since=${encodeURIComponent(since)}`)
    expect(after).toEqual(stored.filter((m) => m.createdAt >= pivot.createdAt).map((m) => m.id))

    // Messages arriving while a client pages come after the pages it has, none skipped or repeated.
    const arrived: string[] = []
    const withInserts = await collect('', async (page) => {
      if (page > 2) return
      const [row] = await rt.services.db
        .insert(messages)
        .values({
          organizationId: o.orgId,
          conversationId,
          direction: 'inbound',
          body: `late ${page}`,
          status: 'received',
          source: 'customer',
        })
        .returning({ id: messages.id })
      arrived.push(defined(row, 'the inserted message').id)
    })
    expect(withInserts).toEqual([...stored.map((m) => m.id), ...arrived])

    // The oldest: one of the first three of the 120 (an hour before the customer's "hello").
    const oldest = defined(stored[0], 'the oldest message')
    const one = await withKey(reader, 'GET', `${path}?limit=1`)
    expect(one.body.data).toEqual([
      {
        id: oldest.id,
        conversationId,
        direction: oldest.direction,
        from: oldest.direction === 'inbound' ? expect.stringMatching(/^\+/) : o.number,
        to: oldest.direction === 'inbound' ? o.number : expect.stringMatching(/^\+/),
        text: oldest.body,
        media: [],
        status: oldest.status,
        source: oldest.direction === 'inbound' ? 'customer' : 'ai',
        templateId: null,
        createdAt: oldest.createdAt.toISOString(),
      },
    ])
    expect(['m0', 'm1', 'm2']).toContain(oldest.body)
    for (const query of ['?limit=0', '?limit=201', '?since=yesterday', '?cursor=nope']) {
      const res = await withKey(reader, 'GET', `${path}${query}`)
      expect(res.status, query).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
    }
    expect((await withKey(reader, 'GET', `${o.v1}/conversations/${randomUUID()}/messages`)).status).toBe(404)
    expect((await withKey(reader, 'GET', `${o.v1}/conversations/nope/messages`)).status).toBe(404)
  })

  it('pages conversations by last activity; since keeps those changed at or after it', async () => {
    const o = await organization()
    const chats = []
    for (let i = 0; i < 5; i++) chats.push(await customerWrites(o))
    // Spread their activity over the last hour, two sharing one instant.
    const base = Date.now() - 3600_000
    for (const [i, c] of chats.entries()) {
      await rt.services.db
        .update(conversations)
        .set({ updatedAt: new Date(base + Math.min(i, 3) * 60_000) })
        .where(eq(conversations.id, c.conversationId))
    }
    const reader = await apiKey(o, ['conversations:read'])
    const ids: string[] = []
    let cursor: string | null = null
    for (let page = 0; page < 10; page++) {
      const res = await withKey(
        reader,
        'GET',
        `${o.v1}/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      )
      expect(res.status).toBe(200)
      ids.push(...res.body.data.map((c: { id: string }) => c.id))
      cursor = res.body.nextCursor
      if (!cursor) break
    }
    expect(ids).toHaveLength(5)
    expect(new Set(ids).size).toBe(5)
    expect(ids.slice(0, 3)).toEqual(chats.slice(0, 3).map((c) => c.conversationId))
    expect(ids.slice(3).sort()).toEqual(
      chats
        .slice(3)
        .map((c) => c.conversationId)
        .sort(),
    )

    const since = new Date(base + 2 * 60_000).toISOString()
    const changed = await withKey(reader, 'GET', `${o.v1}/conversations?since=${encodeURIComponent(since)}`)
    expect(changed.body.data.map((c: { id: string }) => c.id).sort()).toEqual(
      chats
        .slice(2)
        .map((c) => c.conversationId)
        .sort(),
    )
    const first = defined(chats[0], 'the first chat')
    const view = changed.body.data[0]
    expect(view).toMatchObject({
      status: 'ai',
      handedOff: false,
      windowOpen: true,
      number: o.number,
      contact: { phone: expect.stringMatching(/^\+/) },
    })
    expect(Object.keys(view).sort()).toEqual(
      [
        'id',
        'contact',
        'number',
        'status',
        'handedOff',
        'needsAttention',
        'lastMessageAt',
        'windowOpen',
        'windowClosesAt',
        'createdAt',
        'updatedAt',
      ].sort(),
    )
    // A reply moves the conversation to the end of the order (its activity is newest).
    const secret = await apiKey(o, ['messages:send'])
    expect(
      (await withKey(secret, 'POST', `${o.v1}/messages`, { to: first.customer, text: 'back to you' })).status,
    ).toBe(201)
    const now = await withKey(reader, 'GET', `${o.v1}/conversations?limit=200`)
    const last = now.body.data.at(-1)
    // An integration's message leaves the conversation with the AI (a person's reply takes it over).
    expect(last).toMatchObject({ id: first.conversationId, status: 'ai', handedOff: false })
  })
})
