import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { knowledgeSources } from '../src/server/db/schema/index.js'
import { PLANS } from '../src/shared/plans.js'
import { first } from './support/defined.js'
import { api, createOrganization, factoryOperator, signUp, type TestUser } from './support/factories.js'
import { startTwilioTestRuntime, type TwilioTestRuntime } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, repliesTo, uniquePhone } from './support/whatsapp.js'

// The entitlement matrix (issue 17): each plan × each gate of business hours, numbers and
// knowledge; an operator's override; business hours ignored after a downgrade.
let rt: TwilioTestRuntime

beforeAll(async () => {
  rt = await startTwilioTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

const PLAN_LIST = ['starter', 'business', 'enterprise'] as const
type Plan = (typeof PLAN_LIST)[number]
const MB = 1024 * 1024
const kb = (orgId: string) => `/api/organizations/${orgId}/knowledge`

async function orgOn(planType: Plan, input: Record<string, unknown> = {}) {
  const owner = await signUp(rt)
  const org = await createOrganization(rt, owner, { planType, ...input })
  return { owner, org }
}

function expectPlanRequired(res: { status: number; body: any }, feature: string, requiredPlan: Plan) {
  expect(res.status, JSON.stringify(res.body)).toBe(402)
  expect(res.body.error).toMatchObject({ code: 'PLAN_REQUIRED', details: { feature, requiredPlan } })
}

async function upload(user: TestUser, orgId: string, fileName: string, bytes: string) {
  const form = new FormData()
  form.append('file', new Blob([bytes], { type: 'text/plain' }), fileName)
  const res = await rt.request(`${kb(orgId)}/files`, {
    method: 'POST',
    headers: { cookie: user.cookie },
    body: form,
  })
  return { status: res.status, body: (await res.json()) as any }
}

const sourceCount = async (orgId: string) =>
  (await rt.services.db.select().from(knowledgeSources).where(eq(knowledgeSources.organizationId, orgId)))
    .length

const HOURS = {
  enabled: true,
  timezone: 'UTC',
  schedule: {},
  outOfHoursMessage: 'We are closed (entitlements test).',
}

describe('business hours', () => {
  it.each(PLAN_LIST)('on %s: enabling them needs Business', async (plan) => {
    const { owner, org } = await orgOn(plan)
    const res = await api(rt, owner, 'PATCH', `/api/organizations/${org.id}`, { businessHours: HOURS })
    if (plan === 'starter') {
      expectPlanRequired(res, 'businessHours', 'business')
      const after = await api(rt, owner, 'GET', `/api/organizations/${org.id}`)
      expect(after.body.organization.businessHours.enabled).toBe(false)
      // Saving them off stays allowed.
      const off = await api(rt, owner, 'PATCH', `/api/organizations/${org.id}`, {
        businessHours: { ...HOURS, enabled: false },
      })
      expect(off.status).toBe(200)
    } else {
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body.organization.businessHours.enabled).toBe(true)
    }
  })

  it('are ignored after a downgrade: a message while closed gets the AI answer, never the notice', async () => {
    const { owner, org } = await orgOn('business', { welcomeMessage: '' })
    expect(
      (await api(rt, owner, 'PATCH', `/api/organizations/${org.id}`, { businessHours: HOURS })).status,
    ).toBe(200)
    const number = await giveActiveNumber(rt, org.id)
    const ask = async () => {
      const params = inboundParams({ from: uniquePhone(), to: number, body: 'are you there?' })
      expect((await postTwilio(rt, '/api/whatsapp/webhook', params)).status).toBe(200)
      return waitFor(
        async () => {
          const replies = await repliesTo(rt, params.MessageSid)
          return replies.length > 0 && replies.every((r) => r.providerMessageId || r.status === 'failed')
            ? replies
            : null
        },
        { what: `replies to ${params.MessageSid}` },
      )
    }
    // Never open (empty schedule): on Business the notice answers.
    expect((await ask()).map((r) => r.source)).toEqual(['out_of_hours'])
    const down = await api(rt, owner, 'PUT', `/api/organizations/${org.id}/billing/plan`, {
      planType: 'starter',
    })
    expect(down.status, JSON.stringify(down.body)).toBe(200)
    const replies = await ask()
    expect(replies.map((r) => r.source)).toEqual(['ai'])
    expect(replies.some((r) => r.body === HOURS.outOfHoursMessage)).toBe(false)
    // The setting is kept (it applies again on upgrade).
    const after = await api(rt, owner, 'GET', `/api/organizations/${org.id}`)
    expect(after.body.organization.businessHours.enabled).toBe(true)
  })
})

describe('numbers', () => {
  it.each(PLAN_LIST)('on %s: a second number needs Enterprise', async (plan) => {
    const { owner, org } = await orgOn(plan)
    await giveActiveNumber(rt, org.id)
    const search = await api(
      rt,
      owner,
      'GET',
      '/api/organizations/search-numbers?country=US&type=local&limit=50',
    )
    expect(search.status).toBe(200)
    const phoneNumber = (search.body.numbers as { phoneNumber: string }[])[PLAN_LIST.indexOf(plan)]
      ?.phoneNumber
    const res = await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, { phoneNumber })
    if (plan === 'enterprise') expect(res.status, JSON.stringify(res.body)).toBe(202)
    else expectPlanRequired(res, 'numbers', 'enterprise')
  })
})

