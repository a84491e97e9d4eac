import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defined } from './support/defined.js'
import { addMember, api, createOrganization, setPlan, signUp, verifyEmail } from './support/factories.js'
import { type FakeTwilio, startFakeTwilio, twilioEnv } from './support/fake-twilio.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'

// Numbers through the real `twilio` client against a local server that speaks Twilio's API.
let fake: FakeTwilio
let rt: TestRuntime
const APP_URL = 'http://localhost:3999'
const OPERATOR = 'operator@example.test'

beforeAll(async () => {
  fake = await startFakeTwilio()
  rt = await startTestRuntime({
    env: {
      ...twilioEnv(fake),
      OPERATOR_EMAILS: OPERATOR,
      // These tests are about the plan's own cap; the per-account cap has its own tests (plans.test.ts).
      MAX_NUMBERS_PER_USER: '10',
    },
  })
})
afterAll(async () => {
  await rt?.close()
  await fake?.close()
})

const purchases = () =>
  fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/IncomingPhoneNumbers.json'))
const firstAvailable = async (user: Awaited<ReturnType<typeof signUp>>, country = 'US', skip = 0) => {
  const res = await api(
    rt,
    user,
    'GET',
    `/api/organizations/search-numbers?country=${country}&type=local&limit=20`,
  )
  expect(res.status).toBe(200)
  return res.body.numbers[skip].phoneNumber as string
}
const activeNumber = async (user: Awaited<ReturnType<typeof signUp>>, orgId: string) =>
  waitFor(
    async () => {
      const res = await api(rt, user, 'GET', `/api/organizations/${orgId}/numbers`)
      const n = res.body.numbers[0]
      return n && ['active', 'failed'].includes(n.status) ? n : null
    },
    { what: 'number to settle', timeoutMs: 30_000 },
  )

