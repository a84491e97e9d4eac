import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../src/server/db/client.js'
import {
  auditLog,
  billingAccounts,
  billingInvoices,
  organizations,
  phoneNumbers,
  planChanges,
  stripeEvents,
} from '../src/server/db/schema/index.js'
import { first } from './support/defined.js'
import { addMember, api, createOrganization, setPlan, signUp, type TestUser } from './support/factories.js'
import { type FakeStripe, startFakeStripe, stripeEnv } from './support/fake-stripe.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber } from './support/whatsapp.js'

// Billing through Stripe (issue 17), against a local server speaking Stripe's API to the real
// `stripe` SDK, with its webhooks POSTed over HTTP to this runtime. Numbers beyond the plan are not
// sold in this file (no STRIPE_PRICE_EXTRA_NUMBER): the plan's count is a cap, as without billing.

let rt: TestRuntime
let stripe: FakeStripe
let server: ReturnType<typeof serve>

beforeAll(async () => {
  stripe = await startFakeStripe()
  const { STRIPE_PRICE_EXTRA_NUMBER: _notSold, ...env } = stripeEnv(stripe)
  rt = await startTestRuntime({ env })
  server = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  stripe.setWebhookUrl(`http://127.0.0.1:${port}/api/billing/stripe/webhook`)
})
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve))
  await rt?.close()
  await stripe?.close()
})

const billingPath = (orgId: string, suffix = '') => `/api/organizations/${orgId}/billing${suffix}`
const orgRow = async (orgId: string) =>
  first(await rt.services.db.select().from(organizations).where(eq(organizations.id, orgId)))
const accountOf = async (orgId: string) =>
  first(await rt.services.db.select().from(billingAccounts).where(eq(billingAccounts.organizationId, orgId)))
const eventsOf = (orgId: string) =>
  rt.services.db.select().from(stripeEvents).where(eq(stripeEvents.organizationId, orgId))

/** Everything Stripe sent has been delivered and every stored event processed. */
async function settle(orgId: string) {
  await stripe.settled()
  await waitFor(async () => (await eventsOf(orgId)).every((e) => e.processedAt !== null), {
    what: 'Stripe events processed',
  })
}

/** An owner subscribes to `planType` through Checkout, paying on the hosted page. */
async function subscribe(owner: TestUser, orgId: string, planType: string) {
  const res = await api(rt, owner, 'POST', billingPath(orgId, '/checkout'), { planType })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  expect(res.body.url).toMatch(new RegExp(`^${stripe.url}/c/pay/cs_test_`))
  const paid = await fetch(res.body.url, { method: 'POST', redirect: 'manual' })
  expect(paid.status).toBe(303)
  const back = new URL(paid.headers.get('location') ?? '')
  expect(back.pathname).toBe(`/Dashboard/organizations/${orgId}`)
  expect(back.searchParams.get('checkout')).toBe('success')
  await settle(orgId)
  return (await accountOf(orgId)).stripeSubscriptionId ?? ''
}

async function subscribedOwner(planType = 'business') {
  const owner = await signUp(rt)
  const org = await createOrganization(rt, owner)
  const subscriptionId = await subscribe(owner, org.id, planType)
  return { owner, org, subscriptionId }
}