describe('knowledge', () => {
  const big = 'a'.repeat(3 * MB - 10)

  it.each(PLAN_LIST)(
    'on %s: a 3 MB file needs Business (and its text must fit the characters)',
    async (plan) => {
      const { owner, org } = await orgOn(plan)
      const res = await upload(owner, org.id, 'big.txt', big)
      if (plan === 'starter') {
        expectPlanRequired(res, 'knowledge', 'business')
        expect(await sourceCount(org.id)).toBe(0)
        return
      }
      expect(res.status, JSON.stringify(res.body)).toBe(202)
      const source = await waitFor(
        async () => {
          const s = (await api(rt, owner, 'GET', `${kb(org.id)}/${res.body.source.id}`)).body.source
          return s && s.status !== 'processing' ? s : null
        },
        { what: 'extraction', timeoutMs: 30_000 },
      )
      if (plan === 'business') {
        // 3 million characters are over Business's 2 million: the source fails, saying why.
        expect(source.status).toBe('failed')
        expect(source.error).toContain('Business plan')
        expect(source.error).toContain('2,000,000')
      } else {
        expect(source.status).toBe('ready')
      }
    },
  )

  it.each(PLAN_LIST)('on %s: a source past the 25 of Starter needs Business', async (plan) => {
    const { owner, org } = await orgOn(plan)
    const max = PLANS.starter.knowledge.maxSources
    await rt.services.db.execute(sql`
      insert into knowledge_sources (organization_id, kind, title, content)
      select ${org.id}, 'text', 'filler ' || g, 'x' from generate_series(1, ${max}) g`)
    const res = await api(rt, owner, 'POST', kb(org.id), {
      kind: 'text',
      title: 'one more',
      content: 'hello',
    })
    if (plan === 'starter') {
      expectPlanRequired(res, 'knowledge', 'business')
      expect(await sourceCount(org.id)).toBe(max)
      const file = await upload(owner, org.id, 'small.txt', 'hello')
      expectPlanRequired(file, 'knowledge', 'business')
    } else {
      expect(res.status, JSON.stringify(res.body)).toBe(201)
    }
  })

  it.each(PLAN_LIST)('on %s: text past 200,000 characters needs Business', async (plan) => {
    const { owner, org } = await orgOn(plan)
    const text = (n: number) => ({ kind: 'text', title: `t${n}`, content: 'b'.repeat(150_000) })
    expect((await api(rt, owner, 'POST', kb(org.id), text(1))).status).toBe(201)
    const res = await api(rt, owner, 'POST', kb(org.id), text(2))
    if (plan === 'starter') {
      expectPlanRequired(res, 'knowledge', 'business')
      expect(await sourceCount(org.id)).toBe(1)
    } else expect(res.status, JSON.stringify(res.body)).toBe(201)
  })

  it.each(PLAN_LIST)(
    'on %s: an operator override of maxTotalChars is the limit, also for edits',
    async (plan) => {
      const { owner, org } = await orgOn(plan)
      const operator = await factoryOperator(rt)
      const set = await api(rt, operator, 'PATCH', `/api/admin/organizations/${org.id}/plan`, {
        overrides: { maxTotalChars: 1000 },
      })
      expect(set.status, JSON.stringify(set.body)).toBe(200)
      const ok = await api(rt, owner, 'POST', kb(org.id), {
        kind: 'text',
        title: 'a',
        content: 'c'.repeat(900),
      })
      expect(ok.status).toBe(201)
      const over = await api(rt, owner, 'POST', kb(org.id), {
        kind: 'text',
        title: 'b',
        content: 'c'.repeat(200),
      })
      expect(over.status).toBe(402)
      expect(over.body.error.code).toBe('PLAN_REQUIRED')
      // Replacing a source's text counts the new text instead of the old.
      const edit = (n: number) =>
        api(rt, owner, 'PATCH', `${kb(org.id)}/${ok.body.source.id}`, { content: 'd'.repeat(n) })
      expect((await edit(1000)).status).toBe(200)
      expect((await edit(1001)).status).toBe(402)
    },
  )
})

