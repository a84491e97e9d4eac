import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { organizations, planChanges } from '../src/server/db/schema/index.js'
import { PLANS } from '../src/shared/plans.js'
import { first } from './support/defined.js'
import { addMember, api, createOrganization, signUp } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { giveActiveNumber } from './support/whatsapp.js'

// Billing without a provider (issue 17): GET …/billing, and owners switching plans freely with
// PUT …/billing/plan (downgrades refused while more live numbers are held than the plan allows).
let rt: TestRuntime

beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

const billingPath = (orgId: string) => `/api/organizations/${orgId}/billing`
const planPath = (orgId: string) => `/api/organizations/${orgId}/billing/plan`
const orgRow = async (orgId: string) =>
  first(await rt.services.db.select().from(organizations).where(eq(organizations.id, orgId)))
const changesOf = (orgId: string) =>
  rt.services.db.select().from(planChanges).where(eq(planChanges.organizationId, orgId))

describe('GET /api/organizations/{id}/billing', () => {
  it('shows billing off, the plan, its entitlements, every plan and the usage', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await giveActiveNumber(rt, org.id)
    expect(
      (
        await api(rt, owner, 'POST', `/api/organizations/${org.id}/knowledge`, {
          kind: 'text',
          title: 'Hours',
          content: 'We open at nine.',
        })
      ).status,
    ).toBe(201)
    await rt.services.db.execute(sql`
      insert into monthly_usage (organization_id, month, message_count)
      values (${org.id}, to_char(now() at time zone 'UTC', 'YYYY-MM'), 7)`)
    const res = await api(rt, owner, 'GET', billingPath(org.id))
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.billing).toEqual({
      enabled: false,
      provider: null,
      subscription: null,
      paymentIssue: null,
      overage: { available: false, mode: 'refuse', cap: 0, allowance: 0 },
      extraNumbers: { available: false, billed: 0 },
    })
    expect(res.body.planType).toBe('starter')
    expect(res.body.plans).toEqual(JSON.parse(JSON.stringify(PLANS)))
    expect(res.body.entitlements).toMatchObject({
      planType: 'starter',
      monthlyMessages: 500,
      numbers: 1,
      knowledge: PLANS.starter.knowledge,
      features: PLANS.starter.features,
      overridden: { monthlyMessages: false, numbers: false, maxTotalChars: false, features: [] },
    })
    expect(res.body.usage).toEqual({
      messagesUsed: 7,
      overageUsed: 0,
      messagesLimit: 500,
      numbersUsed: 1,
      numbersLimit: 1,
      knowledgeSources: 1,
      knowledgeChars: 'We open at nine.'.length,
    })
  })

  it('is readable by every member; 401 without a session, 404 for another tenant', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    for (const role of ['admin', 'agent', 'viewer']) {
      const member = await signUp(rt)
      await addMember(rt, owner, org.id, member, role)
      expect((await api(rt, member, 'GET', billingPath(org.id))).status, role).toBe(200)
    }
    expect((await api(rt, undefined, 'GET', billingPath(org.id))).status).toBe(401)
    const stranger = await signUp(rt)
    expect((await api(rt, stranger, 'GET', billingPath(org.id))).status).toBe(404)
  })
})

