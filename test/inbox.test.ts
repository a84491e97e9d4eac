import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../src/server/db/client.js'
import { cannedReplies, conversationNotes, conversations } from '../src/server/db/schema/index.js'
import { addMember, api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { ENTERPRISE, startTwilioTestRuntime, type TwilioTestRuntime } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, uniquePhone } from './support/whatsapp.js'

// The inbox across conversations (issue 18): filters, search, keyset pages, assignment,
// resolve/reopen (and a customer's message reopening), internal notes and canned replies.
let rt: TwilioTestRuntime
beforeAll(async () => {
  rt = await startTwilioTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

interface Team {
  owner: TestUser
  admin: TestUser
  agent: TestUser
  viewer: TestUser
  orgId: string
}

async function team(input: Record<string, unknown> = {}): Promise<Team> {
  const owner = await signUp(rt, { name: 'Olivia Owner' })
  const org = await createOrganization(rt, owner, { welcomeMessage: '', ...input })
  const admin = await signUp(rt, { name: 'Adam Admin' })
  const agent = await signUp(rt, { name: 'Agnes Agent' })
  const viewer = await signUp(rt, { name: 'Vera Viewer' })
  await addMember(rt, owner, org.id, admin, 'admin')
  await addMember(rt, owner, org.id, agent, 'agent')
  await addMember(rt, owner, org.id, viewer, 'viewer')
  return { owner, admin, agent, viewer, orgId: org.id }
}

type ConversationRow = typeof conversations.$inferInsert

/**
 * A customer (made through the contacts API, so the name's blind index is the real one) and their
 * conversation in the given state, written directly: the inbox reads states other paths produce.
 */
async function conversation(
  t: Team,
  opts: { name?: string; phone?: string; at: Date } & Partial<ConversationRow>,
) {
  const { name, phone, at, ...state } = opts
  const res = await api(rt, t.owner, 'POST', `/api/organizations/${t.orgId}/contacts`, {
    phone: phone ?? uniquePhone(),
    ...(name ? { name } : {}),
  })
  expect(res.status).toBe(201)
  const contact = res.body.contact as { id: string; phone?: string; waId?: string }
  const [row] = await rt.services.db
    .insert(conversations)
    .values({
      organizationId: t.orgId,
      contactId: contact.id,
      channelNumber: '+17770000000',
      lastMessageAt: at,
      lastInboundAt: at,
      ...state,
    })
    .returning()
  if (!row) throw new Error('no conversation')
  return row
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000)

async function list(t: Team, who: TestUser, query = '') {
  const res = await api(rt, who, 'GET', `/api/organizations/${t.orgId}/conversations${query}`)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body as {
    conversations: {
      id: string
      status: string
      needsAttention: boolean
      attentionReason: string | null
      attentionSince: string | null
      assignedTo: { userId: string; name: string } | null
      resolvedAt: string | null
      qualityScore: number | null
      rating: number | null
      windowOpen: boolean
      windowClosesAt: string | null
      contact: { id: string; waId: string; name: string | null }
    }[]
    nextCursor: string | null
    counts: Record<string, number>
  }
}

const ids = (page: { conversations: { id: string }[] }) => page.conversations.map((c) => c.id)

/** Five conversations, one per state the filters tell apart, most recent first: a, b, c, d, e. */
async function fixture() {
  const t = await team()
  const a = await conversation(t, {
    at: minutesAgo(1),
    needsAttention: true,
    attentionReason: 'customer_asked',
    attentionSince: minutesAgo(1),
  })
  const b = await conversation(t, { at: minutesAgo(2), status: 'human', assignedUserId: t.agent.id })
  const c = await conversation(t, {
    at: minutesAgo(3),
    resolvedAt: minutesAgo(3),
    qualityScore: 0.8,
    rating: 5,
  })
  const d = await conversation(t, { at: minutesAgo(4), status: 'human', resolvedAt: minutesAgo(4) })
  const e = await conversation(t, { at: minutesAgo(5), assignedUserId: t.owner.id })
  return { t, a, b, c, d, e }
}

describe('the inbox list', () => {
  it('filters: all, needs attention, with a person, open, resolved, mine, by assignee', async () => {
    const { t, a, b, c, d, e } = await fixture()
    expect(ids(await list(t, t.owner))).toEqual([a.id, b.id, c.id, d.id, e.id])
    expect(ids(await list(t, t.owner, '?filter=all'))).toEqual([a.id, b.id, c.id, d.id, e.id])
    expect(ids(await list(t, t.owner, '?filter=attention'))).toEqual([a.id])
    expect(ids(await list(t, t.owner, '?filter=human'))).toEqual([b.id])
    expect(ids(await list(t, t.owner, '?filter=open'))).toEqual([a.id, b.id, e.id])
    expect(ids(await list(t, t.owner, '?filter=resolved'))).toEqual([c.id, d.id])
    expect(ids(await list(t, t.owner, '?filter=mine'))).toEqual([e.id])
    expect(ids(await list(t, t.agent, '?filter=mine'))).toEqual([b.id])
    expect(ids(await list(t, t.viewer, '?filter=mine'))).toEqual([])
    expect(ids(await list(t, t.viewer, `?assignee=${t.agent.id}`))).toEqual([b.id])
    expect(ids(await list(t, t.owner, `?filter=resolved&assignee=${t.agent.id}`))).toEqual([])

    const page = await list(t, t.owner)
    expect(page.counts).toEqual({ all: 5, attention: 1, human: 1, open: 3, resolved: 2, mine: 1 })
    expect((await list(t, t.agent)).counts.mine).toBe(1)
    const [first, second, third] = page.conversations
    expect(first).toMatchObject({
      needsAttention: true,
      attentionReason: 'customer_asked',
      attentionSince: expect.any(String),
      assignedTo: null,
      resolvedAt: null,
      windowOpen: true,
      windowClosesAt: expect.any(String),
    })
    expect(second?.assignedTo).toEqual({ userId: t.agent.id, name: 'Agnes Agent' })
    expect(third).toMatchObject({ resolvedAt: expect.any(String), qualityScore: 0.8, rating: 5 })
    expect(third?.contact.id).toBe(c.contactId)
  })

  it('pages without gaps or repeats, ties on the last message time included', async () => {
    const t = await team()
    const same = minutesAgo(10)
    const made: string[] = []
    for (let i = 0; i < 7; i++) made.push((await conversation(t, { at: i < 4 ? same : minutesAgo(i) })).id)
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = await list(t, t.owner, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      expect(page.conversations.length).toBeLessThanOrEqual(2)
      seen.push(...ids(page))
      cursor = page.nextCursor
      pages++
    } while (cursor && pages < 10)
    expect(pages).toBe(4)
    expect(new Set(seen).size).toBe(7)
    expect(seen).toEqual(ids(await list(t, t.owner, '?limit=200')))
    expect([...seen].sort()).toEqual([...made].sort())
    // A filter pages the same way.
    const open = await list(t, t.owner, '?filter=open&limit=5')
    expect(open.nextCursor).not.toBeNull()
    const rest = await list(t, t.owner, `?filter=open&limit=5&cursor=${open.nextCursor}`)
    expect([...ids(open), ...ids(rest)]).toEqual(seen)
    expect(rest.nextCursor).toBeNull()
  })

  it('searches by part of the number and by the start of words of the (encrypted) name', async () => {
    const t = await team()
    const alice = await conversation(t, { name: 'Alice Martín', phone: '+15557770123', at: minutesAgo(1) })
    const bob = await conversation(t, { name: 'Bob Stone', phone: '+15558880456', at: minutesAgo(2) })
    const search = async (q: string) => ids(await list(t, t.owner, `?q=${encodeURIComponent(q)}`))
    expect(await search('7770')).toEqual([alice.id])
    expect(await search('+1555888')).toEqual([bob.id])
    expect(await search('5555')).toEqual([])
    expect(await search('ali')).toEqual([alice.id])
    expect(await search('martin')).toEqual([alice.id])
    expect(await search('STONE bo')).toEqual([bob.id])
    expect(await search('lice')).toEqual([])
    expect(await search('100%')).toEqual([])
    expect(ids(await list(t, t.owner, '?q=bob&filter=resolved'))).toEqual([])
  })

  it('refuses bad input with 400, and guards the list: 401 without a session, 404 for another tenant', async () => {
    const { t } = await fixture()
    for (const q of [
      '?filter=bogus',
      '?cursor=nope',
      '?assignee=not-a-user',
      '?limit=0',
      `?q=${'x'.repeat(101)}`,
    ]) {
      const res = await api(rt, t.owner, 'GET', `/api/organizations/${t.orgId}/conversations${q}`)
      expect(res.status, q).toBe(400)
    }
    expect((await api(rt, undefined, 'GET', `/api/organizations/${t.orgId}/conversations`)).status).toBe(401)
    const stranger = await signUp(rt)
    await createOrganization(rt, stranger)
    expect((await api(rt, stranger, 'GET', `/api/organizations/${t.orgId}/conversations`)).status).toBe(404)
  })
})

describe('assignment, resolve and reopen', () => {
  it('assigns to a member who may reply, takes it off, and records it in the audit log', async () => {
    const { t, a } = await fixture()
    const url = `/api/organizations/${t.orgId}/conversations/${a.id}/assign`
    const res = await api(rt, t.agent, 'POST', url, { userId: t.admin.id })
    expect(res.status).toBe(200)
    expect(res.body.conversation.assignedTo).toEqual({ userId: t.admin.id, name: 'Adam Admin' })
    expect(ids(await list(t, t.admin, '?filter=mine'))).toContain(a.id)
    const audit = await api(
      rt,
      t.owner,
      'GET',
      `/api/organizations/${t.orgId}/audit-log?action=conversation.assigned`,
    )
    expect(audit.body.entries[0]).toMatchObject({
      action: 'conversation.assigned',
      targetId: a.id,
      details: { userId: t.admin.id, previousUserId: null },
    })
    const off = await api(rt, t.owner, 'POST', url, { userId: null })
    expect(off.status).toBe(200)
    expect(off.body.conversation.assignedTo).toBeNull()
  })

  it('refuses to assign to a viewer, a stranger or a made-up id (400), leaving the assignment as it was', async () => {
    const { t, b } = await fixture()
    const stranger = await signUp(rt)
    const url = `/api/organizations/${t.orgId}/conversations/${b.id}/assign`
    for (const body of [
      { userId: t.viewer.id },
      { userId: stranger.id },
      { userId: 'nope' },
      { userId: crypto.randomUUID() },
      {},
      { userId: t.owner.id, extra: 1 },
    ]) {
      const res = await api(rt, t.owner, 'POST', url, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
    }
    const [row] = await rt.services.db.select().from(conversations).where(eq(conversations.id, b.id))
    expect(row?.assignedUserId).toBe(t.agent.id)
  })

  it('resolves (the attention episode ends, the status stays) and reopens', async () => {
    const { t, a, b } = await fixture()
    const resolved = await api(
      rt,
      t.agent,
      'POST',
      `/api/organizations/${t.orgId}/conversations/${a.id}/resolve`,
    )
    expect(resolved.status).toBe(200)
    expect(resolved.body.conversation).toMatchObject({
      needsAttention: false,
      attentionSince: null,
      status: 'ai',
      resolvedAt: expect.any(String),
    })
    const human = await api(
      rt,
      t.agent,
      'POST',
      `/api/organizations/${t.orgId}/conversations/${b.id}/resolve`,
    )
    expect(human.body.conversation).toMatchObject({ status: 'human', resolvedAt: expect.any(String) })
    expect(ids(await list(t, t.owner, '?filter=attention'))).toEqual([])
    expect(ids(await list(t, t.owner, '?filter=human'))).toEqual([])
    // Resolving again keeps the first time.
    const again = await api(
      rt,
      t.agent,
      'POST',
      `/api/organizations/${t.orgId}/conversations/${a.id}/resolve`,
    )
    expect(again.body.conversation.resolvedAt).toBe(resolved.body.conversation.resolvedAt)

    const reopened = await api(
      rt,
      t.agent,
      'POST',
      `/api/organizations/${t.orgId}/conversations/${a.id}/reopen`,
    )
    expect(reopened.status).toBe(200)
    expect(reopened.body.conversation.resolvedAt).toBeNull()
    expect(ids(await list(t, t.owner, '?filter=open'))).toContain(a.id)
  })

  it('reopens a resolved conversation when the customer writes again', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { welcomeMessage: '' })
    const number = await giveActiveNumber(rt, org.id)
    const customer = uniquePhone()
    const says = async (body: string) => {
      const params = inboundParams({ from: customer, to: number, body })
      expect((await postTwilio(rt, '/api/whatsapp/webhook', params)).status).toBe(200)
    }
    await says('Hello, are you open?')
    const conv = await waitFor(
      async () =>
        (await api(rt, owner, 'GET', `/api/organizations/${org.id}/conversations`)).body.conversations[0],
      { what: 'the conversation' },
    )
    const res = await api(rt, owner, 'POST', `/api/organizations/${org.id}/conversations/${conv.id}/resolve`)
    expect(res.body.conversation.resolvedAt).not.toBeNull()
    await says('One more question')
    await waitFor(
      async () => {
        const [row] = await rt.services.db.select().from(conversations).where(eq(conversations.id, conv.id))
        return row && row.resolvedAt === null ? row : null
      },
      { what: 'the conversation reopened' },
    )
  })

  it('guards every action: 401 without a session, 404 for another tenant or a made-up id, 403 for a viewer', async () => {
    const { t, a, e } = await fixture()
    const stranger = await signUp(rt)
    const theirOrg = await createOrganization(rt, stranger)
    const actions = [
      ['assign', { userId: t.agent.id }],
      ['resolve', undefined],
      ['reopen', undefined],
      ['notes', { body: 'a note' }],
    ] as const
    for (const [action, body] of actions) {
      const url = `/api/organizations/${t.orgId}/conversations/${a.id}/${action}`
      expect((await api(rt, undefined, 'POST', url, body)).status, action).toBe(401)
      expect((await api(rt, stranger, 'POST', url, body)).status, action).toBe(404)
      expect((await api(rt, t.viewer, 'POST', url, body)).status, action).toBe(403)
      // Their organization, our conversation: 404 as if it did not exist.
      const cross = `/api/organizations/${theirOrg.id}/conversations/${a.id}/${action}`
      expect((await api(rt, stranger, 'POST', cross, body)).status, action).toBe(404)
      for (const cid of ['nope', crypto.randomUUID()]) {
        const res = await api(
          rt,
          t.owner,
          'POST',
          `/api/organizations/${t.orgId}/conversations/${cid}/${action}`,
          body,
        )
        expect(res.status, `${action} ${cid}`).toBe(404)
      }
    }
    const [after] = await rt.services.db.select().from(conversations).where(eq(conversations.id, a.id))
    expect(after).toMatchObject({ needsAttention: true, resolvedAt: null, assignedUserId: null })
    expect(ids(await list(t, t.owner, '?filter=mine'))).toEqual([e.id])
    expect(
      await rt.services.db.select().from(conversationNotes).where(eq(conversationNotes.conversationId, a.id)),
    ).toEqual([])
  })

  it('lets an API key resolve with messages:send, but never assign nor write notes (people only)', async () => {
    const t = await team(ENTERPRISE)
    const a = await conversation(t, { at: minutesAgo(1) })
    const key = await api(rt, t.owner, 'POST', `/api/organizations/${t.orgId}/api-keys`, {
      name: 'crm',
      scopes: ['messages:send', 'conversations:read'],
    })
    expect(key.status).toBe(201)
    const bearer = { authorization: `Bearer ${key.body.secret}` }
    const base = `/api/organizations/${t.orgId}/conversations/${a.id}`
    expect((await api(rt, undefined, 'POST', `${base}/resolve`, undefined, bearer)).status).toBe(200)
    expect((await api(rt, undefined, 'POST', `${base}/assign`, { userId: t.agent.id }, bearer)).status).toBe(
      403,
    )
    expect((await api(rt, undefined, 'POST', `${base}/notes`, { body: 'x' }, bearer)).status).toBe(403)
    expect((await api(rt, undefined, 'GET', `${base}/notes`, undefined, bearer)).status).toBe(403)
    expect(
      (
        await api(
          rt,
          undefined,
          'GET',
          `/api/organizations/${t.orgId}/conversations?filter=mine`,
          undefined,
          bearer,
        )
      ).status,
    ).toBe(400)
  })
})

describe('internal notes', () => {
  it('adds, lists and deletes notes: the author or an owner/admin, not another agent', async () => {
    const { t, a } = await fixture()
    const url = `/api/organizations/${t.orgId}/conversations/${a.id}/notes`
    const mine = await api(rt, t.agent, 'POST', url, { body: '  Wants a refund; check order 42  ' })
    expect(mine.status).toBe(201)
    expect(mine.body.note).toMatchObject({
      body: 'Wants a refund; check order 42',
      author: { userId: t.agent.id, name: 'Agnes Agent' },
    })
    const owners = await api(rt, t.owner, 'POST', url, { body: 'Approved' })
    expect(owners.status).toBe(201)
    const listed = await api(rt, t.viewer, 'GET', url)
    expect(listed.status).toBe(200)
    expect(listed.body.notes.map((n: { body: string }) => n.body)).toEqual([
      'Wants a refund; check order 42',
      'Approved',
    ])
    // Encrypted at rest.
    const [raw] = await queryRows<{ body: string }>(
      rt.services.db,
      sql`select body from conversation_notes where id = ${mine.body.note.id}`,
    )
    expect(raw?.body).not.toContain('refund')

    expect((await api(rt, t.agent, 'DELETE', `${url}/${owners.body.note.id}`)).status).toBe(403)
    expect((await api(rt, t.viewer, 'DELETE', `${url}/${mine.body.note.id}`)).status).toBe(403)
    expect((await api(rt, t.agent, 'DELETE', `${url}/${mine.body.note.id}`)).status).toBe(204)
    expect((await api(rt, t.admin, 'DELETE', `${url}/${owners.body.note.id}`)).status).toBe(204)
    expect((await api(rt, t.admin, 'DELETE', `${url}/${owners.body.note.id}`)).status).toBe(404)
    expect((await api(rt, t.admin, 'DELETE', `${url}/nope`)).status).toBe(404)
    expect((await api(rt, t.viewer, 'GET', url)).body.notes).toEqual([])
  })

  it('refuses an empty or too long note (400, nothing stored) and hides notes from other tenants', async () => {
    const { t, a } = await fixture()
    const url = `/api/organizations/${t.orgId}/conversations/${a.id}/notes`
    for (const body of [{ body: '' }, { body: '   ' }, { body: 'x'.repeat(4001) }, {}, { body: 5 }]) {
      expect((await api(rt, t.agent, 'POST', url, body)).status, JSON.stringify(body)).toBe(400)
    }
    expect((await api(rt, t.agent, 'POST', url, { body: 'x'.repeat(4000) })).status).toBe(201)
    const stored = await rt.services.db
      .select()
      .from(conversationNotes)
      .where(eq(conversationNotes.conversationId, a.id))
    expect(stored).toHaveLength(1)
    const stranger = await signUp(rt)
    expect((await api(rt, stranger, 'GET', url)).status).toBe(404)
    expect((await api(rt, undefined, 'GET', url)).status).toBe(401)
    expect((await api(rt, stranger, 'DELETE', `${url}/${stored[0]?.id}`)).status).toBe(404)
    expect(
      await rt.services.db.select().from(conversationNotes).where(eq(conversationNotes.conversationId, a.id)),
    ).toHaveLength(1)
  })
})

describe('canned replies', () => {
  it('owners and admins manage them; every member lists them', async () => {
    const t = await team()
    const url = `/api/organizations/${t.orgId}/canned-replies`
    const made = await api(rt, t.admin, 'POST', url, {
      title: 'Opening hours',
      body: 'We open 9–17, Mon–Fri.',
    })
    expect(made.status).toBe(201)
    expect(made.body.cannedReply).toMatchObject({ title: 'Opening hours', body: 'We open 9–17, Mon–Fri.' })
    expect((await api(rt, t.owner, 'POST', url, { title: 'Address', body: '1 Main St' })).status).toBe(201)
    const listed = await api(rt, t.viewer, 'GET', url)
    expect(listed.status).toBe(200)
    expect(listed.body.cannedReplies.map((r: { title: string }) => r.title)).toEqual([
      'Address',
      'Opening hours',
    ])

    const one = `${url}/${made.body.cannedReply.id}`
    const patched = await api(rt, t.owner, 'PATCH', one, { body: 'We open 8–18.' })
    expect(patched.status).toBe(200)
    expect(patched.body.cannedReply).toMatchObject({ title: 'Opening hours', body: 'We open 8–18.' })
    expect((await api(rt, t.admin, 'DELETE', one)).status).toBe(204)
    expect((await api(rt, t.admin, 'DELETE', one)).status).toBe(404)
    expect((await api(rt, t.agent, 'GET', url)).body.cannedReplies).toHaveLength(1)
    const audit = await api(rt, t.owner, 'GET', `/api/organizations/${t.orgId}/audit-log?action=canned_reply`)
    expect(audit.body.entries.map((e: { action: string }) => e.action).sort()).toEqual([
      'canned_reply.created',
      'canned_reply.created',
      'canned_reply.deleted',
      'canned_reply.updated',
    ])
  })

  it('refuses agents and viewers (403), strangers (404), no session (401) and bad input (400), changing nothing', async () => {
    const t = await team()
    const url = `/api/organizations/${t.orgId}/canned-replies`
    const made = await api(rt, t.owner, 'POST', url, { title: 'Hours', body: '9–17' })
    const one = `${url}/${made.body.cannedReply.id}`
    const stranger = await signUp(rt)
    const theirOrg = await createOrganization(rt, stranger)
    for (const who of [t.agent, t.viewer]) {
      expect((await api(rt, who, 'POST', url, { title: 'x', body: 'y' })).status).toBe(403)
      expect((await api(rt, who, 'PATCH', one, { body: 'changed' })).status).toBe(403)
      expect((await api(rt, who, 'DELETE', one)).status).toBe(403)
    }
    expect((await api(rt, stranger, 'GET', url)).status).toBe(404)
    expect((await api(rt, stranger, 'PATCH', one, { body: 'changed' })).status).toBe(404)
    expect(
      (
        await api(
          rt,
          stranger,
          'DELETE',
          `/api/organizations/${theirOrg.id}/canned-replies/${made.body.cannedReply.id}`,
        )
      ).status,
    ).toBe(404)
    expect((await api(rt, undefined, 'GET', url)).status).toBe(401)
    expect((await api(rt, undefined, 'POST', url, { title: 'x', body: 'y' })).status).toBe(401)
    for (const body of [
      { title: '', body: 'y' },
      { title: 'x'.repeat(101), body: 'y' },
      { title: 'x', body: 'y'.repeat(4097) },
      { title: '  ', body: 'y' },
      { title: 'x' },
      { title: 'x', body: 'y', extra: true },
    ]) {
      expect((await api(rt, t.owner, 'POST', url, body)).status, JSON.stringify(body)).toBe(400)
    }
    for (const body of [{}, { title: '' }, { body: 'y'.repeat(4097) }]) {
      expect((await api(rt, t.owner, 'PATCH', one, body)).status, JSON.stringify(body)).toBe(400)
    }
    expect((await api(rt, t.owner, 'PATCH', `${url}/nope`, { body: 'z' })).status).toBe(404)
    const rows = await rt.services.db
      .select()
      .from(cannedReplies)
      .where(and(eq(cannedReplies.organizationId, t.orgId)))
    expect(rows.map((r) => [r.title, r.body])).toEqual([['Hours', '9–17']])
  })
})
