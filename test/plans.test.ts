import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../src/server/config.js'
import { nth } from './support/defined.js'
import {
  addMember,
  api,
  createOrganization,
  factoryOperator,
  signUp,
  type TestUser,
  verifyEmail,
} from './support/factories.js'
import { type FakeTwilio, startFakeTwilio, twilioEnv } from './support/fake-twilio.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'

// Plans, limits and per-account caps are not self-service: the operator sets plans, and an
// account's organizations, numbers and purchase attempts are capped (defaults: 5, 2, 5 an hour).
let fake: FakeTwilio
let rt: TestRuntime
const OPERATOR = 'plans-operator@example.test'

beforeAll(async () => {
  fake = await startFakeTwilio()
  rt = await startTestRuntime({
    env: {
      ...twilioEnv(fake),
      OPERATOR_EMAILS: OPERATOR,
    },
  })
})
afterAll(async () => {
  await rt?.close()
  await fake?.close()
})

const purchases = () =>
  fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/IncomingPhoneNumbers.json'))
const planPath = (orgId: string) => `/api/admin/organizations/${orgId}/plan`
const orgOf = async (user: TestUser, orgId: string) =>
  (await api(rt, user, 'GET', `/api/organizations/${orgId}`)).body.organization
let searchOffset = 0
/** Distinct available numbers for each call, so tests never reach for the same one. */
async function availableNumbers(user: TestUser, n: number) {
  const res = await api(rt, user, 'GET', '/api/organizations/search-numbers?country=US&type=local&limit=50')
  expect(res.status).toBe(200)
  const numbers = (res.body.numbers as { phoneNumber: string }[])
    .slice(searchOffset, searchOffset + n)
    .map((x) => x.phoneNumber)
  searchOffset += n
  expect(numbers).toHaveLength(n)
  return numbers
}
const provision = (user: TestUser, orgId: string, phoneNumber: string) =>
  api(rt, user, 'POST', `/api/organizations/${orgId}/provision-number`, { phoneNumber })

