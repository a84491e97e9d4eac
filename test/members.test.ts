import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMember, api, createOrganization, signUp } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

const membersPath = (orgId: string) => `/api/organizations/${orgId}/members`

describe('members API', () => {
  it('adds a member by email, changes the role and removes them', async () => {
    const owner = await signUp(rt, { name: 'Olive Owner' })
    const agent = await signUp(rt, { name: 'Agnes Agent' })
    const org = await createOrganization(rt, owner)

    const added = await api(rt, owner, 'POST', membersPath(org.id), { email: agent.email.toUpperCase(), role: 'agent' })
    expect(added.status).toBe(201)
    expect(added.body.member).toMatchObject({ userId: agent.id, email: agent.email, name: 'Agnes Agent', role: 'agent' })

    const list = await api(rt, agent, 'GET', membersPath(org.id))
    expect(list.status).toBe(200)
    expect(list.body.members.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      [owner.email, 'owner'],
      [agent.email, 'agent'],
    ])
    // The new member sees the organization in their own list, with their role.
    const theirs = await api(rt, agent, 'GET', '/api/organizations')
    expect(theirs.body.organizations).toEqual([expect.objectContaining({ id: org.id, role: 'agent' })])

    const promoted = await api(rt, owner, 'PATCH', `${membersPath(org.id)}/${agent.id}`, { role: 'admin' })
    expect(promoted.status).toBe(200)
    expect(promoted.body.member.role).toBe('admin')

    const removed = await api(rt, owner, 'DELETE', `${membersPath(org.id)}/${agent.id}`)
    expect(removed.status).toBe(200)
    expect((await api(rt, agent, 'GET', `/api/organizations/${org.id}`)).status).toBe(404)
  })

  it('refuses bad input, unknown users and duplicates', async () => {
    const owner = await signUp(rt)
    const other = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const badRole = await api(rt, owner, 'POST', membersPath(org.id), { email: other.email, role: 'superuser' })
    expect(badRole.status).toBe(400)
    expect(badRole.body.error.details[0].path).toBe('role')
    const badEmail = await api(rt, owner, 'POST', membersPath(org.id), { email: 'not-an-email', role: 'agent' })
    expect(badEmail.status).toBe(400)
    const unknown = await api(rt, owner, 'POST', membersPath(org.id), { email: 'nobody@example.test', role: 'agent' })
    expect(unknown.status).toBe(404)
    await addMember(rt, owner, org.id, other, 'viewer')
    const dup = await api(rt, owner, 'POST', membersPath(org.id), { email: other.email, role: 'agent' })
    expect(dup.status).toBe(409)
    const members = await api(rt, owner, 'GET', membersPath(org.id))
    expect(members.body.members).toHaveLength(2)
  })

  it('always keeps one owner', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const demote = await api(rt, owner, 'PATCH', `${membersPath(org.id)}/${owner.id}`, { role: 'admin' })
    expect(demote.status).toBe(409)
    const leave = await api(rt, owner, 'DELETE', `${membersPath(org.id)}/${owner.id}`)
    expect(leave.status).toBe(409)
    // With a second owner, the first may step down.
    const second = await signUp(rt)
    await addMember(rt, owner, org.id, second, 'owner')
    expect((await api(rt, owner, 'PATCH', `${membersPath(org.id)}/${owner.id}`, { role: 'admin' })).status).toBe(200)
    expect((await api(rt, second, 'PATCH', `${membersPath(org.id)}/${second.id}`, { role: 'viewer' })).status).toBe(409)
  })

  it('lets an admin manage members except owners', async () => {
    const owner = await signUp(rt)
    const admin = await signUp(rt)
    const newcomer = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await addMember(rt, owner, org.id, admin, 'admin')
    expect((await api(rt, admin, 'POST', membersPath(org.id), { email: newcomer.email, role: 'owner' })).status).toBe(403)
    expect((await api(rt, admin, 'POST', membersPath(org.id), { email: newcomer.email, role: 'agent' })).status).toBe(201)
    expect((await api(rt, admin, 'PATCH', `${membersPath(org.id)}/${newcomer.id}`, { role: 'viewer' })).status).toBe(200)
    expect((await api(rt, admin, 'PATCH', `${membersPath(org.id)}/${owner.id}`, { role: 'viewer' })).status).toBe(403)
    expect((await api(rt, admin, 'DELETE', `${membersPath(org.id)}/${owner.id}`)).status).toBe(403)
  })

  it('enforces sessions, tenancy and roles', async () => {
    const owner = await signUp(rt)
    const viewer = await signUp(rt)
    const stranger = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await addMember(rt, owner, org.id, viewer, 'viewer')
    expect((await api(rt, undefined, 'GET', membersPath(org.id))).status).toBe(401)
    expect((await api(rt, undefined, 'POST', membersPath(org.id), { email: stranger.email, role: 'agent' })).status).toBe(401)
    expect((await api(rt, stranger, 'GET', membersPath(org.id))).status).toBe(404)
    expect((await api(rt, stranger, 'POST', membersPath(org.id), { email: stranger.email, role: 'owner' })).status).toBe(404)
    expect((await api(rt, stranger, 'DELETE', `${membersPath(org.id)}/${viewer.id}`)).status).toBe(404)
    expect((await api(rt, viewer, 'POST', membersPath(org.id), { email: stranger.email, role: 'agent' })).status).toBe(403)
    expect((await api(rt, viewer, 'PATCH', `${membersPath(org.id)}/${viewer.id}`, { role: 'owner' })).status).toBe(403)
    // A member may always leave.
    expect((await api(rt, viewer, 'DELETE', `${membersPath(org.id)}/${viewer.id}`)).status).toBe(200)
  })
})
