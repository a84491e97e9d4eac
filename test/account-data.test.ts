import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog, memberships, organizations, session, user } from '../src/server/db/schema/index.js'
import { first } from './support/defined.js'
import { addMember, api, createOrganization, signUp } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

describe("an account's data", () => {
  it('exports the profile, memberships, invitations, sessions (no tokens) and personal sources', async () => {
    const me = await signUp(rt, { name: 'Mia Export' })
    const boss = await signUp(rt)
    const mine = await createOrganization(rt, me, { name: 'Mia Bakery' })
    const theirs = await createOrganization(rt, boss, { name: 'Boss Shop' })
    await addMember(rt, boss, theirs.id, me, 'agent')
    const invited = await api(rt, me, 'POST', `/api/organizations/${mine.id}/members`, {
      email: 'friend@example.test',
      role: 'viewer',
    })
    expect(invited.status).toBe(201)
    const kb = await api(rt, me, 'GET', '/api/training/knowledge-base')
    expect(kb.status).toBe(200)
    const source = await api(rt, me, 'POST', `/api/organizations/${kb.body.organizationId}/knowledge`, {
      kind: 'text',
      title: 'My recipes',
      content: 'Bread: flour, water, salt.',
    })
    expect(source.status, JSON.stringify(source.body)).toBe(201)

    const res = await rt.request('/api/me/export', { headers: { cookie: me.cookie } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="account-export.json"')
    const body = await res.json()
    expect(body.profile).toMatchObject({
      id: me.id,
      email: me.email,
      name: 'Mia Export',
      emailVerified: true,
    })
    expect(
      body.memberships
        .map((m: { organizationName: string; role: string }) => [m.organizationName, m.role])
        .sort(),
    ).toEqual([
      ['Boss Shop', 'agent'],
      ['Mia Bakery', 'owner'],
    ])
    expect(body.invitationsSent).toEqual([
      expect.objectContaining({
        organizationName: 'Mia Bakery',
        email: 'friend@example.test',
        role: 'viewer',
      }),
    ])
    expect(body.invitationsReceived).toEqual([
      expect.objectContaining({ organizationName: 'Boss Shop', role: 'agent', status: 'accepted' }),
    ])
    expect(body.sessions.length).toBeGreaterThanOrEqual(1)
    expect(Object.keys(first(body.sessions)).sort()).toEqual([
      'createdAt',
      'expiresAt',
      'ipAddress',
      'lastActiveAt',
      'userAgent',
    ])
    const tokens = await rt.services.db
      .select({ token: session.token })
      .from(session)
      .where(eq(session.userId, me.id))
    const text = JSON.stringify(body)
    for (const t of tokens) expect(text).not.toContain(t.token)
    expect(body.personalKnowledgeSources).toEqual([
      expect.objectContaining({ title: 'My recipes', kind: 'text' }),
    ])

    expect((await api(rt, undefined, 'GET', '/api/me/export')).status).toBe(401)
  })

  it('deletes the account: confirmation, the last owner refused (409), then deleted once ownership is handed over', async () => {
    const me = await signUp(rt)
    const partner = await signUp(rt)
    const org = await createOrganization(rt, me, { name: 'Solo Owner Ltd' })
    const shared = await createOrganization(rt, me, { name: 'Shared Ltd' })
    await addMember(rt, me, org.id, partner, 'admin')
    // An entry the account made: it stays with its label.
    const renamed = await api(rt, me, 'PATCH', `/api/organizations/${shared.id}`, { description: 'changed' })
    expect(renamed.status).toBe(200)

    expect((await api(rt, undefined, 'DELETE', '/api/me', { confirmEmail: me.email })).status).toBe(401)
    const wrong = await api(rt, me, 'DELETE', '/api/me', { confirmEmail: 'someone@example.test' })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.code).toBe('BAD_REQUEST')
    expect((await api(rt, me, 'DELETE', '/api/me', {})).status).toBe(400)

    const refused = await api(rt, me, 'DELETE', '/api/me', { confirmEmail: me.email.toUpperCase() })
    expect(refused.status).toBe(409)
    expect(refused.body.error.details.reason).toBe('LAST_OWNER')
    expect(
      refused.body.error.details.organizations.map((o: { id: string; name: string }) => o.name).sort(),
    ).toEqual(['Shared Ltd', 'Solo Owner Ltd'])
    expect((await api(rt, me, 'GET', '/api/me')).status).toBe(200)

    // Hand one over, delete the other.
    const promoted = await api(rt, me, 'PATCH', `/api/organizations/${org.id}/members/${partner.id}`, {
      role: 'owner',
    })
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(200)
    const deletedOrg = await api(rt, me, 'DELETE', `/api/organizations/${shared.id}`)
    expect(deletedOrg.status).toBe(200)

    const done = await api(rt, me, 'DELETE', '/api/me', { confirmEmail: me.email })
    expect(done.status, JSON.stringify(done.body)).toBe(204)
    expect((await api(rt, me, 'GET', '/api/me')).status).toBe(401)
    expect(await rt.services.db.select().from(user).where(eq(user.id, me.id))).toEqual([])
    expect(await rt.services.db.select().from(session).where(eq(session.userId, me.id))).toEqual([])
    expect(await rt.services.db.select().from(memberships).where(eq(memberships.userId, me.id))).toEqual([])
    const [still] = await rt.services.db.select().from(organizations).where(eq(organizations.id, org.id))
    expect(still?.name).toBe('Solo Owner Ltd')
    expect((await api(rt, partner, 'GET', `/api/organizations/${org.id}`)).body.organization.role).toBe(
      'owner',
    )
    const labels = await rt.services.db
      .select({ label: auditLog.actorLabel })
      .from(auditLog)
      .where(eq(auditLog.actorUserId, me.id))
    expect(labels.length).toBeGreaterThan(0)
    expect(labels.every((l) => l.label === me.email)).toBe(true)
  })
})