describe('plans are set by the operator', () => {
  it('starts every new organization on starter and refuses a plan or limit from members', async () => {
    const owner = await signUp(rt)
    const before = (await api(rt, owner, 'GET', '/api/organizations')).body.organizations.length
    for (const body of [
      { name: 'Greedy', planType: 'enterprise' },
      { name: 'Greedy', monthlyMessageLimit: 10_000_000 },
      { name: 'Greedy', planType: 'enterprise', monthlyMessageLimit: 10_000_000 },
    ]) {
      const res = await api(rt, owner, 'POST', '/api/organizations', body)
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
      expect(res.body.error.details[0].message).toMatch(/read-only.*changed by the platform operator/)
    }
    expect((await api(rt, owner, 'GET', '/api/organizations')).body.organizations).toHaveLength(before)

    const created = await api(rt, owner, 'POST', '/api/organizations', { name: 'Honest Shop' })
    expect(created.status).toBe(201)
    expect(created.body.organization).toMatchObject({ planType: 'starter', monthlyMessageLimit: 500 })
    const patch = await api(rt, owner, 'PATCH', `/api/organizations/${created.body.organization.id}`, {
      monthlyMessageLimit: 0,
    })
    expect(patch.status).toBe(400)
    expect(patch.body.error.details[0].message).toMatch(/monthlyMessageLimit/)
  })

  it('lets an operator change the plan and the limit, recorded with who did it', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { name: 'Upgraded Bakery' })
    const operator = await factoryOperator(rt)

    const business = await api(rt, operator, 'PATCH', planPath(org.id), { planType: 'business' })
    expect(business.status).toBe(200)
    expect(business.body.organization).toMatchObject({
      id: org.id,
      planType: 'business',
      monthlyMessageLimit: 2000,
      monthlyMessageLimitOverride: null,
      owners: [owner.email],
    })
    expect(await orgOf(owner, org.id)).toMatchObject({ planType: 'business', monthlyMessageLimit: 2000 })

    const override = await api(rt, operator, 'PATCH', planPath(org.id), { monthlyMessageLimit: 42 })
    expect(override.body.organization).toMatchObject({ planType: 'business', monthlyMessageLimit: 42 })
    expect((await orgOf(owner, org.id)).monthlyMessageLimit).toBe(42)

    const both = await api(rt, operator, 'PATCH', planPath(org.id), {
      planType: 'enterprise',
      monthlyMessageLimit: null,
    })
    expect(both.body.organization).toMatchObject({
      planType: 'enterprise',
      monthlyMessageLimit: 10000,
      monthlyMessageLimitOverride: null,
    })
    expect(both.body.organization.planChanges).toEqual([
      expect.objectContaining({
        changedBy: operator.email,
        fromPlan: 'starter',
        toPlan: 'business',
        fromLimitOverride: null,
        toLimitOverride: null,
      }),
      expect.objectContaining({
        changedBy: operator.email,
        fromPlan: 'business',
        toPlan: 'business',
        toLimitOverride: 42,
      }),
      expect.objectContaining({
        fromPlan: 'business',
        fromLimitOverride: 42,
        toPlan: 'enterprise',
        toLimitOverride: null,
      }),
    ])

    const listed = await api(
      rt,
      operator,
      'GET',
      `/api/admin/organizations?search=${encodeURIComponent('Upgraded Bak')}`,
    )
    expect(listed.status).toBe(200)
    expect(listed.body.organizations.map((o: { id: string }) => o.id)).toEqual([org.id])
    expect(listed.body.organizations[0].planChanges).toHaveLength(3)
  })

  it.each([
    ['an unknown plan', { planType: 'platinum' }, 'planType'],
    ['a negative limit', { monthlyMessageLimit: -1 }, 'monthlyMessageLimit'],
    ['a fractional limit', { monthlyMessageLimit: 1.5 }, 'monthlyMessageLimit'],
    ['a limit over 10,000,000', { monthlyMessageLimit: 10_000_001 }, 'monthlyMessageLimit'],
    ['an empty change', {}, ''],
    ['an unknown field', { planType: 'business', colour: 'gold' }, ''],
  ])('refuses %s with a 400 and changes nothing', async (_label, body, path) => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const res = await api(rt, await factoryOperator(rt), 'PATCH', planPath(org.id), body)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('BAD_REQUEST')
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path)
    expect(await orgOf(owner, org.id)).toMatchObject({ planType: 'starter', monthlyMessageLimit: 500 })
  })

  it('documents the operator routes with their error statuses', async () => {
    const doc = await (await rt.request('/api/openapi.json')).json()
    const plan = doc.paths['/api/admin/organizations/{id}/plan'].patch
    expect(Object.keys(plan.responses).sort()).toEqual(['200', '400', '401', '403', '404', '413', '429'])
    expect(Object.keys(doc.paths['/api/admin/organizations'].get.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '413',
      '429',
    ])
    expect(Object.keys(doc.paths['/api/organizations'].post.responses)).toContain('409')
  })

  it('answers 404 for an organization that does not exist or is not a business', async () => {
    const operator = await factoryOperator(rt)
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await api(rt, operator, 'PATCH', planPath(id), { planType: 'business' })
      expect(res.status).toBe(404)
      expect(res.body.error.code).toBe('NOT_FOUND')
    }
  })

  it('refuses everyone but a verified operator: 401 without a session, 403 for members and unverified operator emails', async () => {
    const owner = await signUp(rt)
    const admin = await signUp(rt)
    const stranger = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await addMember(rt, owner, org.id, admin, 'admin')
    const body = { planType: 'enterprise', monthlyMessageLimit: 10_000_000 }

    const anonymous = await api(rt, undefined, 'PATCH', planPath(org.id), body)
    expect(anonymous.status).toBe(401)
    expect(anonymous.body.error.code).toBe('UNAUTHORIZED')
    expect((await api(rt, undefined, 'GET', '/api/admin/organizations')).status).toBe(401)
    for (const user of [owner, admin, stranger]) {
      const res = await api(rt, user, 'PATCH', planPath(org.id), body)
      expect(res.status).toBe(403)
      expect(res.body.error).toEqual({ code: 'FORBIDDEN', message: expect.stringMatching(/operators/) })
      expect((await api(rt, user, 'GET', '/api/admin/organizations')).status).toBe(403)
    }
    // An address in OPERATOR_EMAILS is an operator only once its owner proved it.
    const claimant = await signUp(rt, { email: OPERATOR })
    expect((await api(rt, claimant, 'PATCH', planPath(org.id), body)).status).toBe(403)
    await verifyEmail(rt, claimant)
    expect((await api(rt, claimant, 'PATCH', planPath(org.id), { planType: 'business' })).status).toBe(200)
    expect(await orgOf(owner, org.id)).toMatchObject({ planType: 'business', monthlyMessageLimit: 2000 })
  })
})

