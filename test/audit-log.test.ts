import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog } from '../src/server/db/schema/index.js'
import { addContacts } from './support/broadcasts.js'
import { defined } from './support/defined.js'
import { addMember, factoryOperator, signUp, type TestUser } from './support/factories.js'
import {
  ENTERPRISE,
  ownerWithOrganization,
  startTwilioTestRuntime,
  type TwilioTestRuntime,
} from './support/setups.js'
import { giveActiveNumber } from './support/whatsapp.js'

// The audit log: GET /api/organizations/{id}/audit-log (owners and admins), and the entries the
// existing actions leave (settings, plan, members, invitations, numbers, templates, broadcasts).

let rt: TwilioTestRuntime

beforeAll(async () => {
  rt = await startTwilioTestRuntime({ MAX_NUMBERS_PER_USER: '10' })
})
afterAll(async () => {
  await rt?.close()
})

const UA = 'audit-test-browser/1.0'
const PEER = '203.0.113.7'

/**
 * A request as `user` from a browser that names itself, over a socket from PEER (what
 * @hono/node-server's conninfo reads): the audit log keeps both.
 */
async function call(user: TestUser | undefined, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { 'user-agent': UA }
  if (user) headers.cookie = user.cookie
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await rt.app.request(
    path,
    { method, headers, body: body === undefined ? undefined : JSON.stringify(body) },
    { incoming: { socket: { remoteAddress: PEER, remotePort: 40000, remoteFamily: 'IPv4' } } },
  )
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

const logPath = (orgId: string, query = '') => `/api/organizations/${orgId}/audit-log${query}`

interface Entry {
  id: string
  actorLabel: string
  action: string
  targetType: string | null
  targetId: string | null
  details: Record<string, unknown>
  ip: string | null
  userAgent: string | null
  createdAt: string
}

async function allEntries(user: TestUser, orgId: string, query = ''): Promise<Entry[]> {
  const res = await call(user, 'GET', logPath(orgId, `?limit=200${query}`))
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.entries
}

let seq = 0
async function makeTemplate(owner: TestUser, orgId: string) {
  const name = `audit_${Date.now().toString(36)}_${seq++}_${randomBytes(2).toString('hex')}`
  rt.twilio.setApproval(name, 'approved')
  const res = await call(owner, 'POST', `/api/organizations/${orgId}/templates`, {
    name,
    language: 'en',
    category: 'utility',
    body: 'Hello {{1}}',
    examples: { '1': 'Ana' },
  })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  const made = res.body.template as { id: string; name: string; status: string }
  if (made.status === 'approved') return made
  // Twilio answers the submission with "received"; the decision shows at the next look.
  const refreshed = await call(owner, 'POST', `/api/organizations/${orgId}/templates/${made.id}/refresh`)
  expect(refreshed.status).toBe(200)
  return refreshed.body.template as typeof made
}

describe('audit entries of existing actions', () => {
  it('records who did what, to what, from where, for each action', async () => {
    const { owner, org } = await ownerWithOrganization(rt, { welcomeMessage: '' })
    const base = `/api/organizations/${org.id}`

    // Settings: the names of the fields changed.
    expect((await call(owner, 'PATCH', base, { name: 'Audited Bakery', description: 'Bread' })).status).toBe(
      200,
    )
    // The plan, by an operator.
    const operator = await factoryOperator(rt)
    expect(
      (await call(operator, 'PATCH', `/api/admin/organizations/${org.id}/plan`, { planType: 'business' }))
        .status,
    ).toBe(200)

    // Members: invite + revoke, and a member whose role changes and who is removed.
    const invited = await call(owner, 'POST', `${base}/members`, {
      email: `invitee-${randomBytes(3).toString('hex')}@example.test`,
      role: 'agent',
    })
    expect(invited.status).toBe(201)
    const invitationId = invited.body.invitation.id as string
    expect((await call(owner, 'DELETE', `${base}/invitations/${invitationId}`)).status).toBe(200)
    const member = await signUp(rt)
    await addMember(rt, owner, org.id, member, 'agent')
    expect((await call(owner, 'PATCH', `${base}/members/${member.id}`, { role: 'viewer' })).status).toBe(200)
    expect((await call(owner, 'DELETE', `${base}/members/${member.id}`)).status).toBe(200)

    // Numbers: bought and released.
    const search = await call(owner, 'GET', '/api/organizations/search-numbers?country=US&type=local&limit=5')
    const phoneNumber = search.body.numbers[0].phoneNumber as string
    const provisioned = await call(owner, 'POST', `${base}/provision-number`, { phoneNumber })
    expect(provisioned.status, JSON.stringify(provisioned.body)).toBe(202)
    const released = await call(owner, 'DELETE', `${base}/provision-number`)
    expect(released.status).toBe(200)

    // Templates: one made and deleted, one kept for a broadcast.
    const doomed = await makeTemplate(owner, org.id)
    expect((await call(owner, 'DELETE', `${base}/templates/${doomed.id}`)).status).toBe(204)
    const template = await makeTemplate(owner, org.id)
    expect(template.status).toBe('approved')

    // Broadcasts: scheduled, then cancelled.
    await giveActiveNumber(rt, org.id)
    await addContacts(rt, org.id, [{ name: 'Ana' }, { name: 'Ben' }])
    const broadcast = await call(owner, 'POST', `${base}/broadcasts`, {
      name: 'Later',
      templateId: template.id,
      variables: { '1': { from: 'name' } },
      audience: { kind: 'filter', filter: {} },
      sendAt: '2030-01-01T09:00',
    })
    expect(broadcast.status, JSON.stringify(broadcast.body)).toBe(201)
    const broadcastId = broadcast.body.broadcast.id as string
    expect((await call(owner, 'POST', `${base}/broadcasts/${broadcastId}/cancel`)).status).toBe(200)

    const entries = await allEntries(owner, org.id)
    const one = (action: string, targetId?: string) =>
      defined(
        entries.find((e) => e.action === action && (targetId === undefined || e.targetId === targetId)),
        `an entry ${action}`,
      )
    const expectations: [Entry, string, { type: string; id: string | undefined }][] = [
      [one('settings.updated'), owner.email, { type: 'organization', id: org.id }],
      [one('plan.changed'), operator.email, { type: 'organization', id: org.id }],
      [one('member.invited', invitationId), owner.email, { type: 'invitation', id: invitationId }],
      [one('invitation.revoked'), owner.email, { type: 'invitation', id: invitationId }],
      [one('member.role_changed'), owner.email, { type: 'user', id: member.id }],
      [one('member.removed'), owner.email, { type: 'user', id: member.id }],
      [one('number.provisioned'), owner.email, { type: 'number', id: provisioned.body.number.id }],
      [one('number.released'), owner.email, { type: 'number', id: released.body.number.id }],
      [one('template.created', doomed.id), owner.email, { type: 'template', id: doomed.id }],
      [one('template.deleted'), owner.email, { type: 'template', id: doomed.id }],
      [one('template.created', template.id), owner.email, { type: 'template', id: template.id }],
      [one('broadcast.created'), owner.email, { type: 'broadcast', id: broadcastId }],
      [one('broadcast.cancelled'), owner.email, { type: 'broadcast', id: broadcastId }],
    ]
    for (const [entry, actor, target] of expectations) {
      expect(entry, entry.action).toMatchObject({ actorLabel: actor, targetType: target.type, userAgent: UA })
      expect(entry.targetId, entry.action).toBe(target.id)
      expect(entry.ip, `${entry.action} ip`).toBe(PEER)
      expect(Number.isNaN(Date.parse(entry.createdAt))).toBe(false)
    }
    expect(one('settings.updated').details).toEqual({ fields: ['name', 'description'] })
    expect(one('plan.changed').details).toMatchObject({
      from: { planType: 'starter' },
      to: { planType: 'business' },
    })
    expect(one('member.role_changed').details).toEqual({ email: member.email, from: 'agent', to: 'viewer' })
    expect(one('member.removed').details).toMatchObject({ email: member.email, role: 'viewer' })
    expect(one('number.provisioned').details).toEqual({ phoneNumber })
    expect(one('template.deleted').details).toMatchObject({ name: doomed.name })

    // Newest first.
    const times = entries.map((e) => Date.parse(e.createdAt))
    expect([...times].sort((a, b) => b - a)).toEqual(times)
  })

  it('leaves no entry when the change is refused', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const before = await allEntries(owner, org.id)
    // The last owner cannot step down: 409, and nothing recorded.
    const demote = await call(owner, 'PATCH', `/api/organizations/${org.id}/members/${owner.id}`, {
      role: 'admin',
    })
    expect(demote.status).toBe(409)
    expect((await call(owner, 'PATCH', `/api/organizations/${org.id}`, { name: '' })).status).toBe(400)
    expect(await allEntries(owner, org.id)).toEqual(before)
  })

  it('names an API key as the actor of what it does', async () => {
    const { owner, org } = await ownerWithOrganization(rt, { ...ENTERPRISE, welcomeMessage: '' })
    await giveActiveNumber(rt, org.id)
    await addContacts(rt, org.id, [{ name: 'Ana' }])
    const template = await makeTemplate(owner, org.id)
    const made = await call(owner, 'POST', `/api/organizations/${org.id}/api-keys`, {
      name: 'Campaigns',
      scopes: ['broadcasts:send'],
    })
    expect(made.status).toBe(201)
    const res = await rt.app.request(
      `/api/organizations/${org.id}/broadcasts`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${made.body.secret}`,
          'content-type': 'application/json',
          'user-agent': 'crm-sync/2.0',
        },
        body: JSON.stringify({
          name: 'By key',
          templateId: template.id,
          variables: { '1': { from: 'name' } },
          audience: { kind: 'filter', filter: {} },
          sendAt: '2030-01-01T09:00',
        }),
      },
      { incoming: { socket: { remoteAddress: PEER, remotePort: 40000, remoteFamily: 'IPv4' } } },
    )
    expect(res.status).toBe(201)
    const entry = defined(
      (await allEntries(owner, org.id, '&action=broadcast.created'))[0],
      'the broadcast.created entry',
    )
    expect(entry).toMatchObject({
      actorLabel: `API key "Campaigns" (${made.body.key.prefix}…)`,
      userAgent: 'crm-sync/2.0',
      ip: PEER,
    })
  })
})

describe('GET /audit-log', () => {
  it('pages newest first with a cursor, and filters by action or area', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    for (let i = 0; i < 7; i++) {
      expect(
        (await call(owner, 'PATCH', `/api/organizations/${org.id}`, { description: `v${i}` })).status,
      ).toBe(200)
    }
    const invited = await call(owner, 'POST', `/api/organizations/${org.id}/members`, {
      email: `someone-${randomBytes(3).toString('hex')}@example.test`,
      role: 'viewer',
    })
    expect(invited.status).toBe(201)
    const all = await allEntries(owner, org.id)
    expect(all.length).toBeGreaterThanOrEqual(8)

    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = `?limit=3${cursor ? `&cursor=${cursor}` : ''}`
      const page = await call(owner, 'GET', logPath(org.id, query))
      expect(page.status).toBe(200)
      expect(page.body.entries.length).toBeLessThanOrEqual(3)
      seen.push(...page.body.entries.map((e: Entry) => e.id))
      cursor = page.body.nextCursor
      pages++
    } while (cursor && pages < 20)
    expect(seen).toEqual(all.map((e) => e.id))

    const exact = await allEntries(owner, org.id, '&action=member.invited')
    expect(exact.map((e) => e.action)).toEqual(['member.invited'])
    const area = await allEntries(owner, org.id, '&action=settings')
    expect(area).toHaveLength(7)
    expect(area.every((e) => e.action === 'settings.updated')).toBe(true)
    expect(await allEntries(owner, org.id, '&action=webhook')).toEqual([])
  })

  it('answers 400 for a bad limit, cursor or action', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    for (const query of ['?limit=0', '?limit=201', '?limit=abc', '?cursor=nope', '?action=DROP%20TABLE']) {
      const res = await call(owner, 'GET', logPath(org.id, query))
      expect(res.status, query).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
    }
  })

  it('is for owners and admins of the organization only', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const admin = await signUp(rt)
    const agent = await signUp(rt)
    const viewer = await signUp(rt)
    await addMember(rt, owner, org.id, admin, 'admin')
    await addMember(rt, owner, org.id, agent, 'agent')
    await addMember(rt, owner, org.id, viewer, 'viewer')
    expect((await call(admin, 'GET', logPath(org.id))).status).toBe(200)
    expect((await call(agent, 'GET', logPath(org.id))).status).toBe(403)
    expect((await call(viewer, 'GET', logPath(org.id))).status).toBe(403)
    expect((await call(undefined, 'GET', logPath(org.id))).status).toBe(401)

    const { owner: stranger, org: otherOrg } = await ownerWithOrganization(rt)
    expect((await call(stranger, 'GET', logPath(org.id))).status).toBe(404)
    expect((await call(owner, 'GET', logPath(otherOrg.id))).status).toBe(404)
    expect((await call(owner, 'GET', logPath('not-a-uuid'))).status).toBe(404)

    // Each organization sees only its own entries.
    await call(stranger, 'PATCH', `/api/organizations/${otherOrg.id}`, { description: 'theirs' })
    const mine = await rt.services.db.select().from(auditLog).where(eq(auditLog.organizationId, org.id))
    const listed = await allEntries(owner, org.id)
    expect(listed.map((e) => e.id).sort()).toEqual(mine.map((e) => e.id).sort())
  })
})
