import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addMember, api, createOrganization, signUp } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, uniquePhone } from './support/whatsapp.js'

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

const kigaliHours = {
  enabled: true,
  timezone: 'Africa/Kigali',
  schedule: { monday: [{ open: '08:00', close: '18:00' }], sunday: [] },
  outOfHoursMessage: 'We are closed; we open at 8:00.',
}

describe('organizations API', () => {
  it('creates, lists, reads, updates and deletes an organization', async () => {
    const owner = await signUp(rt)
    const created = await api(rt, owner, 'POST', '/api/organizations', {
      name: 'Inzozi Bakery',
      description: 'Bread and cakes',
      industry: 'Food',
      welcomeMessage: 'Muraho!',
      businessHours: kigaliHours,
      ai: { tone: 'friendly', language: 'en' },
    })
    expect(created.status).toBe(201)
    const org = created.body.organization
    expect(org).toMatchObject({
      name: 'Inzozi Bakery',
      industry: 'Food',
      whatsappNumber: null,
      numberStatus: 'none',
      planType: 'starter',
      monthlyMessageLimit: 500,
      monthlyMessageCount: 0,
      totalConversations: 0,
      welcomeMessage: 'Muraho!',
      businessHours: kigaliHours,
      isModelTrained: false,
      trainingStatus: 'untrained',
      role: 'owner',
    })
    expect(new Date(org.lastResetDate).toISOString()).toBe(org.lastResetDate)

    const list = await api(rt, owner, 'GET', '/api/organizations')
    expect(list.status).toBe(200)
    expect(list.body.organizations.map((o: { id: string }) => o.id)).toEqual([org.id])

    const patched = await api(rt, owner, 'PATCH', `/api/organizations/${org.id}`, {
      welcomeMessage: 'Welcome!',
    })
    expect(patched.status).toBe(200)
    expect(patched.body.organization).toMatchObject({
      planType: 'starter',
      monthlyMessageLimit: 500,
      welcomeMessage: 'Welcome!',
    })

    const got = await api(rt, owner, 'GET', `/api/organizations/${org.id}`)
    expect(got.body.organization.welcomeMessage).toBe('Welcome!')

    const del = await api(rt, owner, 'DELETE', `/api/organizations/${org.id}`)
    expect(del.status).toBe(200)
    expect((await api(rt, owner, 'GET', `/api/organizations/${org.id}`)).status).toBe(404)
  })

  it('shows the model that answers and when the last customer message arrived (simulator excluded)', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { welcomeMessage: '' })
    const path = `/api/organizations/${org.id}`
    const view = (await api(rt, owner, 'GET', path)).body.organization
    // No model provider key on this platform: the built-in responder answers, chosen or not.
    expect(view.aiModel).toEqual({
      effective: { provider: 'builtin', model: 'builtin' },
      default: { provider: 'builtin', model: 'builtin' },
    })
    expect(view.lastInboundAt).toBeNull()

    const number = await giveActiveNumber(rt, org.id)
    const from = uniquePhone()
    const simulated = await api(rt, owner, 'POST', `${path}/simulator/messages`, { from, body: 'Hello' })
    expect(simulated.status).toBe(202)
    await waitFor(
      async () =>
        (await api(rt, owner, 'GET', `${path}/simulator/messages?from=${encodeURIComponent(from)}`)).body
          .messages.length >= 2,
      { what: 'the simulated message answered' },
    )
    // Only real messages count: the simulator's is no proof that Twilio reaches the platform.
    const params = inboundParams({ from: uniquePhone(), to: number, body: 'Hello for real' })
    const beforeReal = Date.now()
    expect((await api(rt, owner, 'GET', path)).body.organization.lastInboundAt).toBeNull()
    expect((await postTwilio(rt, '/api/whatsapp/webhook', params)).status).toBe(200)
    const seen = await waitFor(
      async () => (await api(rt, owner, 'GET', path)).body.organization.lastInboundAt ?? null,
      { what: 'lastInboundAt' },
    )
    expect(Date.parse(seen)).toBeGreaterThanOrEqual(beforeReal - 1000)
    const listed = (await api(rt, owner, 'GET', '/api/organizations')).body.organizations
    expect(listed.find((o: { id: string }) => o.id === org.id).lastInboundAt).toBe(seen)
  })

  it.each([
    [
      'unknown time zone',
      { businessHours: { ...kigaliHours, timezone: 'Mars/Olympus' } },
      'businessHours.timezone',
    ],
    [
      'overlapping intervals',
      {
        businessHours: {
          ...kigaliHours,
          schedule: {
            monday: [
              { open: '08:00', close: '12:00' },
              { open: '11:00', close: '14:00' },
            ],
          },
        },
      },
      'businessHours.schedule.monday.1',
    ],
    [
      'an inverted interval that is not the last of the day',
      {
        businessHours: {
          ...kigaliHours,
          schedule: {
            monday: [
              { open: '20:00', close: '02:00' },
              { open: '21:00', close: '22:00' },
            ],
          },
        },
      },
      'businessHours.schedule.monday.0',
    ],
    ['the plan (the operator changes it)', { planType: 'enterprise' }, ''],
    ['the monthly limit (the operator changes it)', { monthlyMessageLimit: 10_000_000 }, ''],
    ['clearing the monthly limit', { monthlyMessageLimit: null }, ''],
    ['a welcome message over 1,024 characters', { welcomeMessage: 'x'.repeat(1025) }, 'welcomeMessage'],
    ['unknown fields', { colour: 'blue' }, ''],
    ['read-only fields', { whatsappNumber: '+250788111111' }, ''],
  ])('refuses %s with a 400 naming the field and changes nothing', async (_label, patch, path) => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const res = await api(rt, owner, 'PATCH', `/api/organizations/${org.id}`, { name: 'Changed', ...patch })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('BAD_REQUEST')
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path)
    const after = await api(rt, owner, 'GET', `/api/organizations/${org.id}`)
    expect(after.body.organization.name).toBe(org.name)
  })

  it('accepts an interval that crosses midnight', async () => {
    const owner = await signUp(rt)
    // Business hours need the Business plan (issue 17).
    const org = await createOrganization(rt, owner, { planType: 'business' })
    const res = await api(rt, owner, 'PATCH', `/api/organizations/${org.id}`, {
      businessHours: { ...kigaliHours, schedule: { friday: [{ open: '18:00', close: '02:00' }] } },
    })
    expect(res.status).toBe(200)
    expect(res.body.organization.businessHours.schedule.friday).toEqual([{ open: '18:00', close: '02:00' }])
  })

  it('refuses malformed JSON and a body over 1 MB', async () => {
    const owner = await signUp(rt)
    const bad = await api(rt, owner, 'POST', '/api/organizations', '{"name": ')
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('BAD_REQUEST')
    const huge = await api(rt, owner, 'POST', '/api/organizations', {
      name: 'x',
      description: 'y'.repeat(1024 * 1024 + 10),
    })
    expect(huge.status).toBe(413)
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE')
    expect(huge.body.error.message).toMatch(/larger than 1 MB/)
    const list = await api(rt, owner, 'GET', '/api/organizations')
    expect(list.body.organizations).toEqual([])
  })

  it('requires a session', async () => {
    expect((await api(rt, undefined, 'GET', '/api/organizations')).status).toBe(401)
    expect((await api(rt, undefined, 'POST', '/api/organizations', { name: 'x' })).status).toBe(401)
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const res = await api(rt, undefined, 'PATCH', `/api/organizations/${org.id}`, { name: 'y' })
    expect(res.status).toBe(401)
    expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } })
  })

  it("hides another tenant's organization behind a 404 for reads and writes", async () => {
    const alice = await signUp(rt)
    const mallory = await signUp(rt)
    const org = await createOrganization(rt, alice, { name: 'Alice Clinic' })
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { name: 'pwned' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await api(rt, mallory, method, `/api/organizations/${org.id}`, body)
      expect(res.status).toBe(404)
      expect(JSON.stringify(res.body)).not.toContain('Alice Clinic')
    }
    expect((await api(rt, mallory, 'GET', '/api/organizations')).body.organizations).toEqual([])
    expect((await api(rt, alice, 'GET', `/api/organizations/${org.id}`)).body.organization.name).toBe(
      'Alice Clinic',
    )
  })

  it("lets a viewer read but not write, and keeps the plan out of every member's reach", async () => {
    const owner = await signUp(rt)
    const viewer = await signUp(rt)
    const admin = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await addMember(rt, owner, org.id, viewer, 'viewer')
    await addMember(rt, owner, org.id, admin, 'admin')
    const read = await api(rt, viewer, 'GET', `/api/organizations/${org.id}`)
    expect(read.status).toBe(200)
    expect(read.body.organization.role).toBe('viewer')
    expect((await api(rt, viewer, 'PATCH', `/api/organizations/${org.id}`, { name: 'v' })).status).toBe(403)
    expect((await api(rt, viewer, 'DELETE', `/api/organizations/${org.id}`)).status).toBe(403)
    expect((await api(rt, admin, 'PATCH', `/api/organizations/${org.id}`, { name: 'Renamed' })).status).toBe(
      200,
    )
    // Neither an admin nor the owner changes the plan (the operator does; see plans.test.ts).
    for (const member of [admin, owner]) {
      const plan = await api(rt, member, 'PATCH', `/api/organizations/${org.id}`, { planType: 'enterprise' })
      expect(plan.status).toBe(400)
      expect(plan.body.error.details[0].message).toMatch(/planType.*platform operator/)
    }
    expect((await api(rt, owner, 'GET', `/api/organizations/${org.id}`)).body.organization.planType).toBe(
      'starter',
    )
    expect((await api(rt, admin, 'DELETE', `/api/organizations/${org.id}`)).status).toBe(403)
  })
})