describe('PUT /api/organizations/{id}/billing/plan', () => {
  it('upgrades and downgrades freely, with a plan_changes row and a plan.changed audit entry each', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const up = await api(rt, owner, 'PUT', planPath(org.id), { planType: 'enterprise' })
    expect(up.status, JSON.stringify(up.body)).toBe(200)
    expect(up.body.planType).toBe('enterprise')
    expect(up.body.entitlements).toMatchObject({ numbers: 5, features: { apiAccess: true, webhooks: true } })
    expect((await orgRow(org.id)).planType).toBe('enterprise')
    const down = await api(rt, owner, 'PUT', planPath(org.id), { planType: 'business' })
    expect(down.status).toBe(200)
    expect(down.body.entitlements.features).toMatchObject({ businessHours: true, apiAccess: false })
    // The same plan again changes nothing and records nothing.
    expect((await api(rt, owner, 'PUT', planPath(org.id), { planType: 'business' })).status).toBe(200)
    const changes = await changesOf(org.id)
    expect(changes.map((c) => [c.fromPlan, c.toPlan, c.changedByEmail])).toEqual([
      ['starter', 'enterprise', owner.email],
      ['enterprise', 'business', owner.email],
    ])
    const audit = await api(rt, owner, 'GET', `/api/organizations/${org.id}/audit-log`)
    const entries = (audit.body.entries as { action: string; details: Record<string, any> }[]).filter(
      (e) => e.action === 'plan.changed',
    )
    expect(entries).toHaveLength(2)
    expect(entries.map((e) => e.details.to.planType).sort()).toEqual(['business', 'enterprise'])
    expect((await api(rt, owner, 'GET', billingPath(org.id))).body.planType).toBe('business')
  })

  it('refuses a downgrade below the live numbers with NUMBERS_OVER_PLAN, changing nothing', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { planType: 'enterprise' })
    const a = await giveActiveNumber(rt, org.id)
    const b = await giveActiveNumber(rt, org.id)
    const before = await changesOf(org.id)
    const res = await api(rt, owner, 'PUT', planPath(org.id), { planType: 'business' })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('CONFLICT')
    expect(res.body.error.details.reason).toBe('NUMBERS_OVER_PLAN')
    expect(res.body.error.details.allowed).toBe(1)
    expect(
      (res.body.error.details.numbers as { phoneNumber: string }[]).map((n) => n.phoneNumber).sort(),
    ).toEqual([a, b].sort())
    expect((await orgRow(org.id)).planType).toBe('enterprise')
    expect(await changesOf(org.id)).toHaveLength(before.length)
  })

  it('is for owners: admin, agent and viewer 403; no session 401; another tenant 404; nothing changes', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    for (const role of ['admin', 'agent', 'viewer']) {
      const member = await signUp(rt)
      await addMember(rt, owner, org.id, member, role)
      expect((await api(rt, member, 'PUT', planPath(org.id), { planType: 'enterprise' })).status, role).toBe(
        403,
      )
    }
    expect((await api(rt, undefined, 'PUT', planPath(org.id), { planType: 'enterprise' })).status).toBe(401)
    const stranger = await signUp(rt)
    expect((await api(rt, stranger, 'PUT', planPath(org.id), { planType: 'enterprise' })).status).toBe(404)
    expect((await orgRow(org.id)).planType).toBe('starter')
    expect(await changesOf(org.id)).toHaveLength(0)
  })

  it('answers 400 in the error shape for bad input, changing nothing', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    for (const body of [
      {},
      { planType: 'platinum' },
      { planType: 'business', monthlyMessageLimit: 9 },
      null,
    ]) {
      const res = await api(rt, owner, 'PUT', planPath(org.id), body as Record<string, unknown>)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
    }
    expect((await orgRow(org.id)).planType).toBe('starter')
    expect(await changesOf(org.id)).toHaveLength(0)
  })
})

describe('Stripe routes with billing off', () => {
  it('Checkout, the portal, sync and overage answer 409 BILLING_OFF; the webhook is 404; nothing is made', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const calls: [string, string, unknown?][] = [
      ['POST', '/checkout', { planType: 'business' }],
      ['POST', '/portal'],
      ['POST', '/sync'],
      ['PUT', '/overage', { mode: 'bill', cap: 10 }],
    ]
    for (const [method, suffix, body] of calls) {
      const res = await api(rt, owner, method, `${billingPath(org.id)}${suffix}`, body)
      expect(res.status, suffix).toBe(409)
      expect(res.body.error.details.reason, suffix).toBe('BILLING_OFF')
    }
    expect((await api(rt, owner, 'GET', `${billingPath(org.id)}/invoices`)).body).toEqual({ invoices: [] })
    expect((await api(rt, owner, 'GET', `${billingPath(org.id)}/upcoming`)).body).toEqual({ upcoming: null })
    const hook = await rt.request('/api/billing/stripe/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
      body: '{}',
    })
    expect(hook.status).toBe(404)
    expect((await orgRow(org.id)).planType).toBe('starter')
  })
})
