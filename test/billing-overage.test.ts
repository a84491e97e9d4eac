import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reportOverage } from '../src/server/core/billing/report-overage.js'
import { queryRows } from '../src/server/db/client.js'
import { billingAccounts, monthlyUsage, organizations } from '../src/server/db/schema/index.js'
import { createStripeBilling } from '../src/server/providers/billing/stripe.js'
import type { Billing } from '../src/server/providers/billing/types.js'
import { defined, first } from './support/defined.js'
import { api, createOrganization, setPlan, signUp, type TestUser } from './support/factories.js'
import { type FakeStripe, startFakeStripe, stripeEnv } from './support/fake-stripe.js'
import { ENTERPRISE, startTwilioTestRuntime, type TwilioTestRuntime } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, repliesTo, uniquePhone } from './support/whatsapp.js'

// Overage billing (issue 17): messages beyond the monthly limit, up to the organization's
// overage_allowance, are answered and reported to Stripe (the fake, through the real `stripe` SDK)
// as meter events, each message exactly once, whatever runs twice, at once or after a failure.
let fake: FakeStripe
let rt: TwilioTestRuntime
let billing: Billing

beforeAll(async () => {
  fake = await startFakeStripe()
  rt = await startTwilioTestRuntime(stripeEnv(fake))
  billing = defined(rt.services.billing, 'billing (STRIPE_SECRET_KEY is set)')
  // The worker's sweep every 5 minutes would report in the middle of a test that asserts what is
  // still unreported: these tests run the report themselves (and the job, where they say so).
  await rt.boss.unschedule('billing.report-overage')
})
afterAll(async () => {
  await rt?.close()
  await fake?.close()
})

interface BilledOrg {
  owner: TestUser
  orgId: string
  number: string
  customerId: string
}

/**
 * An organization with `limit` included messages, `allowance` overage messages allowed and a
 * Stripe customer linked by its billing_accounts row (what the lead's apply-subscription writes).
 */
async function billedOrganization(limit: number, allowance: number, input: Record<string, unknown> = {}) {
  const owner = await signUp(rt)
  const org = await createOrganization(rt, owner, {
    welcomeMessage: '',
    monthlyMessageLimit: limit,
    ...input,
  })
  const number = await giveActiveNumber(rt, org.id)
  const customerId = await billing.createCustomer({
    organizationId: org.id,
    name: org.name,
    email: owner.email,
  })
  await rt.services.db
    .insert(billingAccounts)
    .values({ organizationId: org.id, stripeCustomerId: customerId })
  await rt.services.db
    .update(organizations)
    .set({ overageAllowance: allowance })
    .where(eq(organizations.id, org.id))
  return { owner, orgId: org.id, number, customerId } satisfies BilledOrg
}

/** A new customer writes; resolves with the source of the one reply once it went out. */
async function newCustomerWrites(o: BilledOrg, from = uniquePhone()) {
  const params = inboundParams({ from, to: o.number, body: 'What are your prices?' })
  expect((await postTwilio(rt, '/api/whatsapp/webhook', params)).status).toBe(200)
  const reply = await waitFor(
    async () => {
      const [r] = await repliesTo(rt, params.MessageSid)
      return r && (r.providerMessageId || r.status === 'failed') ? r : null
    },
    { what: `the reply to ${params.MessageSid}` },
  )
  return reply.source
}

const usageOf = async (orgId: string) =>
  first(
    await rt.services.db.select().from(monthlyUsage).where(eq(monthlyUsage.organizationId, orgId)),
    'the month usage row',
  )
const eventsOf = (customerId: string) =>
  fake.state.meterEvents.filter((e) => e.payload.stripe_customer_id === customerId)
const meteredOf = (customerId: string) =>
  eventsOf(customerId).reduce((n, e) => n + Number(e.payload.value), 0)