describe('Checkout and the subscription', () => {
  it('subscribes through Checkout: the plan follows Stripe, with the invoice listed', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const before = await api(rt, owner, 'GET', billingPath(org.id))
    expect(before.body.billing).toMatchObject({ enabled: true, provider: 'stripe', subscription: null })
    expect(before.body.planType).toBe('starter')

    const subscriptionId = await subscribe(owner, org.id, 'business')
    expect(subscriptionId).toMatch(/^sub_/)
    const customer = stripe.state.customers.get((await accountOf(org.id)).stripeCustomerId)
    expect(customer?.metadata).toEqual({ organization_id: org.id })
    const session = [...stripe.state.checkoutSessions.values()].find((s) => s.client_reference_id === org.id)
    expect(session?.mode).toBe('subscription')

    const res = await api(rt, owner, 'GET', billingPath(org.id))
    expect(res.body.planType).toBe('business')
    expect(res.body.entitlements).toMatchObject({ monthlyMessages: 2000, features: { businessHours: true } })
    expect(res.body.billing.subscription).toMatchObject({
      status: 'active',
      planType: 'business',
      cancelAtPeriodEnd: false,
    })
    expect(Date.parse(res.body.billing.subscription.currentPeriodEnd)).toBeGreaterThan(Date.now())
    expect(res.body.billing.paymentIssue).toBeNull()
    expect(res.body.billing.overage).toMatchObject({ available: true, mode: 'refuse', allowance: 0 })

    const invoices = await api(rt, owner, 'GET', billingPath(org.id, '/invoices'))
    expect(invoices.status).toBe(200)
    expect(invoices.body.invoices).toHaveLength(1)
    expect(invoices.body.invoices[0]).toMatchObject({ status: 'paid', amountPaid: 9900, currency: 'usd' })
    expect(invoices.body.invoices[0].hostedInvoiceUrl).toMatch(new RegExp(`^${stripe.url}/i/in_`))

    const types = (await eventsOf(org.id)).map((e) => e.type).sort()
    expect(types).toEqual(['checkout.session.completed', 'customer.subscription.created', 'invoice.paid'])
    const change = first(
      await rt.services.db.select().from(planChanges).where(eq(planChanges.organizationId, org.id)),
    )
    expect(change).toMatchObject({
      fromPlan: 'starter',
      toPlan: 'business',
      changedByEmail: 'billing (Stripe)',
    })
  })

  it('refuses a second Checkout while subscribed, and changes plan through the subscription', async () => {
    const { owner, org, subscriptionId } = await subscribedOwner('business')
    const again = await api(rt, owner, 'POST', billingPath(org.id, '/checkout'), { planType: 'enterprise' })
    expect(again.status).toBe(409)
    expect(again.body.error.details.reason).toBe('SUBSCRIBED')

    const up = await api(rt, owner, 'PUT', billingPath(org.id, '/plan'), { planType: 'enterprise' })
    expect(up.status, JSON.stringify(up.body)).toBe(200)
    expect(up.body.planType).toBe('enterprise')
    expect(up.body.entitlements.features.apiAccess).toBe(true)
    const sub = stripe.state.subscriptions.get(subscriptionId)
    expect(sub.items.data.map((i: { price: { id: string } }) => i.price.id)).toContain(
      stripe.prices.enterprise,
    )
    expect(sub.items.data.map((i: { price: { id: string } }) => i.price.id)).not.toContain(
      stripe.prices.business,
    )
    await settle(org.id)
    expect((await orgRow(org.id)).planType).toBe('enterprise')
    const changes = await rt.services.db
      .select()
      .from(planChanges)
      .where(eq(planChanges.organizationId, org.id))
    expect(changes.find((c) => c.toPlan === 'enterprise')?.changedByEmail).toBe(owner.email)

    const upcoming = await api(rt, owner, 'GET', billingPath(org.id, '/upcoming'))
    expect(upcoming.status, JSON.stringify(upcoming.body)).toBe(200)
    expect(upcoming.body.upcoming.currency).toBe('usd')
    expect(upcoming.body.upcoming.lines.length).toBeGreaterThan(0)
  })

  it('needs Checkout first: a plan change without a subscription is 409 CHECKOUT_REQUIRED', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const res = await api(rt, owner, 'PUT', billingPath(org.id, '/plan'), { planType: 'business' })
    expect(res.status).toBe(409)
    expect(res.body.error.details.reason).toBe('CHECKOUT_REQUIRED')
    expect((await orgRow(org.id)).planType).toBe('starter')
    const upcoming = await api(rt, owner, 'GET', billingPath(org.id, '/upcoming'))
    expect(upcoming.body).toEqual({ upcoming: null })
    const portal = await api(rt, owner, 'POST', billingPath(org.id, '/portal'))
    expect(portal.status).toBe(409)
    expect(portal.body.error.details.reason).toBe('NO_CUSTOMER')
  })

  it('a downgrade with more numbers than the smaller plan holds is refused and changes nothing', async () => {
    const { owner, org, subscriptionId } = await subscribedOwner('enterprise')
    await giveActiveNumber(rt, org.id)
    await giveActiveNumber(rt, org.id)
    const res = await api(rt, owner, 'PUT', billingPath(org.id, '/plan'), { planType: 'business' })
    expect(res.status).toBe(409)
    expect(res.body.error.details).toMatchObject({ reason: 'NUMBERS_OVER_PLAN', allowed: 1 })
    expect(res.body.error.details.numbers).toHaveLength(2)
    expect((await orgRow(org.id)).planType).toBe('enterprise')
    const prices = stripe.state.subscriptions
      .get(subscriptionId)
      .items.data.map((i: { price: { id: string } }) => i.price.id)
    expect(prices).toContain(stripe.prices.enterprise)
  })

  it('opens the billing portal, and cancelling there falls back to Starter', async () => {
    const { owner, org } = await subscribedOwner('business')
    const portal = await api(rt, owner, 'POST', billingPath(org.id, '/portal'))
    expect(portal.status).toBe(200)
    expect(portal.body.url).toMatch(new RegExp(`^${stripe.url}/p/session/bps_`))
    const cancelled = await fetch(`${portal.body.url}/cancel`, { method: 'POST', redirect: 'manual' })
    expect(cancelled.status).toBe(303)
    await settle(org.id)
    const res = await api(rt, owner, 'GET', billingPath(org.id))
    expect(res.body.planType).toBe('starter')
    expect(res.body.billing.subscription.status).toBe('canceled')
    expect(res.body.billing.overage.available).toBe(false)
  })

  it('a sync on return from Checkout applies the subscription before any webhook arrives', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    stripe.autoDeliver = false
    try {
      const res = await api(rt, owner, 'POST', billingPath(org.id, '/checkout'), { planType: 'business' })
      const sessionId = new URL(res.body.url).pathname.split('/').pop() ?? ''
      await stripe.completeCheckout(sessionId)
      expect((await orgRow(org.id)).planType).toBe('starter')
      const synced = await api(rt, owner, 'POST', billingPath(org.id, '/sync'))
      expect(synced.status, JSON.stringify(synced.body)).toBe(200)
      expect(synced.body.planType).toBe('business')
      expect(synced.body.billing.subscription.status).toBe('active')
    } finally {
      stripe.autoDeliver = true
    }
  })
})