describe('search', () => {
  it('filters by country, type, digits and limit, asking Twilio exactly that', async () => {
    const user = await signUp(rt)
    const res = await api(
      rt,
      user,
      'GET',
      '/api/organizations/search-numbers?country=us&type=local&contains=415&limit=3',
    )
    expect(res.status).toBe(200)
    expect(res.body.numbers.length).toBeGreaterThan(0)
    expect(res.body.numbers.length).toBeLessThanOrEqual(3)
    for (const n of res.body.numbers) {
      expect(n.phoneNumber).toMatch(/^\+1\d{10}$/)
      expect(n.phoneNumber).toContain('415')
      expect(n.isoCountry).toBe('US')
    }
    const seen = defined(
      fake.requests.findLast((r) => r.path.includes('/AvailablePhoneNumbers/')),
      'a number search at Twilio',
    )
    expect(seen.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/AvailablePhoneNumbers/US/Local.json`)
    expect(seen.query.Contains).toBe('415')
    expect(seen.query.PageSize).toBe('3')
    expect(seen.headers.authorization).toBe(
      `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`,
    )

    const tollFree = await api(
      rt,
      user,
      'GET',
      '/api/organizations/search-numbers?country=US&type=tollFree&limit=2',
    )
    expect(tollFree.status).toBe(200)
    expect(fake.requests.findLast((r) => r.path.includes('/AvailablePhoneNumbers/'))?.path).toMatch(
      /\/US\/TollFree\.json$/,
    )
  })

  it('refuses bad filters with field errors and anonymous callers', async () => {
    const user = await signUp(rt)
    const before = fake.requests.length
    for (const q of [
      'country=USA',
      'country=US&type=landline',
      'country=US&contains=abc',
      'country=US&limit=500',
      'country=US&color=red',
    ]) {
      const res = await api(rt, user, 'GET', `/api/organizations/search-numbers?${q}`)
      expect(res.status, q).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
    }
    expect(fake.requests.length).toBe(before)
    expect((await api(rt, undefined, 'GET', '/api/organizations/search-numbers?country=US')).status).toBe(401)
  })

  it('turns Twilio being down into a 502 with a retry hint', async () => {
    const user = await signUp(rt)
    fake.failNext({ pathIncludes: '/AvailablePhoneNumbers/' }, { status: 503 }, 1)
    const res = await api(rt, user, 'GET', '/api/organizations/search-numbers?country=US')
    expect(res.status).toBe(502)
    expect(res.body.error.code).toBe('PROVIDER_FAILED')
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})

describe('provisioning', () => {
  it('buys the number with our webhooks, registers the sender and becomes active', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { name: 'Kigali Bakery' })
    const phoneNumber = await firstAvailable(owner, 'RW')
    const res = await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, { phoneNumber })
    expect(res.status).toBe(202)
    expect(res.body.number.phoneNumber).toBe(phoneNumber)
    expect(['registering', 'active']).toContain(res.body.number.status)

    const bought = defined(
      [...fake.state.numbers.values()].find((n) => n.phone_number === phoneNumber),
      'the number bought at Twilio',
    )
    expect(bought.sms_url).toBe(`${APP_URL}/api/whatsapp/webhook`)
    expect(bought.sms_method).toBe('POST')
    expect(bought.status_callback).toBe(`${APP_URL}/api/whatsapp/status`)
    const sender = defined(
      [...fake.state.senders.values()].find((s) => s.sender_id === `whatsapp:${phoneNumber}`),
      'the sender registered at Twilio',
    )
    expect(sender.profile.name).toBe('Kigali Bakery')
    expect(sender.webhook.callback_url).toBe(`${APP_URL}/api/whatsapp/webhook`)

    const settled = await activeNumber(owner, org.id)
    expect(settled.status).toBe('active')
    expect(settled.senderStatus).toBe('ONLINE')
    const view = await api(rt, owner, 'GET', `/api/organizations/${org.id}`)
    expect(view.body.organization.whatsappNumber).toBe(phoneNumber)
    expect(view.body.organization.numberStatus).toBe('active')
  })

  it('gives a number racing organizations want to exactly one of them, buying it once', async () => {
    const [a, b] = [await signUp(rt), await signUp(rt)]
    const [orgA, orgB] = [await createOrganization(rt, a), await createOrganization(rt, b)]
    const phoneNumber = await firstAvailable(a, 'GB')
    const before = purchases().length
    const results = await Promise.all([
      api(rt, a, 'POST', `/api/organizations/${orgA.id}/provision-number`, { phoneNumber }),
      api(rt, b, 'POST', `/api/organizations/${orgB.id}/provision-number`, { phoneNumber }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([202, 409])
    expect(purchases().length - before).toBe(1)
    // A number already held on the platform is refused before any purchase.
    const c = await signUp(rt)
    const orgC = await createOrganization(rt, c)
    const again = await api(rt, c, 'POST', `/api/organizations/${orgC.id}/provision-number`, { phoneNumber })
    expect(again.status).toBe(409)
    expect(again.body.error.message).toMatch(/already taken/)
    expect(purchases().length - before).toBe(1)
  })

  it('reports purchase failures clearly and keeps nothing half-bought', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const phoneNumber = await firstAvailable(owner, 'US', 5)
    const numbersOf = async () =>
      (await api(rt, owner, 'GET', `/api/organizations/${org.id}/numbers`)).body.numbers
    // Twilio refusing the purchase (taken, invalid) leaves no row behind, however often it happens.
    for (const refusal of [
      {
        status: 400,
        body: { code: 21422, message: 'PhoneNumber is not available' },
        api: 409,
        message: /no longer available/,
      },
      {
        status: 400,
        body: { code: 21421, message: 'PhoneNumber is invalid' },
        api: 400,
        message: /refused the request/,
      },
    ]) {
      fake.failNext(
        { method: 'POST', pathIncludes: '/IncomingPhoneNumbers.json' },
        { status: refusal.status, body: refusal.body },
      )
      const res = await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, {
        phoneNumber,
      })
      expect(res.status).toBe(refusal.api)
      expect(res.body.error.message).toMatch(refusal.message)
    }
    expect(await numbersOf()).toEqual([])
    expect((await api(rt, owner, 'GET', `/api/organizations/${org.id}`)).body.organization.numberStatus).toBe(
      'none',
    )

    // Twilio down: the outcome is unknown, so the attempt is kept as failed with the reason.
    fake.failNext({ method: 'POST', pathIncludes: '/IncomingPhoneNumbers.json' }, { status: 500 })
    const down = await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, {
      phoneNumber,
    })
    expect(down.status).toBe(502)
    expect(down.headers.get('retry-after')).toBeTruthy()
    const list = await numbersOf()
    expect(list).toHaveLength(1)
    expect(list[0].status).toBe('failed')
    expect(list[0].failureReason).toBeTruthy()
    // The failed attempts do not hold the number: it can be bought now.
    const ok = await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, { phoneNumber })
    expect(ok.status).toBe(202)

    const bad = await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, {
      phoneNumber: '12345',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details[0].path).toBe('phoneNumber')
  })

  it('fails the number with the reason and gives it back when sender registration fails', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const phoneNumber = await firstAvailable(owner, 'FR')
    fake.state.senderOutcome = 'offline'
    try {
      const res = await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, {
        phoneNumber,
      })
      expect(res.status).toBe(202)
      const settled = await activeNumber(owner, org.id)
      expect(settled.status).toBe('failed')
      expect(settled.failureReason).toMatch(/OFFLINE/)
      expect(settled.failureReason).toMatch(/rejected by Meta/)
    } finally {
      fake.state.senderOutcome = 'online'
    }
    expect([...fake.state.numbers.values()].some((n) => n.phone_number === phoneNumber)).toBe(false)
    const view = await api(rt, owner, 'GET', `/api/organizations/${org.id}`)
    expect(view.body.organization.numberStatus).toBe('failed')
    expect(view.body.organization.numberFailureReason).toMatch(/OFFLINE/)
  })

  it('releases the number: sender deleted and number released at Twilio', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const phoneNumber = await firstAvailable(owner, 'CA')
    await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, { phoneNumber })
    const active = await activeNumber(owner, org.id)
    expect(active.status).toBe('active')
    const res = await api(rt, owner, 'DELETE', `/api/organizations/${org.id}/provision-number`)
    expect(res.status).toBe(200)
    expect(res.body.number.status).toBe('released')
    expect(res.body.number.releasedAt).toBeTruthy()
    expect([...fake.state.numbers.values()].some((n) => n.phone_number === phoneNumber)).toBe(false)
    expect(
      fake.requests.some((r) => r.method === 'DELETE' && r.path.startsWith('/v2/Channels/Senders/')),
    ).toBe(true)
    const view = await api(rt, owner, 'GET', `/api/organizations/${org.id}`)
    expect(view.body.organization.whatsappNumber).toBeNull()
    expect((await api(rt, owner, 'DELETE', `/api/organizations/${org.id}/provision-number`)).status).toBe(404)
  })

  it('holds plan limits: one number on starter, five on enterprise', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const search = await api(
      rt,
      owner,
      'GET',
      '/api/organizations/search-numbers?country=IN&type=mobile&limit=10',
    )
    const numbers: string[] = search.body.numbers.map((n: { phoneNumber: string }) => n.phoneNumber)
    expect(
      (
        await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, {
          phoneNumber: numbers[0],
        })
      ).status,
    ).toBe(202)
    const second = await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, {
      phoneNumber: numbers[1],
    })
    // Over the plan's numbers: 402 PLAN_REQUIRED naming the plan with more (issue 17).
    expect(second.status).toBe(402)
    expect(second.body.error).toMatchObject({
      code: 'PLAN_REQUIRED',
      details: { feature: 'numbers', currentPlan: 'starter', requiredPlan: 'enterprise' },
    })
    expect(second.body.error.message).toMatch(/Starter plan holds 1 number/)

    await setPlan(rt, org.id, 'enterprise')
    for (const n of numbers.slice(1, 5)) {
      expect(
        (await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, { phoneNumber: n }))
          .status,
      ).toBe(202)
    }
    const sixth = await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, {
      phoneNumber: numbers[5],
    })
    expect(sixth.status).toBe(402)
  })

  it('deleting an organization releases its numbers', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const phoneNumber = await firstAvailable(owner, 'BR')
    await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, { phoneNumber })
    await activeNumber(owner, org.id)
    expect((await api(rt, owner, 'DELETE', `/api/organizations/${org.id}`)).status).toBe(200)
    expect([...fake.state.numbers.values()].some((n) => n.phone_number === phoneNumber)).toBe(false)
  })
})

describe('security and the operator view', () => {
  it('401 without a session, 404 for another tenant, 403 for viewers and agents', async () => {
    const owner = await signUp(rt)
    const stranger = await signUp(rt)
    const viewer = await signUp(rt)
    const agent = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await addMember(rt, owner, org.id, viewer, 'viewer')
    await addMember(rt, owner, org.id, agent, 'agent')
    const body = { phoneNumber: '+14155550199' }
    const before = purchases().length
    expect(
      (await api(rt, undefined, 'POST', `/api/organizations/${org.id}/provision-number`, body)).status,
    ).toBe(401)
    expect((await api(rt, undefined, 'DELETE', `/api/organizations/${org.id}/provision-number`)).status).toBe(
      401,
    )
    expect((await api(rt, undefined, 'GET', `/api/organizations/${org.id}/numbers`)).status).toBe(401)
    expect(
      (await api(rt, stranger, 'POST', `/api/organizations/${org.id}/provision-number`, body)).status,
    ).toBe(404)
    expect((await api(rt, stranger, 'GET', `/api/organizations/${org.id}/numbers`)).status).toBe(404)
    expect((await api(rt, stranger, 'DELETE', `/api/organizations/${org.id}/provision-number`)).status).toBe(
      404,
    )
    for (const member of [viewer, agent]) {
      expect(
        (await api(rt, member, 'POST', `/api/organizations/${org.id}/provision-number`, body)).status,
      ).toBe(403)
      expect((await api(rt, member, 'DELETE', `/api/organizations/${org.id}/provision-number`)).status).toBe(
        403,
      )
      expect((await api(rt, member, 'GET', `/api/organizations/${org.id}/numbers`)).status).toBe(200)
    }
    expect(purchases().length).toBe(before)
  })

  it('lists every number with its organization for operators only', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { name: 'Operator Visible Org' })
    const phoneNumber = await firstAvailable(owner, 'US', 9)
    await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, { phoneNumber })
    expect((await api(rt, owner, 'GET', '/api/admin/numbers')).status).toBe(403)
    expect((await api(rt, undefined, 'GET', '/api/admin/numbers')).status).toBe(401)
    const operator = await signUp(rt, { email: OPERATOR })
    await verifyEmail(rt, operator)
    const res = await api(rt, operator, 'GET', '/api/admin/numbers')
    expect(res.status).toBe(200)
    const row = res.body.numbers.find((n: { phoneNumber: string }) => n.phoneNumber === phoneNumber)
    expect(row.organizationName).toBe('Operator Visible Org')
    expect(row.providerNumberSid).toMatch(/^PN/)
    expect(res.body.orphans).toEqual([])
  })
})
