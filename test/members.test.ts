import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMember, api, createOrganization, lastMailTo, signUp, verifyEmail } from './support/factories.js'
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
  it('invites by email; the invitee verifies their email, accepts, and is then managed and removed', async () => {
    const owner = await signUp(rt, { name: 'Olive Owner' })
    const agent = await signUp(rt, { name: 'Agnes Agent' })
    const org = await createOrganization(rt, owner, { name: 'Invite Bakery' })

    const invited = await api(rt, owner, 'POST', membersPath(org.id), {
      email: agent.email.toUpperCase(),
      role: 'agent',
    })
    expect(invited.status).toBe(201)
    expect(invited.body.invitation).toMatchObject({
      email: agent.email,
      role: 'agent',
      status: 'pending',
      expired: false,
      invitedBy: 'Olive Owner',
    })
    const days = (Date.parse(invited.body.invitation.expiresAt) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(6.9)
    expect(days).toBeLessThanOrEqual(7)
    // The invitee is emailed; nobody joins without accepting.
    const mail = await lastMailTo(rt, agent.email, (t) => t.includes('Invite Bakery'))
    expect(mail.subject).toBe('Olive Owner invited you to Invite Bakery')
    expect(mail.text).toContain(`${rt.config.appUrl}/Dashboard/organizations`)
    expect((await api(rt, owner, 'GET', membersPath(org.id))).body.members).toHaveLength(1)
    expect((await api(rt, agent, 'GET', `/api/organizations/${org.id}`)).status).toBe(404)
    const pending = await api(rt, owner, 'GET', `/api/organizations/${org.id}/invitations`)
    expect(pending.body.invitations.map((i: { email: string }) => i.email)).toEqual([agent.email])

    // An unverified address can neither see nor accept invitations.
    const early = await api(rt, agent, 'GET', '/api/me/invitations')
    expect(early.status).toBe(403)
    expect(early.body.error.message).toMatch(/Verify your email/)
    expect(
      (await api(rt, agent, 'POST', `/api/me/invitations/${invited.body.invitation.id}/accept`)).status,
    ).toBe(403)

    await verifyEmail(rt, agent)
    const mine = await api(rt, agent, 'GET', '/api/me/invitations')
    expect(mine.status).toBe(200)
    expect(mine.body.invitations).toEqual([
      expect.objectContaining({
        id: invited.body.invitation.id,
        organizationId: org.id,
        organizationName: 'Invite Bakery',
        role: 'agent',
        invitedBy: 'Olive Owner',
      }),
    ])
    const accepted = await api(rt, agent, 'POST', `/api/me/invitations/${invited.body.invitation.id}/accept`)
    expect(accepted.status).toBe(200)
    expect(accepted.body.membership).toEqual({ organizationId: org.id, role: 'agent' })
    // Answered once: again is a conflict, and it is no longer listed anywhere.
    expect(
      (await api(rt, agent, 'POST', `/api/me/invitations/${invited.body.invitation.id}/accept`)).status,
    ).toBe(409)
    expect((await api(rt, agent, 'GET', '/api/me/invitations')).body.invitations).toEqual([])
    expect(
      (await api(rt, owner, 'GET', `/api/organizations/${org.id}/invitations`)).body.invitations,
    ).toEqual([])

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

  it('answers the same for registered and unknown addresses, renews a pending invitation, refuses bad input and members', async () => {
    const owner = await signUp(rt)
    const other = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const badRole = await api(rt, owner, 'POST', membersPath(org.id), {
      email: other.email,
      role: 'superuser',
    })
    expect(badRole.status).toBe(400)
    expect(badRole.body.error.details[0].path).toBe('role')
    const badEmail = await api(rt, owner, 'POST', membersPath(org.id), {
      email: 'not-an-email',
      role: 'agent',
    })
    expect(badEmail.status).toBe(400)
    expect(
      (await api(rt, owner, 'POST', membersPath(org.id), { email: other.email, role: 'agent', extra: 1 }))
        .status,
    ).toBe(400)

    // No enumeration: an address nobody signed up with gets the same answer, field for field.
    const unknownEmail = `nobody-${Date.now()}@example.test`
    const unknown = await api(rt, owner, 'POST', membersPath(org.id), { email: unknownEmail, role: 'agent' })
    const known = await api(rt, owner, 'POST', membersPath(org.id), { email: other.email, role: 'agent' })
    expect(unknown.status).toBe(201)
    expect(known.status).toBe(201)
    expect(Object.keys(unknown.body.invitation).sort()).toEqual(Object.keys(known.body.invitation).sort())
    expect({ ...unknown.body.invitation, id: 'x', email: 'x', createdAt: 'x', expiresAt: 'x' }).toEqual({
      ...known.body.invitation,
      id: 'x',
      email: 'x',
      createdAt: 'x',
      expiresAt: 'x',
    })
    expect((await lastMailTo(rt, unknownEmail)).subject).toMatch(/invited you/)

    // Inviting again renews the same invitation (new role, new expiry) instead of adding another.
    const again = await api(rt, owner, 'POST', membersPath(org.id), { email: other.email, role: 'viewer' })
    expect(again.status).toBe(201)
    expect(again.body.invitation.id).toBe(known.body.invitation.id)
    expect(again.body.invitation.role).toBe('viewer')
    const open = await api(rt, owner, 'GET', `/api/organizations/${org.id}/invitations`)
    expect(open.body.invitations).toHaveLength(2)

    await addMember(rt, owner, org.id, other, 'viewer')
    const dup = await api(rt, owner, 'POST', membersPath(org.id), { email: other.email, role: 'agent' })
    expect(dup.status).toBe(409)
    expect(dup.body.error.message).toMatch(/already a member/)
    const members = await api(rt, owner, 'GET', membersPath(org.id))
    expect(members.body.members).toHaveLength(2)
  })

  it('lets the invitee decline, the owner revoke, and lets invitations expire', async () => {
    const owner = await signUp(rt)
    const invitee = await signUp(rt)
    await verifyEmail(rt, invitee)
    const org = await createOrganization(rt, owner)
    const invite = async (role = 'agent') =>
      (await api(rt, owner, 'POST', membersPath(org.id), { email: invitee.email, role })).body.invitation
        .id as string

    const declined = await invite()
    expect((await api(rt, invitee, 'POST', `/api/me/invitations/${declined}/decline`)).status).toBe(200)
    expect((await api(rt, invitee, 'POST', `/api/me/invitations/${declined}/accept`)).status).toBe(409)
    expect((await api(rt, owner, 'GET', membersPath(org.id))).body.members).toHaveLength(1)

    const revoked = await invite()
    expect(revoked).not.toBe(declined)
    expect(
      (await api(rt, owner, 'DELETE', `/api/organizations/${org.id}/invitations/${revoked}`)).status,
    ).toBe(200)
    expect(
      (await api(rt, owner, 'DELETE', `/api/organizations/${org.id}/invitations/${revoked}`)).status,
    ).toBe(404)
    expect((await api(rt, invitee, 'GET', '/api/me/invitations')).body.invitations).toEqual([])
    const late = await api(rt, invitee, 'POST', `/api/me/invitations/${revoked}/accept`)
    expect(late.status).toBe(409)
    expect(late.body.error.message).toMatch(/revoked/)

    const expiring = await invite()
    await rt.services.db.execute(
      sql`update invitations set expires_at = now() - interval '1 minute' where id = ${expiring}`,
    )
    expect((await api(rt, invitee, 'GET', '/api/me/invitations')).body.invitations).toEqual([])
    const listed = await api(rt, owner, 'GET', `/api/organizations/${org.id}/invitations`)
    expect(listed.body.invitations).toEqual([expect.objectContaining({ id: expiring, expired: true })])
    const expired = await api(rt, invitee, 'POST', `/api/me/invitations/${expiring}/accept`)
    expect(expired.status).toBe(409)
    expect(expired.body.error.message).toMatch(/expired/)
    expect((await api(rt, owner, 'GET', membersPath(org.id))).body.members).toHaveLength(1)
    // Inviting again renews it.
    expect(await invite()).toBe(expiring)
    expect((await api(rt, invitee, 'POST', `/api/me/invitations/${expiring}/accept`)).status).toBe(200)
  })

  it('keeps invitations to their addressee and their organization', async () => {
    const owner = await signUp(rt)
    const invitee = await signUp(rt)
    const someoneElse = await signUp(rt)
    await verifyEmail(rt, someoneElse)
    const org = await createOrganization(rt, owner)
    const id = (await api(rt, owner, 'POST', membersPath(org.id), { email: invitee.email, role: 'admin' }))
      .body.invitation.id
    // Another verified account cannot see, accept or decline it.
    expect((await api(rt, someoneElse, 'GET', '/api/me/invitations')).body.invitations).toEqual([])
    expect((await api(rt, someoneElse, 'POST', `/api/me/invitations/${id}/accept`)).status).toBe(404)
    expect((await api(rt, someoneElse, 'POST', `/api/me/invitations/${id}/decline`)).status).toBe(404)
    expect((await api(rt, someoneElse, 'POST', '/api/me/invitations/not-a-uuid/accept')).status).toBe(404)
    expect((await api(rt, undefined, 'GET', '/api/me/invitations')).status).toBe(401)
    expect((await api(rt, undefined, 'POST', `/api/me/invitations/${id}/accept`)).status).toBe(401)
    // Another organization's owner cannot list or revoke it.
    const otherOrg = await createOrganization(rt, someoneElse)
    expect((await api(rt, someoneElse, 'GET', `/api/organizations/${org.id}/invitations`)).status).toBe(404)
    expect(
      (await api(rt, someoneElse, 'DELETE', `/api/organizations/${org.id}/invitations/${id}`)).status,
    ).toBe(404)
    expect(
      (await api(rt, someoneElse, 'DELETE', `/api/organizations/${otherOrg.id}/invitations/${id}`)).status,
    ).toBe(404)
    expect((await api(rt, undefined, 'GET', `/api/organizations/${org.id}/invitations`)).status).toBe(401)
    expect(
      (await api(rt, undefined, 'DELETE', `/api/organizations/${org.id}/invitations/${id}`)).status,
    ).toBe(401)
    // Still open for the addressee.
    await verifyEmail(rt, invitee)
    expect((await api(rt, invitee, 'POST', `/api/me/invitations/${id}/accept`)).body.membership.role).toBe(
      'admin',
    )
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
    expect(
      (await api(rt, owner, 'PATCH', `${membersPath(org.id)}/${owner.id}`, { role: 'admin' })).status,
    ).toBe(200)
    expect(
      (await api(rt, second, 'PATCH', `${membersPath(org.id)}/${second.id}`, { role: 'viewer' })).status,
    ).toBe(409)
  })

  it('lets an admin manage members except owners', async () => {
    const owner = await signUp(rt)
    const admin = await signUp(rt)
    const newcomer = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await addMember(rt, owner, org.id, admin, 'admin')
    expect(
      (await api(rt, admin, 'POST', membersPath(org.id), { email: newcomer.email, role: 'owner' })).status,
    ).toBe(403)
    // An owner invitation is the owner's to withdraw.
    const ownerInvite = await api(rt, owner, 'POST', membersPath(org.id), {
      email: `future-owner-${Date.now()}@example.test`,
      role: 'owner',
    })
    expect(
      (
        await api(
          rt,
          admin,
          'DELETE',
          `/api/organizations/${org.id}/invitations/${ownerInvite.body.invitation.id}`,
        )
      ).status,
    ).toBe(403)
    expect((await api(rt, admin, 'GET', `/api/organizations/${org.id}/invitations`)).status).toBe(200)
    await addMember(rt, admin, org.id, newcomer, 'agent')
    expect(
      (await api(rt, admin, 'PATCH', `${membersPath(org.id)}/${newcomer.id}`, { role: 'viewer' })).status,
    ).toBe(200)
    expect(
      (await api(rt, admin, 'PATCH', `${membersPath(org.id)}/${owner.id}`, { role: 'viewer' })).status,
    ).toBe(403)
    expect((await api(rt, admin, 'DELETE', `${membersPath(org.id)}/${owner.id}`)).status).toBe(403)
  })

  it('enforces sessions, tenancy and roles', async () => {
    const owner = await signUp(rt)
    const viewer = await signUp(rt)
    const stranger = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await addMember(rt, owner, org.id, viewer, 'viewer')
    expect((await api(rt, undefined, 'GET', membersPath(org.id))).status).toBe(401)
    expect(
      (await api(rt, undefined, 'POST', membersPath(org.id), { email: stranger.email, role: 'agent' }))
        .status,
    ).toBe(401)
    expect((await api(rt, stranger, 'GET', membersPath(org.id))).status).toBe(404)
    expect(
      (await api(rt, stranger, 'POST', membersPath(org.id), { email: stranger.email, role: 'owner' })).status,
    ).toBe(404)
    expect((await api(rt, stranger, 'DELETE', `${membersPath(org.id)}/${viewer.id}`)).status).toBe(404)
    expect(
      (await api(rt, viewer, 'POST', membersPath(org.id), { email: stranger.email, role: 'agent' })).status,
    ).toBe(403)
    expect(
      (await api(rt, viewer, 'PATCH', `${membersPath(org.id)}/${viewer.id}`, { role: 'owner' })).status,
    ).toBe(403)
    expect((await api(rt, viewer, 'GET', `/api/organizations/${org.id}/invitations`)).status).toBe(403)
    const pending = await api(rt, owner, 'POST', membersPath(org.id), {
      email: stranger.email,
      role: 'agent',
    })
    expect(
      (
        await api(
          rt,
          viewer,
          'DELETE',
          `/api/organizations/${org.id}/invitations/${pending.body.invitation.id}`,
        )
      ).status,
    ).toBe(403)
    expect(
      (await api(rt, owner, 'GET', `/api/organizations/${org.id}/invitations`)).body.invitations,
    ).toHaveLength(1)
    // A member may always leave.
    expect((await api(rt, viewer, 'DELETE', `${membersPath(org.id)}/${viewer.id}`)).status).toBe(200)
  })
})