describe('per-account caps', () => {
  it('are configured by MAX_ORGANIZATIONS_PER_USER, MAX_NUMBERS_PER_USER and PROVISIONING_ATTEMPTS_PER_HOUR', () => {
    const DATA_DIR = mkdtempSync(join(tmpdir(), 'wa-plans-config-'))
    expect(parseConfig({ DATA_DIR }).accountLimits).toEqual({
      organizationsPerUser: 5,
      numbersPerUser: 2,
      provisioningAttemptsPerHour: 5,
    })
    expect(
      parseConfig({
        DATA_DIR,
        MAX_ORGANIZATIONS_PER_USER: '20',
        MAX_NUMBERS_PER_USER: '0',
        PROVISIONING_ATTEMPTS_PER_HOUR: '30',
      }).accountLimits,
    ).toEqual({ organizationsPerUser: 20, numbersPerUser: 0, provisioningAttemptsPerHour: 30 })
    for (const [name, value] of [
      ['MAX_ORGANIZATIONS_PER_USER', '0'],
      ['MAX_NUMBERS_PER_USER', '-1'],
      ['PROVISIONING_ATTEMPTS_PER_HOUR', 'lots'],
    ] as const) {
      expect(() => parseConfig({ DATA_DIR, [name]: value }), name).toThrow(ConfigError)
      expect(() => parseConfig({ DATA_DIR, [name]: value }), name).toThrow(new RegExp(name))
    }
  })

  it('lets an account own at most 5 organizations, even when it asks for them all at once', async () => {
    const owner = await signUp(rt)
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api(rt, owner, 'POST', '/api/organizations', { name: `Burst ${i}` }),
      ),
    )
    expect(results.filter((r) => r.status === 201)).toHaveLength(5)
    const refused = results.filter((r) => r.status !== 201)
    expect(refused).toHaveLength(3)
    for (const r of refused) {
      expect(r.status).toBe(409)
      expect(r.body.error).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(/at most 5 organizations/),
        details: { limit: 'MAX_ORGANIZATIONS_PER_USER', max: 5 },
      })
    }
    const mine = (await api(rt, owner, 'GET', '/api/organizations')).body.organizations
    expect(mine).toHaveLength(5)

    // Being a member elsewhere does not count; deleting one of your own frees a place.
    const other = await signUp(rt)
    const theirs = await createOrganization(rt, other)
    await addMember(rt, other, theirs.id, owner, 'admin')
    expect((await api(rt, owner, 'POST', '/api/organizations', { name: 'Sixth' })).status).toBe(409)
    expect((await api(rt, owner, 'DELETE', `/api/organizations/${mine[0].id}`)).status).toBe(200)
    expect((await api(rt, owner, 'POST', '/api/organizations', { name: 'Fifth again' })).status).toBe(201)
  })

  it('exempts operators from the organization cap', async () => {
    const operator = await factoryOperator(rt)
    for (let i = 0; i < 6; i++) {
      expect(
        (await api(rt, operator, 'POST', '/api/organizations', { name: `Operator org ${i}` })).status,
      ).toBe(201)
    }
  })

  it('holds an account to 2 live numbers across the organizations it owns, whoever provisions', async () => {
    const owner = await signUp(rt)
    const [a, b, c] = [
      await createOrganization(rt, owner),
      await createOrganization(rt, owner),
      await createOrganization(rt, owner),
    ]
    const numbers = await availableNumbers(owner, 3)
    const [n1, n2, n3] = [nth(numbers, 0), nth(numbers, 1), nth(numbers, 2)]
    expect((await provision(owner, a.id, n1)).status).toBe(202)
    expect((await provision(owner, b.id, n2)).status).toBe(202)

    const bought = purchases().length
    const third = await provision(owner, c.id, n3)
    expect(third.status).toBe(409)
    expect(third.body.error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/at most 2 live numbers/),
      details: { limit: 'MAX_NUMBERS_PER_USER', max: 2 },
    })
    // An admin the owner added is held to the owner's cap too.
    const admin = await signUp(rt)
    await addMember(rt, owner, c.id, admin, 'admin')
    expect((await provision(admin, c.id, n3)).status).toBe(409)
    expect(purchases().length).toBe(bought)
    expect((await api(rt, owner, 'GET', `/api/organizations/${c.id}/numbers`)).body.numbers).toEqual([])

    // Releasing one frees a place.
    expect((await api(rt, owner, 'DELETE', `/api/organizations/${a.id}/provision-number`)).status).toBe(200)
    expect((await provision(admin, c.id, n3)).status).toBe(202)
  })

  it('counts numbers provisioned at the same time in different organizations one after the other', async () => {
    const owner = await signUp(rt)
    const orgs = [
      await createOrganization(rt, owner),
      await createOrganization(rt, owner),
      await createOrganization(rt, owner),
    ]
    const numbers = await availableNumbers(owner, 3)
    const bought = purchases().length
    const results = await Promise.all(orgs.map((o, i) => provision(owner, o.id, nth(numbers, i))))
    expect(results.map((r) => r.status).sort()).toEqual([202, 202, 409])
    expect(purchases().length - bought).toBe(2)
  })

  it('exempts operators from the number cap', async () => {
    const owner = await signUp(rt)
    const orgs = [
      await createOrganization(rt, owner),
      await createOrganization(rt, owner),
      await createOrganization(rt, owner),
    ]
    const numbers = await availableNumbers(owner, 3)
    expect((await provision(owner, nth(orgs, 0).id, nth(numbers, 0))).status).toBe(202)
    expect((await provision(owner, nth(orgs, 1).id, nth(numbers, 1))).status).toBe(202)
    const operator = await factoryOperator(rt)
    await addMember(rt, owner, nth(orgs, 2).id, operator, 'admin')
    expect((await provision(operator, nth(orgs, 2).id, nth(numbers, 2))).status).toBe(202)
  })

  it('throttles purchase attempts to 5 an hour per organization, refused ones included', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const other = await createOrganization(rt, owner)
    const numbers = await availableNumbers(owner, 2)
    fake.failNext(
      { method: 'POST', pathIncludes: '/IncomingPhoneNumbers.json' },
      { status: 400, body: { code: 21422, message: 'PhoneNumber is not available' } },
      5,
    )
    for (let i = 0; i < 5; i++) expect((await provision(owner, org.id, nth(numbers, 0))).status).toBe(409)

    const bought = purchases().length
    const throttled = await provision(owner, org.id, nth(numbers, 0))
    expect(throttled.status).toBe(429)
    expect(throttled.body.error).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/At most 5 number purchases per organization per hour/),
      details: { limit: 'PROVISIONING_ATTEMPTS_PER_HOUR', max: 5 },
    })
    const retryAfter = Number(throttled.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(3000)
    expect(retryAfter).toBeLessThanOrEqual(3600)
    expect(purchases().length).toBe(bought)
    expect((await api(rt, owner, 'GET', `/api/organizations/${org.id}/numbers`)).body.numbers).toEqual([])

    // Another organization has its own allowance; an operator is not throttled.
    expect((await provision(owner, other.id, nth(numbers, 1))).status).toBe(202)
    const operator = await factoryOperator(rt)
    await addMember(rt, owner, org.id, operator, 'admin')
    expect((await provision(operator, org.id, nth(numbers, 0))).status).toBe(202)
  })
})
