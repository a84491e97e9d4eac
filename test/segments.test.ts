import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { broadcasts, contacts, templates } from '../src/server/db/schema/index.js'
import { defined } from './support/defined.js'
import { addMember, api, signUp, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { ownerWithOrganization } from './support/setups.js'

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

const org$ = (orgId: string) => `/api/organizations/${orgId}`

async function addContact(user: TestUser, orgId: string, body: Record<string, unknown>) {
  const res = await api(rt, user, 'POST', `${org$(orgId)}/contacts`, body)
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.contact
}

const tagsOf = async (user: TestUser, orgId: string, id: string) =>
  (await api(rt, user, 'GET', `${org$(orgId)}/contacts/${id}`)).body.contact.tags

describe('tags API', () => {
  it('creates, recolours, renames (rewriting contacts) and deletes (removing from contacts) tags', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const created = await api(rt, owner, 'POST', `${org$(org.id)}/tags`, { name: ' Gold ', color: '#FFAA00' })
    expect(created.status).toBe(201)
    expect(created.body.tag).toMatchObject({ name: 'Gold', color: '#ffaa00', contactCount: 0 })
    const gold = created.body.tag.id
    expect((await api(rt, owner, 'POST', `${org$(org.id)}/tags`, { name: 'gold' })).status).toBe(409)
    const auto = await api(rt, owner, 'POST', `${org$(org.id)}/tags`, { name: 'Silver' })
    expect(auto.body.tag.color).toMatch(/^#[0-9a-f]{6}$/)

    const a = await addContact(owner, org.id, { phone: '+14155556001', tags: ['gold', 'x'] })
    const b = await addContact(owner, org.id, { phone: '+14155556002', tags: ['Silver', 'Gold'] })
    const c = await addContact(owner, org.id, { phone: '+14155556003', tags: ['x'] })
    expect(await tagsOf(owner, org.id, a.id)).toEqual(['Gold', 'x'])

    // A segment of Gold follows the rename only if its filter is edited; the contacts follow at once.
    const renamed = await api(rt, owner, 'PATCH', `${org$(org.id)}/tags/${gold}`, {
      name: 'Platinum',
      color: '#123456',
    })
    expect(renamed.status).toBe(200)
    expect(renamed.body.tag).toMatchObject({ name: 'Platinum', color: '#123456', contactCount: 2 })
    expect(await tagsOf(owner, org.id, a.id)).toEqual(['Platinum', 'x'])
    expect(await tagsOf(owner, org.id, b.id)).toEqual(['Silver', 'Platinum'])
    expect(await tagsOf(owner, org.id, c.id)).toEqual(['x'])
    // Case of the same tag can change; another tag's name cannot be taken.
    expect((await api(rt, owner, 'PATCH', `${org$(org.id)}/tags/${gold}`, { name: 'PLATINUM' })).status).toBe(
      200,
    )
    expect(await tagsOf(owner, org.id, a.id)).toEqual(['PLATINUM', 'x'])
    const taken = await api(rt, owner, 'PATCH', `${org$(org.id)}/tags/${gold}`, { name: 'silver' })
    expect(taken.status).toBe(409)
    expect(await tagsOf(owner, org.id, b.id)).toEqual(['Silver', 'PLATINUM'])

    const list = await api(rt, owner, 'GET', `${org$(org.id)}/tags`)
    expect(
      list.body.tags.map((t: { name: string; contactCount: number }) => [t.name, t.contactCount]),
    ).toEqual([
      ['PLATINUM', 2],
      ['Silver', 1],
      ['x', 2],
    ])

    expect((await api(rt, owner, 'DELETE', `${org$(org.id)}/tags/${gold}`)).status).toBe(204)
    expect(await tagsOf(owner, org.id, a.id)).toEqual(['x'])
    expect(await tagsOf(owner, org.id, b.id)).toEqual(['Silver'])
    expect((await api(rt, owner, 'DELETE', `${org$(org.id)}/tags/${gold}`)).status).toBe(404)
    expect((await api(rt, owner, 'PATCH', `${org$(org.id)}/tags/${gold}`, { color: '#000000' })).status).toBe(
      404,
    )
  })

  it('refuses bad colours and names with a 400', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const tag = (await api(rt, owner, 'POST', `${org$(org.id)}/tags`, { name: 'ok', color: '#000000' })).body
      .tag
    for (const body of [
      { name: 'a', color: 'red' },
      { name: 'a', color: '#12345' },
      { name: 'a', color: '#12345g' },
      { name: '' },
      { name: 'y'.repeat(41) },
      { name: 'a', colour: '#000000' },
    ]) {
      const res = await api(rt, owner, 'POST', `${org$(org.id)}/tags`, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
    }
    expect((await api(rt, owner, 'PATCH', `${org$(org.id)}/tags/${tag.id}`, { color: 'blue' })).status).toBe(
      400,
    )
    const list = await api(rt, owner, 'GET', `${org$(org.id)}/tags`)
    expect(list.body.tags).toEqual([{ ...tag }])
  })

  it('security: 401 without a session, 404 for another tenant, 403 for a viewer; agents manage tags', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const tag = (await api(rt, owner, 'POST', `${org$(org.id)}/tags`, { name: 'T' })).body.tag
    const viewer = await signUp(rt)
    const agent = await signUp(rt)
    await addMember(rt, owner, org.id, viewer, 'viewer')
    await addMember(rt, owner, org.id, agent, 'agent')
    const stranger = await signUp(rt)
    const writes: [string, string, unknown?][] = [
      ['POST', `${org$(org.id)}/tags`, { name: 'U' }],
      ['PATCH', `${org$(org.id)}/tags/${tag.id}`, { color: '#111111' }],
      ['DELETE', `${org$(org.id)}/tags/${tag.id}`],
    ]
    for (const [method, path, body] of [['GET', `${org$(org.id)}/tags`] as [string, string], ...writes]) {
      expect((await api(rt, undefined, method, path, body)).status).toBe(401)
      expect((await api(rt, stranger, method, path, body)).status).toBe(404)
    }
    expect((await api(rt, viewer, 'GET', `${org$(org.id)}/tags`)).status).toBe(200)
    for (const [method, path, body] of writes)
      expect((await api(rt, viewer, method, path, body)).status).toBe(403)
    for (const [method, path, body] of writes)
      expect((await api(rt, agent, method, path, body)).status).toBeLessThan(300)
  })
})