const queuedReports = (orgId: string) =>
  queryRows<{ state: string; start_after: Date }>(
    rt.services.db,
    sql`select state::text, start_after from pgboss.job
      where name = 'billing.report-overage' and singleton_key = ${orgId}`,
  )

describe('messages beyond the limit', () => {
  it('answers up to the allowance, refuses after it, and reports exactly the overage once', async () => {
    const o = await billedOrganization(3, 2)
    const sources: string[] = []
    for (let i = 0; i < 5; i++) sources.push(await newCustomerWrites(o))
    expect(sources).toEqual(['ai', 'ai', 'ai', 'ai', 'ai'])
    // Within the allowance the limit is not "reached" yet.
    expect(await usageOf(o.orgId)).toMatchObject({
      messageCount: 5,
      limitReachedAt: null,
      overageReported: 0,
    })
    expect(await newCustomerWrites(o)).toBe('limit_notice')
    const usage = await usageOf(o.orgId)
    expect(usage.messageCount).toBe(5)
    expect(usage.limitReachedAt).not.toBeNull()

    // Both overage messages enqueued one report, due about 30 s later (a burst makes one report).
    const queued = await queuedReports(o.orgId)
    expect(queued).toHaveLength(1)
    expect(first(queued).state).toBe('created')
    expect(new Date(first(queued).start_after).getTime()).toBeGreaterThan(Date.now() + 5_000)

    // The plan's limit shown in stats stays the included messages.
    const stats = await api(rt, o.owner, 'GET', `/api/organizations/${o.orgId}/stats`)
    expect(stats.body.usage).toMatchObject({ used: 5, limit: 3 })

    expect(await reportOverage({ ctx: rt.services, input: { organizationId: o.orgId } })).toEqual({
      reported: 2,
    })
    expect(eventsOf(o.customerId)).toMatchObject([
      {
        event_name: fake.meterEventName,
        identifier: `${o.orgId}:${usage.month}:0-2`,
        payload: { stripe_customer_id: o.customerId, value: '2' },
      },
    ])
    expect((await usageOf(o.orgId)).overageReported).toBe(2)
    // Again, and as the scheduled sweep: nothing more.
    expect(await reportOverage({ ctx: rt.services, input: { organizationId: o.orgId } })).toEqual({
      reported: 0,
    })
    await reportOverage({ ctx: rt.services, input: {} })
    expect(meteredOf(o.customerId)).toBe(2)
  })

  it('a lower limit later in the month (a fallback to Starter) does not turn earlier messages into overage', async () => {
    const o = await billedOrganization(3, 2)
    for (let i = 0; i < 4; i++) expect(await newCustomerWrites(o)).toBe('ai')
    expect(await usageOf(o.orgId)).toMatchObject({ messageCount: 4, overageCount: 1 })
    await setPlan(rt, o.orgId, undefined, 1)
    await reportOverage({ ctx: rt.services, input: { organizationId: o.orgId } })
    expect(meteredOf(o.customerId)).toBe(1)
    const billingView = await api(rt, o.owner, 'GET', `/api/organizations/${o.orgId}/billing`)
    expect(billingView.body.usage).toMatchObject({ messagesUsed: 4, overageUsed: 1 })
  })

  it('with allowance 0 refuses at the limit as before and reports nothing', async () => {
    const o = await billedOrganization(2, 0)
    expect(await newCustomerWrites(o)).toBe('ai')
    expect(await newCustomerWrites(o)).toBe('ai')
    expect(await newCustomerWrites(o)).toBe('limit_notice')
    expect(await usageOf(o.orgId)).toMatchObject({ messageCount: 2 })
    expect((await usageOf(o.orgId)).limitReachedAt).not.toBeNull()
    expect(await queuedReports(o.orgId)).toHaveLength(0)
    expect(await reportOverage({ ctx: rt.services, input: { organizationId: o.orgId } })).toEqual({
      reported: 0,
    })
    expect(eventsOf(o.customerId)).toHaveLength(0)
  })

  it('reports nothing twice when reports run at once, while more messages are counted', async () => {
    const o = await billedOrganization(1, 6)
    for (let i = 0; i < 3; i++) expect(await newCustomerWrites(o)).toBe('ai')
    // Two overage messages counted; four more arrive while five reports (one a sweep) run.
    const writes = Promise.all(Array.from({ length: 4 }, () => newCustomerWrites(o)))
    const reports = Promise.all([
      ...Array.from({ length: 4 }, () =>
        reportOverage({ ctx: rt.services, input: { organizationId: o.orgId } }),
      ),
      reportOverage({ ctx: rt.services, input: {} }),
    ])
    expect(await writes).toEqual(['ai', 'ai', 'ai', 'ai'])
    await reports
    await reportOverage({ ctx: rt.services, input: { organizationId: o.orgId } })
    const usage = await usageOf(o.orgId)
    expect(usage.messageCount).toBe(7)
    expect(usage.overageReported).toBe(6)
    expect(meteredOf(o.customerId)).toBe(6)
    // The reports' ranges follow each other without a gap or an overlap.
    const ranges = eventsOf(o.customerId)
      .map((e) => String(e.identifier).split(':').at(-1)?.split('-').map(Number) ?? [])
      .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))
    let at = 0
    for (const [from, to] of ranges) {
      expect(from).toBe(at)
      at = defined(to, 'a range end')
    }
    expect(at).toBe(6)
  })

  it('a report started while another is at Stripe waits for it, then reports only what is new', async () => {
    const o = await billedOrganization(1, 5)
    for (let i = 0; i < 3; i++) expect(await newCustomerWrites(o)).toBe('ai')
    // The first report is held just before its call to Stripe (the real adapter, called late).
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let reached = () => {}
    const atStripe = new Promise<void>((resolve) => {
      reached = resolve
    })
    const held: Billing = {
      ...billing,
      async reportOverage(input) {
        reached()
        await gate
        return billing.reportOverage(input)
      },
    }
    const firstReport = reportOverage({
      ctx: { ...rt.services, billing: held },
      input: { organizationId: o.orgId },
    })
    await atStripe
    // A message is counted meanwhile, and a second report starts: it must not report the range
    // the first one is reporting under another identifier.
    const counted = rt.services.db
      .update(monthlyUsage)
      .set({
        messageCount: sql`${monthlyUsage.messageCount} + 1`,
        overageCount: sql`${monthlyUsage.overageCount} + 1`,
      })
      .where(eq(monthlyUsage.organizationId, o.orgId))
    if (rt.database.kind === 'postgres') {
      // (On PGlite the open transaction holds the one connection: everything waits for it anyway.)
      await counted
      const secondReport = reportOverage({ ctx: rt.services, input: { organizationId: o.orgId } })
      try {
        await waitFor(
          async () => {
            const [waiting] = await queryRows<{ n: number }>(
              rt.services.db,
              sql`select count(*)::int as n from pg_locks l join pg_database d on d.oid = l.database
                where l.locktype = 'advisory' and not l.granted and d.datname = current_database()`,
            )
            return (waiting?.n ?? 0) > 0
          },
          { what: 'the second report to wait for the first' },
        )
      } finally {
        release()
      }
      expect(await firstReport).toEqual({ reported: 2 })
      expect(await secondReport).toEqual({ reported: 1 })
    } else {
      release()
      await Promise.all([firstReport, counted])
      expect(await reportOverage({ ctx: rt.services, input: { organizationId: o.orgId } })).toEqual({
        reported: 1,
      })
    }
    expect(await reportOverage({ ctx: rt.services, input: { organizationId: o.orgId } })).toEqual({
      reported: 0,
    })
    expect((await usageOf(o.orgId)).overageReported).toBe(3)
    expect(meteredOf(o.customerId)).toBe(3)
  })

  it('a Stripe failure leaves the overage unreported; the retry reports it once', async () => {
    const o = await billedOrganization(1, 3)
    for (let i = 0; i < 3; i++) expect(await newCustomerWrites(o)).toBe('ai')
    // The same adapter, pointed at a port nothing listens on: Stripe unreachable.
    const config = defined(rt.config.stripe, 'the Stripe configuration')
    const unreachable = createStripeBilling({ ...config, apiBaseUrl: 'http://127.0.0.1:9' })
    await expect(
      reportOverage({ ctx: { ...rt.services, billing: unreachable }, input: { organizationId: o.orgId } }),
    ).rejects.toThrow(/overage/)
    expect((await usageOf(o.orgId)).overageReported).toBe(0)
    expect(eventsOf(o.customerId)).toHaveLength(0)

    // Stripe recorded a report whose answer never came back (a crash right after the call): the
    // retry names the same range, Stripe refuses the repeat, and it is not counted again.
    const month = (await usageOf(o.orgId)).month
    await billing.reportOverage({
      customerId: o.customerId,
      messages: 2,
      identifier: `${o.orgId}:${month}:0-2`,
      at: new Date(),
    })
    expect(await reportOverage({ ctx: rt.services, input: { organizationId: o.orgId } })).toEqual({
      reported: 2,
    })
    expect((await usageOf(o.orgId)).overageReported).toBe(2)
    expect(meteredOf(o.customerId)).toBe(2)

    // The job itself (as the worker runs it) reports what comes next.
    expect(await newCustomerWrites(o)).toBe('ai')
    await rt.services.jobs.send('billing.report-overage', { organizationId: o.orgId })
    await waitFor(async () => (await usageOf(o.orgId)).overageReported === 3, { what: 'the job to report' })
    expect(meteredOf(o.customerId)).toBe(3)
  })

  it("counts an API key's message beyond the limit within the allowance, and names the full limit after", async () => {
    const o = await billedOrganization(1, 1, ENTERPRISE)
    const customer = uniquePhone()
    expect(await newCustomerWrites(o, customer)).toBe('ai')
    const key = await api(rt, o.owner, 'POST', `/api/organizations/${o.orgId}/api-keys`, {
      name: 'orders',
      scopes: ['messages:send'],
    })
    expect(key.status, JSON.stringify(key.body)).toBe(201)
    const send = (text: string) =>
      api(
        rt,
        undefined,
        'POST',
        `/api/v1/organizations/${o.orgId}/messages`,
        { to: customer, text },
        { authorization: `Bearer ${key.body.secret}` },
      )
    const within = await send('Your order shipped')
    expect(within.status, JSON.stringify(within.body)).toBe(201)
    expect(await queuedReports(o.orgId)).toHaveLength(1)
    const over = await send('One too many')
    expect(over.status).toBe(409)
    expect(over.body.error.details.reason).toBe('OVER_LIMIT')
    expect(over.body.error.message).toMatch(/limit of 2 messages/)
    expect(await reportOverage({ ctx: rt.services, input: { organizationId: o.orgId } })).toEqual({
      reported: 1,
    })
    expect(meteredOf(o.customerId)).toBe(1)
  })
})

describe('without overage billing', () => {
  it('does nothing when billing is off', async () => {
    const o = await billedOrganization(1, 0)
    await rt.services.db.execute(sql`
      insert into monthly_usage (organization_id, month, message_count)
      values (${o.orgId}, to_char(now() at time zone 'UTC', 'YYYY-MM'), 5)
      on conflict (organization_id, month) do update set message_count = 5`)
    expect(
      await reportOverage({ ctx: { ...rt.services, billing: null }, input: { organizationId: o.orgId } }),
    ).toEqual({ reported: 0 })
    expect((await usageOf(o.orgId)).overageReported).toBe(0)
    expect(eventsOf(o.customerId)).toHaveLength(0)
  })
})
