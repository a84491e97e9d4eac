import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syncExtraNumbers } from '../src/server/core/billing/sync-extra-numbers.js'
import { billingAccounts, organizations } from '../src/server/db/schema/index.js'
import type { Billing } from '../src/server/providers/billing/types.js'
import { defined, first } from './support/defined.js'
import { api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { type FakeStripe, startFakeStripe, stripeEnv } from './support/fake-stripe.js'
import { startTwilioTestRuntime, type TwilioTestRuntime } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber } from './support/whatsapp.js'

// Numbers beyond the plan's (issue 17): with extra_numbers_allowance set (billing sells numbers one
// by one), provisioning goes past the plan's numbers and the subscription's per-number item follows
// the count (the fake Stripe, through the real `stripe` SDK, and the fake Twilio).
let fake: FakeStripe
let rt: TwilioTestRuntime
let billing: Billing

beforeAll(async () => {
  fake = await startFakeStripe()
  rt = await startTwilioTestRuntime({
    ...stripeEnv(fake),
    // The plan's cap and the subscription's are under test, not the per-account caps.
    MAX_NUMBERS_PER_USER: '20',
    PROVISIONING_ATTEMPTS_PER_HOUR: '50',
  })
  billing = defined(rt.services.billing, 'billing (STRIPE_SECRET_KEY is set)')
})
afterAll(async () => {
  await rt?.close()
  await fake?.close()
})

/**
 * A Business organization (1 number) subscribed through Checkout on the fake, linked by its
 * billing_accounts row as the lead's apply-subscription writes it, with `allowance` extra numbers.
 */
async function subscribedOrganization(allowance: number) {
  const owner = await signUp(rt)
  const org = await createOrganization(rt, owner, { planType: 'business' })
  const customerId = await billing.createCustomer({
    organizationId: org.id,
    name: org.name,
    email: owner.email,
  })
  const session = await billing.createCheckout({
    customerId,
    organizationId: org.id,
    planType: 'business',
    successUrl: `${rt.config.appUrl}/?tab=billing&checkout=success`,
    cancelUrl: `${rt.config.appUrl}/?tab=billing&checkout=canceled`,
  })
  await fake.completeCheckout(session.id)
  const sub = defined(await billing.currentSubscription(customerId), 'the subscription')
  expect(sub).toMatchObject({ status: 'active', planType: 'business', extraNumbers: 0 })
  await rt.services.db.insert(billingAccounts).values({
    organizationId: org.id,
    stripeCustomerId: customerId,
    stripeSubscriptionId: sub.id,
    subscriptionStatus: 'active',
    subscribedPlan: 'business',
  })
  await rt.services.db
    .update(organizations)
    .set({ extraNumbersAllowance: allowance })
    .where(eq(organizations.id, org.id))
  return { owner, orgId: org.id, subscriptionId: sub.id, customerId }
}

let searched = 0
/** Numbers the fake Twilio offers that no test of this file asked for before. */
async function freshNumbers(owner: TestUser, n: number) {
  const res = await api(rt, owner, 'GET', '/api/organizations/search-numbers?country=US&type=local&limit=50')
  expect(res.status).toBe(200)
  const numbers = (res.body.numbers as { phoneNumber: string }[]).map((x) => x.phoneNumber)
  const picked = numbers.slice(searched, searched + n)
  searched += n
  expect(picked).toHaveLength(n)
  return picked
}

const provision = (owner: TestUser, orgId: string, phoneNumber: string) =>
  api(rt, owner, 'POST', `/api/organizations/${orgId}/provision-number`, { phoneNumber })
const release = (owner: TestUser, orgId: string) =>
  api(rt, owner, 'DELETE', `/api/organizations/${orgId}/provision-number`)

/** The subscription's per-number items at the fake (Stripe.SubscriptionItem), as stored there. */
const extraItems = (subscriptionId: string) =>
  defined(fake.state.subscriptions.get(subscriptionId), 'the subscription at the fake').items.data.filter(
    (i: { price: { id: string } }) => i.price.id === fake.prices.extraNumber,
  ) as { id: string; quantity: number }[]
const billedOf = async (orgId: string) =>
  first(await rt.services.db.select().from(billingAccounts).where(eq(billingAccounts.organizationId, orgId)))
    .extraNumbersBilled

/** Waits until the per-number item bills `quantity` numbers (0: no item) and the account says so. */
async function billedExtra(o: { orgId: string; subscriptionId: string }, quantity: number) {
  await waitFor(
    async () => {
      const items = extraItems(o.subscriptionId)
      const atStripe =
        quantity === 0 ? items.length === 0 : items.length === 1 && items[0]?.quantity === quantity
      return atStripe && (await billedOf(o.orgId)) === quantity
    },
    { what: `${quantity} extra numbers billed`, timeoutMs: 30_000 },
  )
}

