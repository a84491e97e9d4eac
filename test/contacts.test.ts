import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../src/server/db/client.js'
import { contacts, conversations, messages, tags } from '../src/server/db/schema/index.js'
import { defined, first } from './support/defined.js'
import { addMember, api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { ownerWithOrganization } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, uniquePhone } from './support/whatsapp.js'

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

const base = (orgId: string) => `/api/organizations/${orgId}/contacts`

async function addContact(user: TestUser, orgId: string, body: Record<string, unknown>) {
  const res = await api(rt, user, 'POST', base(orgId), body)
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.contact
}

/** A customer writing in through the signed webhook: a contact with a conversation and lastSeenAt. */
async function customerWrites(orgId: string, body = 'Hello') {
  const number = await giveActiveNumber(rt, orgId)
  const from = uniquePhone('+1444')
  const res = await postTwilio(rt, '/api/whatsapp/webhook', inboundParams({ from, to: number, body }))
  expect(res.status).toBe(200)
  const contact = await waitFor(async () => {
    const [c] = await rt.services.db
      .select()
      .from(contacts)
      .where(and(eq(contacts.organizationId, orgId), eq(contacts.waId, from)))
    return c
  })
  return { from, number, contact }
}

const setLastSeen = (id: string, daysAgo: number | null) =>
  rt.services.db
    .update(contacts)
    .set({ lastSeenAt: daysAgo === null ? null : new Date(Date.now() - daysAgo * 86_400_000) })
    .where(eq(contacts.id, id))