describe('Stripe webhooks', () => {
  const webhookPath = '/api/billing/stripe/webhook'
  const post = (body: string, signature?: string) =>
    rt.request(webhookPath, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'stripe-signature': signature } : {}),
      },
      body,
    })

  it('verifies the signature: wrong secret, old timestamp, missing header and altered body are refused', async () => {
    const { org } = await subscribedOwner('business')
    const event = first(
      stripe.state.events.filter((e) => e.type === 'customer.subscription.created').slice(-1),
    )
    const payload = JSON.stringify({ ...event, id: `evt_forged_${org.id.slice(0, 8)}` })
    const refused = [
      await post(payload, stripe.signatureHeader(payload, { secret: 'whsec_not_the_secret' })),
      await post(
        payload,
        stripe.signatureHeader(payload, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
      ),
      await post(payload),
      await post(payload.replace('"active"', '"canceled"'), stripe.signatureHeader(payload)),
    ]
    for (const res of refused) {
      expect(res.status).toBe(400)
      expect((await res.json()).error.code).toBe('BAD_REQUEST')
    }
    const stored = await rt.services.db
      .select()
      .from(stripeEvents)
      .where(sql`${stripeEvents.id} like 'evt_forged_%'`)
    expect(stored).toHaveLength(0)
    const ok = await post(payload, stripe.signatureHeader(payload))
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ received: true, duplicate: false })
  })

  it('recognises a redelivered event by its id and applies it once', async () => {
    const { org } = await subscribedOwner('business')
    const before = await eventsOf(org.id)
    const paid = first(before.filter((e) => e.type === 'invoice.paid'))
    expect(await stripe.deliver(paid.id)).toBe(200)
    expect(await stripe.deliver(paid.id)).toBe(200)
    const payload = JSON.stringify(first(stripe.state.events.filter((e) => e.id === paid.id)))
    const again = await post(payload, stripe.signatureHeader(payload))
    expect(await again.json()).toEqual({ received: true, duplicate: true })
    expect(await eventsOf(org.id)).toHaveLength(before.length)
    const changes = await rt.services.db
      .select()
      .from(planChanges)
      .where(eq(planChanges.organizationId, org.id))
    expect(changes).toHaveLength(1)
    const invoices = await rt.services.db
      .select()
      .from(billingInvoices)
      .where(eq(billingInvoices.organizationId, org.id))
    expect(invoices).toHaveLength(1)
  })

  it('ends in Stripe’s current state whatever order the events arrive in', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    stripe.autoDeliver = false
    const firstEvent = stripe.state.events.length
    try {
      const res = await api(rt, owner, 'POST', billingPath(org.id, '/checkout'), { planType: 'business' })
      await stripe.completeCheckout(new URL(res.body.url).pathname.split('/').pop() ?? '')
      const account = await accountOf(org.id)
      const sub = [...stripe.state.subscriptions.values()].find(
        (s) => s.customer === account.stripeCustomerId,
      )
      // The owner upgrades in the portal-like way (straight at Stripe), then the events come backwards.
      await stripe.failPayment(sub.id)
      await stripe.recoverPayment(sub.id)
      const made = stripe.state.events.slice(firstEvent)
      expect(made.length).toBeGreaterThanOrEqual(5)
      for (const e of [...made].reverse()) expect(await stripe.deliver(e.id)).toBe(200)
    } finally {
      stripe.autoDeliver = true
    }
    await settle(org.id)
    const res = await api(rt, owner, 'GET', billingPath(org.id))
    expect(res.body.planType).toBe('business')
    expect(res.body.billing.subscription.status).toBe('active')
    expect(res.body.billing.paymentIssue).toBeNull()
    const invoices = await api(rt, owner, 'GET', billingPath(org.id, '/invoices'))
    expect(invoices.body.invoices.map((i: { status: string }) => i.status)).toEqual(['paid', 'paid'])
  })

  it('records an event about a customer that is not ours without applying anything', async () => {
    const payload = JSON.stringify({
      id: 'evt_stranger_1',
      object: 'event',
      type: 'customer.subscription.updated',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'sub_x', object: 'subscription', customer: 'cus_stranger', metadata: {} } },
      livemode: false,
      api_version: null,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    })
    const res = await post(payload, stripe.signatureHeader(payload))
    expect(res.status).toBe(200)
    const row = first(
      await rt.services.db.select().from(stripeEvents).where(eq(stripeEvents.id, 'evt_stranger_1')),
    )
    expect(row.organizationId).toBeNull()
    expect(row.error).toMatch(/no organization/)
  })
})