describe('numbers beyond the plan', () => {
  it('follow a plan change: an upgrade that includes them stops billing them, a downgrade bills them again', async () => {
    const o = await subscribedOrganization(10)
    for (let i = 0; i < 3; i++) await giveActiveNumber(rt, o.orgId)
    await syncExtraNumbers({ ctx: rt.services, input: { organizationId: o.orgId } })
    await billedExtra(o, 2)
    const up = await api(rt, o.owner, 'PUT', `/api/organizations/${o.orgId}/billing/plan`, {
      planType: 'enterprise',
    })
    expect(up.status, JSON.stringify(up.body)).toBe(200)
    await billedExtra(o, 0)
    const down = await api(rt, o.owner, 'PUT', `/api/organizations/${o.orgId}/billing/plan`, {
      planType: 'business',
    })
    expect(down.status, JSON.stringify(down.body)).toBe(200)
    await billedExtra(o, 2)
  })

  it('are provisioned up to the allowance and billed one by one; releasing lowers, then removes, the item', async () => {
    const o = await subscribedOrganization(2)
    const [a, b, c, d] = await freshNumbers(o.owner, 4)
    expect((await provision(o.owner, o.orgId, defined(a, 'a number'))).status).toBe(202)
    // The plan's own number is not billed.
    expect(await syncExtraNumbers({ ctx: rt.services, input: { organizationId: o.orgId } })).toEqual({
      billed: 0,
    })
    expect(extraItems(o.subscriptionId)).toHaveLength(0)

    expect((await provision(o.owner, o.orgId, defined(b, 'a number'))).status).toBe(202)
    await billedExtra(o, 1)
    expect((await provision(o.owner, o.orgId, defined(c, 'a number'))).status).toBe(202)
    await billedExtra(o, 2)
    const item = first(extraItems(o.subscriptionId))
    expect(item).toMatchObject({ quantity: 2, price: { id: fake.prices.extraNumber } })

    // Past the plan's number and the subscription's two: refused as before, saying why.
    const fourth = await provision(o.owner, o.orgId, defined(d, 'a number'))
    expect(fourth.status).toBe(402)
    expect(fourth.body.error).toMatchObject({ code: 'PLAN_REQUIRED', details: { feature: 'numbers' } })
    expect(fourth.body.error.message).toMatch(/Business plan holds 1 number and the subscription 2 more/)

    expect((await release(o.owner, o.orgId)).status).toBe(200)
    await billedExtra(o, 1)
    expect(first(extraItems(o.subscriptionId)).id).toBe(item.id)
    expect((await release(o.owner, o.orgId)).status).toBe(200)
    await billedExtra(o, 0)
    // Nothing left to change: a sync now asks Stripe nothing.
    const requests = fake.state.requests.length
    expect(await syncExtraNumbers({ ctx: rt.services, input: { organizationId: o.orgId } })).toEqual({
      billed: 0,
    })
    expect(fake.state.requests.length).toBe(requests)
  })

  it('without the allowance, a number beyond the plan answers 402 PLAN_REQUIRED and nothing is billed', async () => {
    const o = await subscribedOrganization(0)
    const [a, b] = await freshNumbers(o.owner, 2)
    expect((await provision(o.owner, o.orgId, defined(a, 'a number'))).status).toBe(202)
    const second = await provision(o.owner, o.orgId, defined(b, 'a number'))
    expect(second.status).toBe(402)
    expect(second.body.error).toMatchObject({
      code: 'PLAN_REQUIRED',
      details: { feature: 'numbers', currentPlan: 'business', requiredPlan: 'enterprise' },
    })
    expect(second.body.error.message).toMatch(/Business plan holds 1 number; release one or upgrade/)
    expect(await syncExtraNumbers({ ctx: rt.services, input: { organizationId: o.orgId } })).toEqual({
      billed: 0,
    })
    expect(extraItems(o.subscriptionId)).toHaveLength(0)
  })

  it('does nothing without a subscription or with billing off', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { planType: 'starter' })
    expect(await syncExtraNumbers({ ctx: rt.services, input: { organizationId: org.id } })).toBeNull()
    const o = await subscribedOrganization(2)
    const [a, b] = await freshNumbers(o.owner, 2)
    expect((await provision(o.owner, o.orgId, defined(a, 'a number'))).status).toBe(202)
    expect((await provision(o.owner, o.orgId, defined(b, 'a number'))).status).toBe(202)
    // Billing off (a deployment without STRIPE_SECRET_KEY): the sync does nothing.
    expect(
      await syncExtraNumbers({ ctx: { ...rt.services, billing: null }, input: { organizationId: o.orgId } }),
    ).toBeNull()
    // With billing on, the enqueued sync bills it.
    await billedExtra(o, 1)
  })
})