describe('contacts API', () => {
  it('creates, reads, edits and deletes a contact; tags made on the way join the tags list', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const created = await addContact(owner, org.id, {
      phone: '+1 (415) 555-0101',
      name: 'Ana',
      tags: [' VIP ', 'vip', 'new  customer'],
      attributes: { City: 'Paris', plan: 'gold' },
      notes: 'Likes croissants',
      optedIn: true,
    })
    expect(created).toMatchObject({
      phone: '+14155550101',
      name: 'Ana',
      displayName: 'Ana',
      profileName: null,
      tags: ['VIP', 'new customer'],
      attributes: { city: 'Paris', plan: 'gold' },
      notes: 'Likes croissants',
      optedIn: true,
      optedOut: false,
      lastSeenAt: null,
      conversationId: null,
    })
    expect(Date.parse(created.optedInAt)).toBeGreaterThan(Date.now() - 60_000)
    const tagList = await api(rt, owner, 'GET', `/api/organizations/${org.id}/tags`)
    expect(
      tagList.body.tags.map((t: { name: string; contactCount: number }) => [t.name, t.contactCount]),
    ).toEqual([
      ['new customer', 1],
      ['VIP', 1],
    ])
    for (const t of tagList.body.tags) expect(t.color).toMatch(/^#[0-9a-f]{6}$/)

    // The same number again (however written) is a conflict.
    const again = await api(rt, owner, 'POST', base(org.id), { phone: '0014155550101' })
    expect(again.status).toBe(409)
    expect(again.body.error.details.contactId).toBe(created.id)

    const got = await api(rt, owner, 'GET', `${base(org.id)}/${created.id}`)
    expect(got.status).toBe(200)
    expect(got.body.contact).toEqual(created)

    // optedIn true keeps the first consent's date; "vip" typed again is the existing "VIP".
    const patched = await api(rt, owner, 'PATCH', `${base(org.id)}/${created.id}`, {
      name: '',
      tags: ['vip', 'late payer'],
      attributes: { plan: 'silver' },
      optedIn: true,
    })
    expect(patched.status).toBe(200)
    expect(patched.body.contact).toMatchObject({
      name: null,
      displayName: '+14155550101',
      tags: ['VIP', 'late payer'],
      attributes: { plan: 'silver' },
      optedInAt: created.optedInAt,
    })
    const cleared = await api(rt, owner, 'PATCH', `${base(org.id)}/${created.id}`, {
      optedIn: false,
      notes: null,
    })
    expect(cleared.body.contact).toMatchObject({ optedIn: false, optedInAt: null, notes: null })

    expect((await api(rt, owner, 'DELETE', `${base(org.id)}/${created.id}`)).status).toBe(204)
    expect((await api(rt, owner, 'GET', `${base(org.id)}/${created.id}`)).status).toBe(404)
    expect((await api(rt, owner, 'DELETE', `${base(org.id)}/${created.id}`)).status).toBe(404)
  })

  it('refuses bad input with a 400 in the error shape and changes nothing', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const c = await addContact(owner, org.id, { phone: '+14155550102', tags: ['a'] })
    const bad: [string, string, unknown, RegExp][] = [
      ['POST', base(org.id), { phone: '4155550102' }, /country code/],
      ['POST', base(org.id), { phone: '+1-call-me' }, /E\.164/],
      ['POST', base(org.id), { phone: '+14155550199', extra: 1 }, /./],
      ['PATCH', `${base(org.id)}/${c.id}`, { tags: ['x'.repeat(41)] }, /40 characters/],
      [
        'PATCH',
        `${base(org.id)}/${c.id}`,
        { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) },
        /50 tags/,
      ],
      ['PATCH', `${base(org.id)}/${c.id}`, { tags: ['   '] }, /empty/],
      ['PATCH', `${base(org.id)}/${c.id}`, { tags: ['a,b'] }, /cannot contain/],
      ['PATCH', `${base(org.id)}/${c.id}`, { attributes: { 'bad key': 'x' } }, /attribute key/],
      ['PATCH', `${base(org.id)}/${c.id}`, { attributes: { k: 'v'.repeat(501) } }, /./],
      [
        'PATCH',
        `${base(org.id)}/${c.id}`,
        { attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
        /50 attributes/,
      ],
      ['PATCH', `${base(org.id)}/${c.id}`, { optedIn: 'yes' }, /./],
      ['GET', `${base(org.id)}?limit=0`, undefined, /./],
      ['GET', `${base(org.id)}?cursor=garbage`, undefined, /cursor/],
      ['GET', `${base(org.id)}?lastSeenWithinDays=-3`, undefined, /./],
      ['GET', `${base(org.id)}?optedIn=maybe`, undefined, /./],
    ]
    for (const [method, path, body, message] of bad) {
      const res = await api(rt, owner, method, path, body)
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
      expect(JSON.stringify(res.body.error)).toMatch(message)
    }
    const after = await api(rt, owner, 'GET', `${base(org.id)}/${c.id}`)
    expect(after.body.contact).toEqual(c)
    expect((await api(rt, owner, 'GET', base(org.id))).body.total).toBe(1)
    expect((await api(rt, owner, 'GET', `${base(org.id)}/not-a-uuid`)).status).toBe(404)
  })

  it('shows an opt-out and refuses to clear a STOP the customer sent', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const { from, number, contact } = await customerWrites(org.id)
    const stop = await postTwilio(
      rt,
      '/api/whatsapp/webhook',
      inboundParams({ from, to: number, body: 'STOP' }),
    )
    expect(stop.status).toBe(200)
    await waitFor(async () => {
      const [c] = await rt.services.db.select().from(contacts).where(eq(contacts.id, contact.id))
      return c?.optedOut
    })
    const got = await api(rt, owner, 'GET', `${base(org.id)}/${contact.id}`)
    expect(got.body.contact).toMatchObject({ phone: from, optedOut: true, profileName: 'Test Customer' })
    expect(got.body.contact.conversationId).toEqual(expect.any(String))
    expect(got.body.contact.lastSeenAt).not.toBeNull()

    const refused = await api(rt, owner, 'PATCH', `${base(org.id)}/${contact.id}`, {
      optedOut: false,
      name: 'Z',
    })
    expect(refused.status).toBe(409)
    expect(refused.body.error.message).toMatch(
      /opted out by sending STOP.*only the customer can opt back in, by sending START/i,
    )
    expect((await api(rt, owner, 'GET', `${base(org.id)}/${contact.id}`)).body.contact.name).toBeNull()
    // Recording an opt-out asked for another way is allowed; optedOut: false on a contact who never opted out is a no-op.
    const other = await addContact(owner, org.id, { phone: '+14155550103' })
    const off = await api(rt, owner, 'PATCH', `${base(org.id)}/${other.id}`, { optedOut: false })
    expect(off.body.contact.optedOut).toBe(false)
    const out = await api(rt, owner, 'PATCH', `${base(org.id)}/${other.id}`, { optedOut: true })
    expect(out.body.contact).toMatchObject({ optedOut: true, optedOutAt: expect.any(String) })
    expect((await api(rt, owner, 'GET', `${base(org.id)}?optedOut=true`)).body.total).toBe(2)
    expect((await api(rt, owner, 'GET', `${base(org.id)}?optedOut=false`)).body.total).toBe(0)
  })

  it("deletes a contact's conversation and messages with it", async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const { contact } = await customerWrites(org.id)
    const [conv] = await rt.services.db
      .select()
      .from(conversations)
      .where(eq(conversations.contactId, contact.id))
    const conversationId = defined(conv, 'a conversation').id
    expect((await api(rt, owner, 'DELETE', `${base(org.id)}/${contact.id}`)).status).toBe(204)
    expect(
      await rt.services.db.select().from(conversations).where(eq(conversations.id, conversationId)),
    ).toEqual([])
    expect(
      await rt.services.db.select().from(messages).where(eq(messages.conversationId, conversationId)),
    ).toEqual([])
  })

  it('never lists, shows or edits a simulator customer', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const real = await addContact(owner, org.id, { phone: '+14155550104' })
    const [sim] = await rt.services.db
      .insert(contacts)
      .values({ organizationId: org.id, waId: '+14155550104', simulated: true, lastSeenAt: new Date() })
      .returning()
    const simId = defined(sim, 'the simulated contact').id
    const list = await api(rt, owner, 'GET', base(org.id))
    expect(list.body.contacts.map((c: { id: string }) => c.id)).toEqual([real.id])
    expect(list.body.total).toBe(1)
    expect((await api(rt, owner, 'GET', `${base(org.id)}/${simId}`)).status).toBe(404)
    expect((await api(rt, owner, 'PATCH', `${base(org.id)}/${simId}`, { name: 'x' })).status).toBe(404)
    expect((await api(rt, owner, 'DELETE', `${base(org.id)}/${simId}`)).status).toBe(404)
    expect(
      (await api(rt, owner, 'POST', `${base(org.id)}/tags`, { contactIds: [real.id, simId], add: ['x'] }))
        .status,
    ).toBe(404)
    expect((await api(rt, owner, 'POST', `${base(org.id)}/count`, { filter: {} })).body.total).toBe(1)
  })

  it('pages through every contact once, in last-seen order, with a stable cursor and a total', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const ids: string[] = []
    for (let i = 0; i < 13; i++) {
      const c = await addContact(owner, org.id, { phone: `+1415555${String(1000 + i)}` })
      ids.push(c.id)
    }
    // Times with microseconds, as the inbound pipeline writes them (a JS Date would round them);
    // two share one instant (ties broken by id); five never wrote (last, by id).
    await rt.services.db.execute(
      sql`update contacts set last_seen_at = now() - interval '3 days' where id in (${ids[0]}, ${ids[1]})`,
    )
    for (const [i, id] of ids.entries()) {
      if (i >= 2 && i < 8)
        await rt.services.db.execute(
          sql`update contacts set last_seen_at = clock_timestamp() - interval '1 hour' * ${i} where id = ${id}`,
        )
    }
    const seen: { id: string; lastSeenAt: string | null }[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page: Awaited<ReturnType<typeof api>> = await api(
        rt,
        owner,
        'GET',
        `${base(org.id)}?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      )
      expect(page.status).toBe(200)
      expect(page.body.total).toBe(13)
      seen.push(...page.body.contacts)
      cursor = page.body.nextCursor
      pages++
    } while (cursor && pages < 10)
    expect(pages).toBe(5)
    expect(seen.map((c) => c.id).sort()).toEqual([...ids].sort())
    const times = seen.map((c) => (c.lastSeenAt ? Date.parse(c.lastSeenAt) : -1))
    expect(times).toEqual([...times].sort((a, b) => b - a))
    expect(seen.slice(8).every((c) => c.lastSeenAt === null)).toBe(true)
    const nulls = seen.slice(8).map((c) => c.id)
    expect(nulls).toEqual([...nulls].sort())
  })

  it('filters by search, tags (any/all), consent, opt-out and last seen', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const ana = await addContact(owner, org.id, {
      phone: '+14155552001',
      name: 'Ana Lopez',
      tags: ['vip', 'paris'],
      optedIn: true,
    })
    const bob = await addContact(owner, org.id, { phone: '+14155552002', name: 'Bob', tags: ['vip'] })
    const cyd = await addContact(owner, org.id, { phone: '+33612345678', name: '50%_off', tags: ['paris'] })
    await setLastSeen(ana.id, 1)
    await setLastSeen(bob.id, 40)
    const names = async (query: string) => {
      const res = await api(rt, owner, 'GET', `${base(org.id)}?${query}`)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body.total).toBe(res.body.contacts.length)
      return res.body.contacts.map((c: { name: string }) => c.name).sort()
    }
    expect(await names('search=lopez')).toEqual(['Ana Lopez'])
    expect(await names('search=2002')).toEqual(['Bob'])
    expect(await names('search=%2B336')).toEqual(['50%_off'])
    expect(await names('search=50%25_')).toEqual(['50%_off'])
    // Names are searched by the start of their words (an encrypted name's blind index): punctuation
    // alone matches no name (and no number here).
    expect(await names('search=%25')).toEqual([])
    expect(await names('tags=vip,paris')).toEqual(['50%_off', 'Ana Lopez', 'Bob'])
    expect(await names('tags=vip,paris&tagMode=all')).toEqual(['Ana Lopez'])
    expect(await names('tags=vip')).toEqual(['Ana Lopez', 'Bob'])
    expect(await names('optedIn=true')).toEqual(['Ana Lopez'])
    expect(await names('optedIn=false')).toEqual(['50%_off', 'Bob'])
    expect(await names('lastSeenWithinDays=7')).toEqual(['Ana Lopez'])
    expect(await names('lastSeenBeforeDays=30')).toEqual(['Bob'])
    expect(await names('lastSeenWithinDays=60&tags=vip&optedIn=false')).toEqual(['Bob'])
    void cyd

    const count = await api(rt, owner, 'POST', `${base(org.id)}/count`, { filter: { tags: ['vip'] } })
    expect(count.body).toEqual({ total: 2, optedIn: 1, optedOut: 0 })
    const badCount = await api(rt, owner, 'POST', `${base(org.id)}/count`, { filter: { tagz: ['vip'] } })
    expect(badCount.status).toBe(400)
  })

  it('adds and removes tags on a selection in bulk; all ids must be the organization’s', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const a = await addContact(owner, org.id, { phone: '+14155553001', tags: ['old', 'keep'] })
    const b = await addContact(owner, org.id, { phone: '+14155553002' })
    const res = await api(rt, owner, 'POST', `${base(org.id)}/tags`, {
      contactIds: [a.id, b.id, a.id],
      add: ['Spring Sale', 'keep'],
      remove: ['OLD'],
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toEqual({ updated: 2 })
    expect((await api(rt, owner, 'GET', `${base(org.id)}/${a.id}`)).body.contact.tags).toEqual([
      'keep',
      'Spring Sale',
    ])
    expect((await api(rt, owner, 'GET', `${base(org.id)}/${b.id}`)).body.contact.tags).toEqual([
      'Spring Sale',
      'keep',
    ])
    const [sale] = await rt.services.db
      .select()
      .from(tags)
      .where(and(eq(tags.organizationId, org.id), eq(tags.name, 'Spring Sale')))
    expect(sale).toBeDefined()

    // Another organization's contact in the selection: 404, nothing changed.
    const other = await ownerWithOrganization(rt)
    const foreign = await addContact(other.owner, other.org.id, { phone: '+14155553003' })
    const mixed = await api(rt, owner, 'POST', `${base(org.id)}/tags`, {
      contactIds: [a.id, foreign.id],
      add: ['nope'],
    })
    expect(mixed.status).toBe(404)
    expect((await api(rt, owner, 'GET', `${base(org.id)}/${a.id}`)).body.contact.tags).not.toContain('nope')
    const tooMany = await api(rt, owner, 'POST', `${base(org.id)}/tags`, {
      contactIds: Array.from({ length: 1001 }, () => a.id),
      add: ['x'],
    })
    expect(tooMany.status).toBe(400)
    expect((await api(rt, owner, 'POST', `${base(org.id)}/tags`, { contactIds: [a.id] })).status).toBe(400)
    // Over 50 tags on one contact: 400, nothing changed.
    const fifty = Array.from({ length: 49 }, (_, i) => `t${i}`)
    const over = await api(rt, owner, 'POST', `${base(org.id)}/tags`, {
      contactIds: [a.id, b.id],
      add: fifty,
    })
    expect(over.status).toBe(400)
    expect([...over.body.error.details.contactIds].sort()).toEqual([a.id, b.id].sort())
    expect((await api(rt, owner, 'GET', `${base(org.id)}/${a.id}`)).body.contact.tags).toHaveLength(2)
  })

  it('security: no session 401, another tenant 404, viewer 403 on writes, agent writes but cannot delete', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const c = await addContact(owner, org.id, { phone: '+14155554001' })
    const viewer = await signUp(rt)
    const agent = await signUp(rt)
    await addMember(rt, owner, org.id, viewer, 'viewer')
    await addMember(rt, owner, org.id, agent, 'agent')
    const stranger = await signUp(rt)
    await createOrganization(rt, stranger)

    const reads: [string, string, unknown?][] = [
      ['GET', base(org.id)],
      ['GET', `${base(org.id)}/${c.id}`],
      ['POST', `${base(org.id)}/count`, { filter: {} }],
    ]
    const writes: [string, string, unknown?][] = [
      ['POST', base(org.id), { phone: '+14155554002' }],
      ['PATCH', `${base(org.id)}/${c.id}`, { name: 'X' }],
      ['POST', `${base(org.id)}/tags`, { contactIds: [c.id], add: ['t'] }],
    ]
    for (const [method, path, body] of [
      ...reads,
      ...writes,
      ['DELETE', `${base(org.id)}/${c.id}`] as const,
    ]) {
      expect((await api(rt, undefined, method, path, body)).status, `${method} ${path}`).toBe(401)
      expect((await api(rt, stranger, method, path, body)).status, `${method} ${path}`).toBe(404)
    }
    for (const [method, path, body] of reads)
      expect((await api(rt, viewer, method, path, body)).status).toBe(200)
    for (const [method, path, body] of writes) {
      const res = await api(rt, viewer, method, path, body)
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(res.body.error.code).toBe('FORBIDDEN')
    }
    expect((await api(rt, viewer, 'DELETE', `${base(org.id)}/${c.id}`)).status).toBe(403)
    // The agent keeps contacts but does not delete them.
    expect((await api(rt, agent, 'POST', base(org.id), { phone: '+14155554002' })).status).toBe(201)
    expect((await api(rt, agent, 'PATCH', `${base(org.id)}/${c.id}`, { name: 'By agent' })).status).toBe(200)
    expect(
      (await api(rt, agent, 'POST', `${base(org.id)}/tags`, { contactIds: [c.id], add: ['t'] })).status,
    ).toBe(200)
    expect((await api(rt, agent, 'DELETE', `${base(org.id)}/${c.id}`)).status).toBe(403)
    expect((await api(rt, owner, 'GET', `${base(org.id)}/${c.id}`)).body.contact).toMatchObject({
      name: 'By agent',
      tags: ['t'],
    })
    expect(
      await queryRows<{ n: number }>(
        rt.services.db,
        sql`select count(*)::int as n from contacts where id = ${c.id}`,
      ),
    ).toEqual([{ n: 1 }])
    void first
  })
})