describe('A failed payment: grace, then Starter, never losing numbers', () => {
  it('keeps the plan during the grace period, falls back to Starter after it, and comes back when paid', async () => {
    const { owner, org, subscriptionId } = await subscribedOwner('enterprise')
    const numbers = [await giveActiveNumber(rt, org.id), await giveActiveNumber(rt, org.id)]
    await stripe.failPayment(subscriptionId)
    await settle(org.id)

    const during = await api(rt, owner, 'GET', billingPath(org.id))
    expect(during.body.planType).toBe('enterprise')
    expect(during.body.billing.subscription.status).toBe('past_due')
    const issue = during.body.billing.paymentIssue
    expect(issue.fallenBack).toBe(false)
    const graceMs = Date.parse(issue.graceEndsAt) - Date.parse(issue.failedAt)
    expect(graceMs).toBe(7 * 24 * 60 * 60 * 1000)
    const scheduled = await queryRows<{ n: number; start_after: Date }>(
      rt.services.db,
      sql`select count(*)::int as n, min(start_after) as start_after from pgboss.job
          where name = 'billing.grace-check' and data->>'organizationId' = ${org.id} and state = 'created'`,
    )
    expect(scheduled[0]?.n).toBe(1)
    expect(new Date(scheduled[0]?.start_after ?? 0).getTime()).toBeGreaterThanOrEqual(
      Date.parse(issue.graceEndsAt),
    )
    // A plan change waits for the payment.
    const change = await api(rt, owner, 'PUT', billingPath(org.id, '/plan'), { planType: 'business' })
    expect(change.status).toBe(409)
    expect(change.body.error.details.reason).toBe('PAYMENT_ISSUE')

    // The grace period ends (moved into the past) and the check runs.
    await rt.services.db
      .update(billingAccounts)
      .set({ graceEndsAt: new Date(Date.now() - 1000) })
      .where(eq(billingAccounts.organizationId, org.id))
    await rt.services.jobs.send('billing.grace-check', { organizationId: org.id })
    await waitFor(async () => (await orgRow(org.id)).planType === 'starter', { what: 'fallback to Starter' })
    const after = await api(rt, owner, 'GET', billingPath(org.id))
    expect(after.body.entitlements).toMatchObject({ monthlyMessages: 500, numbers: 1 })
    expect(after.body.billing.paymentIssue.fallenBack).toBe(true)
    // Nothing released: both numbers are still live; a new one is refused.
    const live = await rt.services.db
      .select()
      .from(phoneNumbers)
      .where(eq(phoneNumbers.organizationId, org.id))
    expect(live.map((n) => [n.e164, n.status]).sort()).toEqual(numbers.map((n) => [n, 'active']).sort())
    expect(after.body.usage).toMatchObject({ numbersUsed: 2, numbersLimit: 1 })
    const audit = await rt.services.db.select().from(auditLog).where(eq(auditLog.organizationId, org.id))
    expect(
      audit.some((a) => a.action === 'plan.changed' && (a.details as { by?: string }).by === 'billing'),
    ).toBe(true)

    await stripe.recoverPayment(subscriptionId)
    await settle(org.id)
    const recovered = await api(rt, owner, 'GET', billingPath(org.id))
    expect(recovered.body.planType).toBe('enterprise')
    expect(recovered.body.billing.paymentIssue).toBeNull()
  })
})