describe('segments API', () => {
  it('saves filters, counts them at read time, lists a segment’s contacts, edits and deletes', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const ana = await addContact(owner, org.id, {
      phone: '+14155557001',
      tags: ['vip'],
      attributes: { city: 'paris', plan: 'gold' },
      optedIn: true,
    })
    await addContact(owner, org.id, { phone: '+14155557002', tags: ['vip'], attributes: { city: 'lyon' } })
    await addContact(owner, org.id, { phone: '+14155557003', attributes: { city: 'paris' } })

    const created = await api(rt, owner, 'POST', `${org$(org.id)}/segments`, {
      name: 'Paris VIPs',
      filter: { tags: ['vip'], attributes: { City: 'paris' } },
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect(created.body.segment).toMatchObject({
      name: 'Paris VIPs',
      filter: { tags: ['vip'], attributes: { city: 'paris' } },
      contactCount: 1,
    })
    const id = created.body.segment.id
    expect(
      (await api(rt, owner, 'POST', `${org$(org.id)}/segments`, { name: 'Paris VIPs', filter: {} })).status,
    ).toBe(409)

    // Resolved when read: a new matching contact counts at once.
    await addContact(owner, org.id, { phone: '+14155557004', tags: ['vip'], attributes: { city: 'paris' } })
    expect((await api(rt, owner, 'GET', `${org$(org.id)}/segments/${id}`)).body.segment.contactCount).toBe(2)
    const members = await api(rt, owner, 'GET', `${org$(org.id)}/contacts?segmentId=${id}&optedIn=true`)
    expect(members.body.contacts.map((c: { id: string }) => c.id)).toEqual([ana.id])
    expect((await api(rt, owner, 'GET', `${org$(org.id)}/contacts?segmentId=${id}`)).body.total).toBe(2)
    const count = await api(rt, owner, 'POST', `${org$(org.id)}/contacts/count`, {
      filter: { attributes: { city: 'paris' } },
    })
    expect(count.body).toEqual({ total: 3, optedIn: 1, optedOut: 0 })

    const patched = await api(rt, owner, 'PATCH', `${org$(org.id)}/segments/${id}`, {
      name: 'Consenting VIPs',
      filter: { tags: ['vip'], optedIn: true },
    })
    expect(patched.status).toBe(200)
    expect(patched.body.segment).toMatchObject({ name: 'Consenting VIPs', contactCount: 1 })
    const list = await api(rt, owner, 'GET', `${org$(org.id)}/segments`)
    expect(
      list.body.segments.map((s: { name: string; contactCount: number }) => [s.name, s.contactCount]),
    ).toEqual([['Consenting VIPs', 1]])
    // Last seen: nobody here ever wrote.
    const seen = await api(rt, owner, 'POST', `${org$(org.id)}/segments`, {
      name: 'Recent',
      filter: { lastSeenWithinDays: 30 },
    })
    expect(seen.body.segment.contactCount).toBe(0)
    await rt.services.db.update(contacts).set({ lastSeenAt: new Date() }).where(eq(contacts.id, ana.id))
    expect(
      (await api(rt, owner, 'GET', `${org$(org.id)}/segments/${seen.body.segment.id}`)).body.segment
        .contactCount,
    ).toBe(1)

    expect((await api(rt, owner, 'DELETE', `${org$(org.id)}/segments/${id}`)).status).toBe(204)
    expect((await api(rt, owner, 'GET', `${org$(org.id)}/segments/${id}`)).status).toBe(404)
    expect((await api(rt, owner, 'GET', `${org$(org.id)}/contacts?segmentId=${id}`)).status).toBe(404)
  })

  it('refuses to delete a segment a scheduled broadcast is to be sent to (409)', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const seg = (await api(rt, owner, 'POST', `${org$(org.id)}/segments`, { name: 'Later', filter: {} })).body
      .segment
    const [template] = await rt.services.db
      .insert(templates)
      .values({ organizationId: org.id, name: 'promo', language: 'en', category: 'marketing', body: 'Hi' })
      .returning({ id: templates.id })
    const [broadcast] = await rt.services.db
      .insert(broadcasts)
      .values({
        organizationId: org.id,
        name: 'Spring promo',
        templateId: defined(template, 'the template').id,
        variables: {},
        audience: { kind: 'segment', segmentId: seg.id },
        fromNumber: '+14155550000',
        status: 'scheduled',
        sendAt: new Date(Date.now() + 86_400_000),
      })
      .returning({ id: broadcasts.id })
    const refused = await api(rt, owner, 'DELETE', `${org$(org.id)}/segments/${seg.id}`)
    expect(refused.status).toBe(409)
    expect(refused.body.error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/Spring promo/),
      details: { broadcastId: defined(broadcast, 'the broadcast').id },
    })
    await rt.services.db
      .update(broadcasts)
      .set({ status: 'completed' })
      .where(eq(broadcasts.organizationId, org.id))
    expect((await api(rt, owner, 'DELETE', `${org$(org.id)}/segments/${seg.id}`)).status).toBe(204)
  })

  it('refuses an invalid filter with a 400 and stores nothing', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    for (const filter of [
      { tagz: ['vip'] },
      { tags: 'vip' },
      { tagMode: 'some' },
      { attributes: { 'bad key': 'x' } },
      { lastSeenWithinDays: -1 },
      { lastSeenWithinDays: 1.5 },
      { optedIn: 'yes' },
    ]) {
      const res = await api(rt, owner, 'POST', `${org$(org.id)}/segments`, { name: 'S', filter })
      expect(res.status, JSON.stringify(filter)).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
    }
    expect((await api(rt, owner, 'POST', `${org$(org.id)}/segments`, { name: '', filter: {} })).status).toBe(
      400,
    )
    expect((await api(rt, owner, 'GET', `${org$(org.id)}/segments`)).body.segments).toEqual([])
  })

  it('security: 401 without a session, 404 for another tenant, 403 for a viewer; agents manage segments', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const seg = (await api(rt, owner, 'POST', `${org$(org.id)}/segments`, { name: 'S', filter: {} })).body
      .segment
    const viewer = await signUp(rt)
    const agent = await signUp(rt)
    await addMember(rt, owner, org.id, viewer, 'viewer')
    await addMember(rt, owner, org.id, agent, 'agent')
    const stranger = await signUp(rt)
    const reads: [string, string][] = [
      ['GET', `${org$(org.id)}/segments`],
      ['GET', `${org$(org.id)}/segments/${seg.id}`],
    ]
    const writes: [string, string, unknown?][] = [
      ['POST', `${org$(org.id)}/segments`, { name: 'T', filter: {} }],
      ['PATCH', `${org$(org.id)}/segments/${seg.id}`, { name: 'S2' }],
      ['DELETE', `${org$(org.id)}/segments/${seg.id}`],
    ]
    for (const [method, path, body] of [...reads, ...writes]) {
      expect((await api(rt, undefined, method, path, body)).status).toBe(401)
      expect((await api(rt, stranger, method, path, body)).status).toBe(404)
    }
    for (const [method, path] of reads) expect((await api(rt, viewer, method, path)).status).toBe(200)
    for (const [method, path, body] of writes)
      expect((await api(rt, viewer, method, path, body)).status).toBe(403)
    for (const [method, path, body] of writes)
      expect((await api(rt, agent, method, path, body)).status).toBeLessThan(300)
  })
})