describe('operator overrides', () => {
  it('grant a feature to a Starter organization, shown in billing and the operator view, and audited', async () => {
    const { owner, org } = await orgOn('starter')
    const operator = await factoryOperator(rt)
    const patch = (overrides: unknown) =>
      api(rt, operator, 'PATCH', `/api/admin/organizations/${org.id}/plan`, { overrides })
    const set = await patch({ features: { businessHours: true }, numbers: 3 })
    expect(set.status, JSON.stringify(set.body)).toBe(200)
    expect(set.body.organization.planType).toBe('starter')
    expect(set.body.organization.planOverrides).toEqual({ numbers: 3, features: { businessHours: true } })
    expect(set.body.organization.entitlements).toMatchObject({
      numbers: 3,
      features: { businessHours: true, apiAccess: false },
      overridden: { numbers: true, features: ['businessHours'] },
    })
    const enable = await api(rt, owner, 'PATCH', `/api/organizations/${org.id}`, { businessHours: HOURS })
    expect(enable.status, JSON.stringify(enable.body)).toBe(200)
    const billing = await api(rt, owner, 'GET', `/api/organizations/${org.id}/billing`)
    expect(billing.body.entitlements.features.businessHours).toBe(true)
    expect(billing.body.usage.numbersLimit).toBe(3)
    const audit = await api(rt, owner, 'GET', `/api/organizations/${org.id}/audit-log`)
    const entry = first(
      (audit.body.entries as { action: string; details: any }[]).filter((e) => e.action === 'plan.changed'),
    )
    expect(entry.details.to.planOverrides).toEqual({ numbers: 3, features: { businessHours: true } })
    // null removes an override; a bad value is a 400 that changes nothing.
    expect((await patch({ numbers: -1 })).status).toBe(400)
    expect((await patch({ features: { nope: true } })).status).toBe(400)
    const removed = await patch({ features: { businessHours: null }, numbers: null })
    expect(removed.status).toBe(200)
    expect(removed.body.organization.planOverrides).toEqual({})
    expect(removed.body.organization.entitlements.features.businessHours).toBe(false)
    // A member is not an operator.
    expect(
      (
        await api(rt, owner, 'PATCH', `/api/admin/organizations/${org.id}/plan`, {
          overrides: { numbers: 5 },
        })
      ).status,
    ).toBe(403)
  })
})