describe('Overage choice', () => {
  it('billing overage sets the allowance to the cap; refusing sets it back to 0', async () => {
    const { owner, org } = await subscribedOwner('business')
    const bill = await api(rt, owner, 'PUT', billingPath(org.id, '/overage'), { mode: 'bill', cap: 300 })
    expect(bill.status, JSON.stringify(bill.body)).toBe(200)
    expect(bill.body).toEqual({ available: true, mode: 'bill', cap: 300, allowance: 300 })
    expect((await orgRow(org.id)).overageAllowance).toBe(300)
    const refuse = await api(rt, owner, 'PUT', billingPath(org.id, '/overage'), { mode: 'refuse', cap: 300 })
    expect(refuse.body.allowance).toBe(0)
    expect((await orgRow(org.id)).overageAllowance).toBe(0)
    for (const bad of [{ mode: 'bill', cap: -1 }, { mode: 'sometimes', cap: 5 }, { mode: 'bill' }]) {
      const res = await api(rt, owner, 'PUT', billingPath(org.id, '/overage'), bad)
      expect(res.status).toBe(400)
    }
  })

  it('is unavailable without a subscription', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const res = await api(rt, owner, 'PUT', billingPath(org.id, '/overage'), { mode: 'bill', cap: 100 })
    expect(res.status).toBe(409)
    expect(res.body.error.details.reason).toBe('OVERAGE_UNAVAILABLE')
    expect((await orgRow(org.id)).overageAllowance).toBe(0)
  })
})

describe('Deleting a subscribed organization', () => {
  it('cancels its subscription at Stripe first', async () => {
    const { owner, org, subscriptionId } = await subscribedOwner('business')
    const res = await api(rt, owner, 'DELETE', `/api/organizations/${org.id}`)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(stripe.state.subscriptions.get(subscriptionId).status).toBe('canceled')
    expect(
      await rt.services.db.select().from(organizations).where(eq(organizations.id, org.id)),
    ).toHaveLength(0)
  })
})

describe('Operator deals with billing on', () => {
  it('an operator’s plan for an organization without a subscription is not undone by billing', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await setPlan(rt, org.id, 'enterprise')
    const portalless = await api(rt, owner, 'POST', billingPath(org.id, '/checkout'), {
      planType: 'business',
    })
    expect(portalless.status).toBe(200)
    // Checkout opened (a customer exists) but was never paid: a sync finds no subscription.
    const synced = await api(rt, owner, 'POST', billingPath(org.id, '/sync'))
    expect(synced.status).toBe(200)
    expect(synced.body.planType).toBe('enterprise')
  })
})

describe('Who may manage billing', () => {
  const routes: [string, string, unknown?][] = [
    ['POST', '/checkout', { planType: 'business' }],
    ['POST', '/portal'],
    ['POST', '/sync'],
    ['PUT', '/overage', { mode: 'bill', cap: 10 }],
    ['GET', '/invoices'],
    ['GET', '/upcoming'],
  ]

  it('no session 401, another tenant 404, an admin 403 — and nothing is made at Stripe', async () => {
    const { owner, org } = await subscribedOwner('business')
    const admin = await signUp(rt)
    await addMember(rt, owner, org.id, admin, 'admin')
    const stranger = await signUp(rt)
    await createOrganization(rt, stranger)
    const sessionsBefore = stripe.state.checkoutSessions.size
    for (const [method, suffix, body] of routes) {
      expect((await api(rt, undefined, method, billingPath(org.id, suffix), body)).status, suffix).toBe(401)
      expect((await api(rt, stranger, method, billingPath(org.id, suffix), body)).status, suffix).toBe(404)
      expect((await api(rt, admin, method, billingPath(org.id, suffix), body)).status, suffix).toBe(403)
    }
    expect(stripe.state.checkoutSessions.size).toBe(sessionsBefore)
    const view = await api(rt, admin, 'GET', billingPath(org.id))
    expect(view.status).toBe(200)
    expect(view.body.planType).toBe('business')
  })

  it('bad input is a 400 that changes nothing', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    for (const body of [{ planType: 'platinum' }, {}, { planType: 'business', extra: 1 }]) {
      const res = await api(rt, owner, 'POST', billingPath(org.id, '/checkout'), body)
      expect(res.status).toBe(400)
    }
    const accounts = await rt.services.db
      .select()
      .from(billingAccounts)
      .where(eq(billingAccounts.organizationId, org.id))
    expect(accounts).toHaveLength(0)
  })
})
