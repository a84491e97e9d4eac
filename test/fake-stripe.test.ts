import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defined, first } from './support/defined.js'
import { type FakeStripe, startFakeStripe, stripeEnv } from './support/fake-stripe.js'
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js'

// The fake driven by the real `stripe` SDK, as our app will drive it; webhooks land on a local
// receiver and are verified with the SDK's own stripe.webhooks.constructEvent.

let fake: FakeStripe
let stripe: Stripe
let receiver: WebhookReceiver

const client = (key: string) =>
  new Stripe(key, {
    host: '127.0.0.1',
    port: Number(new URL(fake.url).port),
    protocol: 'http',
    maxNetworkRetries: 0,
  })

beforeAll(async () => {
  fake = await startFakeStripe()
  receiver = await startWebhookReceiver()
  fake.setWebhookUrl(`${receiver.url}/stripe`)
  stripe = client(fake.secretKey)
})
afterAll(async () => {
  await fake.close()
  await receiver.close()
})

/** Every received webhook, verified by the SDK, as events. */
const verified = () =>
  receiver.received.map((r) =>
    stripe.webhooks.constructEvent(r.body, String(r.headers['stripe-signature']), fake.webhookSecret),
  )

async function subscribe(opts: { quantity?: number } = {}) {
  const customer = await stripe.customers.create({
    email: 'owner@example.com',
    name: 'Acme',
    metadata: { organization_id: 'org_1' },
  })
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    client_reference_id: 'org_1',
    line_items: [
      { price: fake.prices.business, quantity: 1 },
      { price: fake.prices.extraNumber, quantity: opts.quantity ?? 2 },
      { price: fake.prices.overage },
    ],
    success_url: 'http://app.test/billing?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://app.test/billing',
    metadata: { organization_id: 'org_1' },
    subscription_data: { metadata: { organization_id: 'org_1' } },
  })
  return { customer, session }
}

describe('fake Stripe through the real SDK', () => {
  it('rejects a missing or wrong secret key with 401', async () => {
    await expect(client('sk_test_wrong').customers.create({ email: 'x@example.com' })).rejects.toMatchObject({
      type: 'StripeAuthenticationError',
      statusCode: 401,
    })
    const res = await fetch(`${fake.url}/v1/customers/cus_x`)
    expect(res.status).toBe(401)
    expect((await res.json()).error.type).toBe('invalid_request_error')
  })

  it('creates and retrieves customers; an unknown id is a 404 resource_missing', async () => {
    const customer = await stripe.customers.create({
      email: 'a@example.com',
      name: 'A',
      metadata: { organization_id: 'org_a' },
    })
    expect(customer).toMatchObject({ object: 'customer', email: 'a@example.com', name: 'A' })
    expect(customer.id).toMatch(/^cus_/)
    const recorded = defined(
      fake.state.requests.findLast((r) => r.path === '/v1/customers'),
      'the request',
    )
    expect(recorded.body.metadata).toEqual({ organization_id: 'org_a' })
    expect(recorded.headers.authorization).toBe(`Bearer ${fake.secretKey}`)
    expect((await stripe.customers.retrieve(customer.id)).id).toBe(customer.id)
    await expect(stripe.customers.retrieve('cus_missing')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
    })
  })

  it('serves the five prices; overage is metered on the meter of meterEventName', async () => {
    const amounts = { starter: 2900, business: 9900, enterprise: 29900, extraNumber: 1500, overage: 2 }
    for (const [name, amount] of Object.entries(amounts)) {
      const price = await stripe.prices.retrieve(fake.prices[name as keyof typeof amounts])
      expect(price).toMatchObject({ object: 'price', currency: 'usd', unit_amount: amount, active: true })
      expect(price.recurring).toMatchObject({ interval: 'month', interval_count: 1 })
      expect(price.product).toMatch(/^prod_/)
    }
    const overage = await stripe.prices.retrieve(fake.prices.overage)
    expect(overage.recurring?.usage_type).toBe('metered')
    const meter = await stripe.billing.meters.retrieve(defined(overage.recurring?.meter, 'meter'))
    expect(meter.event_name).toBe(fake.meterEventName)
    expect(stripeEnv(fake)).toMatchObject({
      STRIPE_API_BASE_URL: fake.url,
      STRIPE_PRICE_OVERAGE: fake.prices.overage,
      STRIPE_METER_EVENT_NAME: 'whatsapp_messages',
    })
  })

  it('rejects bad checkout parameters with 400', async () => {
    const customer = await stripe.customers.create({ email: 'b@example.com' })
    const base = { mode: 'subscription' as const, customer: customer.id, success_url: 'http://app.test/ok' }
    await expect(
      stripe.checkout.sessions.create({ ...base, line_items: [{ price: fake.prices.overage, quantity: 3 }] }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'line_items[0][quantity]' })
    await expect(
      stripe.checkout.sessions.create({ ...base, line_items: [{ price: 'price_nope', quantity: 1 }] }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'line_items[0][price]' })
  })

  it('runs Checkout through the hosted page: subscription, paid invoice, signed events in order', async () => {
    const { customer, session } = await subscribe()
    expect(session).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      mode: 'subscription',
      customer: customer.id,
      client_reference_id: 'org_1',
      subscription: null,
      url: `${fake.url}/c/pay/${session.id}`,
    })
    expect(session.id).toMatch(/^cs_test_/)
    const sent = defined(
      fake.state.requests.findLast((r) => r.path === '/v1/checkout/sessions'),
      'request',
    )
    expect(sent.body.line_items[1]).toEqual({ price: fake.prices.extraNumber, quantity: '2' })
    expect(sent.body.subscription_data).toEqual({ metadata: { organization_id: 'org_1' } })

    const page = await fetch(defined(session.url, 'url'))
    const text = await page.text()
    expect(text).toContain('Business')
    expect(text).toContain('$99.00')
    expect(text).toContain('Subscribe</button>')
    expect(text).toContain('<a href="http://app.test/billing">Cancel</a>')

    const before = receiver.received.length
    const pay = await fetch(`${fake.url}/c/pay/${session.id}`, { method: 'POST', redirect: 'manual' })
    expect(pay.status).toBe(303)
    expect(pay.headers.get('location')).toBe(`http://app.test/billing?session=${session.id}`)

    const done = await stripe.checkout.sessions.retrieve(session.id)
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid' })
    const sub = await stripe.subscriptions.retrieve(defined(done.subscription as string, 'subscription'))
    expect(sub).toMatchObject({ status: 'active', customer: customer.id, cancel_at_period_end: false })
    expect(sub.metadata).toEqual({ organization_id: 'org_1' })
    expect(sub.items.data.map((i) => [i.price.id, i.quantity])).toEqual([
      [fake.prices.business, 1],
      [fake.prices.extraNumber, 2],
      [fake.prices.overage, undefined],
    ])
    const item = first(sub.items.data)
    expect(item.current_period_end - item.current_period_start).toBe(30 * 86_400)

    const invoice = await stripe.invoices.retrieve(defined(sub.latest_invoice as string, 'invoice'))
    expect(invoice).toMatchObject({ status: 'paid', amount_due: 9900 + 2 * 1500, amount_paid: 12900 })
    expect(invoice.amount_remaining).toBe(0)
    expect(invoice.parent?.subscription_details?.subscription).toBe(sub.id)
    expect(invoice.hosted_invoice_url).toBe(`${fake.url}/i/${invoice.id}`)
    expect(invoice.lines.data.map((l) => l.amount)).toEqual([9900, 3000])
    const hostedInvoice = await fetch(defined(invoice.hosted_invoice_url, 'hosted url'))
    expect(await hostedInvoice.text()).toContain('$129.00')
    const pdf = await fetch(defined(invoice.invoice_pdf, 'pdf'))
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect((await pdf.text()).startsWith('%PDF-')).toBe(true)

    const events = verified().slice(before)
    expect(events.map((e) => e.type)).toEqual([
      'checkout.session.completed',
      'customer.subscription.created',
      'invoice.paid',
    ])
    expect(events[0]?.api_version).toBe(Stripe.API_VERSION)
    expect(fake.state.deliveries.slice(-3).map((d) => d.status)).toEqual([200, 200, 200])
    expect((await stripe.events.retrieve(defined(events[1], 'event').id)).type).toBe(
      'customer.subscription.created',
    )
    // A completed session's page no longer sells anything.
    expect((await fetch(`${fake.url}/c/pay/${session.id}`, { method: 'POST' })).status).toBe(400)
  })

  it('changes subscription items and reports previous_attributes', async () => {
    const { session } = await subscribe()
    await fake.completeCheckout(session.id)
    const subId = defined(fake.state.checkoutSessions.get(session.id)?.subscription, 'sub') as string
    const sub = await stripe.subscriptions.retrieve(subId)
    const [business, numbers] = sub.items.data
    const updated = await stripe.subscriptions.update(subId, {
      items: [
        { id: defined(business, 'business').id, price: fake.prices.enterprise },
        { id: defined(numbers, 'numbers').id, deleted: true },
      ],
      proration_behavior: 'create_prorations',
      cancel_at_period_end: true,
      metadata: { plan: 'enterprise' },
    })
    expect(updated.items.data.map((i) => i.price.id)).toEqual([fake.prices.enterprise, fake.prices.overage])
    expect(updated.cancel_at_period_end).toBe(true)
    expect(updated.metadata).toEqual({ organization_id: 'org_1', plan: 'enterprise' })
    await fake.settled()
    const event = defined(fake.state.events.at(-1), 'event')
    expect(event.type).toBe('customer.subscription.updated')
    expect(event.data.previous_attributes.cancel_at_period_end).toBe(false)
    expect(event.data.previous_attributes.items.data).toHaveLength(3)

    const added = await stripe.subscriptionItems.create({
      subscription: subId,
      price: fake.prices.extraNumber,
      quantity: 4,
      proration_behavior: 'none',
    })
    expect(added).toMatchObject({ object: 'subscription_item', quantity: 4, subscription: subId })
    expect((await stripe.subscriptionItems.update(added.id, { quantity: 5 })).quantity).toBe(5)
    await expect(
      stripe.subscriptionItems.create({ subscription: subId, price: fake.prices.extraNumber, quantity: 1 }),
    ).rejects.toMatchObject({ statusCode: 400 })
    expect(await stripe.subscriptionItems.del(added.id)).toEqual({
      id: added.id,
      object: 'subscription_item',
      deleted: true,
    })
    expect(
      fake.state.events.filter((e) => e.type === 'customer.subscription.updated').length,
    ).toBeGreaterThan(3)
    await expect(
      stripe.subscriptions.update(subId, { proration_behavior: 'sometimes' }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'proration_behavior',
    })

    // Renewal with cancel_at_period_end ends it.
    await fake.renew(subId)
    expect((await stripe.subscriptions.retrieve(subId)).status).toBe('canceled')
    expect(fake.state.events.at(-1)?.type).toBe('customer.subscription.deleted')
  })

  it('counts meter events once and prices the preview from them', async () => {
    const { customer, session } = await subscribe({ quantity: 1 })
    await fake.completeCheckout(session.id)
    const subId = fake.state.checkoutSessions.get(session.id)?.subscription as string
    const meterEvent = (identifier: string, value: string) =>
      stripe.billing.meterEvents.create({
        event_name: fake.meterEventName,
        identifier,
        payload: { stripe_customer_id: customer.id, value },
      })
    const accepted = await meterEvent(`${subId}-1`, '100')
    expect(accepted).toMatchObject({
      object: 'billing.meter_event',
      livemode: false,
      identifier: `${subId}-1`,
    })
    await meterEvent(`${subId}-2`, '50')
    await expect(meterEvent(`${subId}-1`, '100')).rejects.toMatchObject({ statusCode: 400 })
    await expect(
      stripe.billing.meterEvents.create({
        event_name: 'nope',
        payload: { stripe_customer_id: customer.id, value: '1' },
      }),
    ).rejects.toMatchObject({ statusCode: 400 })

    const preview = await stripe.invoices.createPreview({ customer: customer.id, subscription: subId })
    expect(preview.id).toMatch(/^upcoming_in/)
    expect(preview.status).toBe('draft')
    expect(preview.amount_due).toBe(9900 + 1500 + 150 * 2)
    expect(preview.lines.data.map((l) => l.amount)).toEqual([9900, 1500, 300])

    await fake.renew(subId)
    const renewed = await stripe.subscriptions.retrieve(subId)
    expect(first(renewed.items.data).current_period_start).toBe(preview.period_end)
    const invoices = await stripe.invoices.list({ customer: customer.id, limit: 10 })
    expect(invoices.data.map((i) => [i.billing_reason, i.status, i.amount_paid])).toEqual([
      ['subscription_cycle', 'paid', 11700],
      ['subscription_create', 'paid', 11400],
    ])
    // Billed usage is not billed again.
    expect((await stripe.invoices.createPreview({ subscription: subId })).amount_due).toBe(11400)
  })

  it('fails and recovers a payment, and cancels, through the hosted portal', async () => {
    const { customer, session } = await subscribe()
    await fake.completeCheckout(session.id)
    const subId = fake.state.checkoutSessions.get(session.id)?.subscription as string
    const before = receiver.received.length
    await fake.failPayment(subId)
    expect((await stripe.subscriptions.retrieve(subId)).status).toBe('past_due')
    const open = await stripe.invoices.list({ customer: customer.id, limit: 1 })
    expect(first(open.data)).toMatchObject({ status: 'open', attempt_count: 1, amount_paid: 0 })

    const portal = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: 'http://app.test/billing',
    })
    expect(portal).toMatchObject({
      object: 'billing_portal.session',
      url: `${fake.url}/p/session/${portal.id}`,
    })
    const page = await (await fetch(portal.url)).text()
    expect(page).toContain('Update payment method')
    expect(page).toContain('<a href="http://app.test/billing">Return</a>')
    const update = await fetch(`${portal.url}/payment-method`, { method: 'POST', redirect: 'manual' })
    expect(update.status).toBe(303)
    expect((await stripe.subscriptions.retrieve(subId)).status).toBe('active')
    expect(await (await fetch(portal.url)).text()).not.toContain('Update payment method')

    const cancel = await fetch(`${portal.url}/cancel`, { method: 'POST', redirect: 'manual' })
    expect(cancel.headers.get('location')).toBe(portal.url)
    const canceled = await stripe.subscriptions.retrieve(subId)
    expect(canceled.status).toBe('canceled')
    expect(canceled.ended_at).not.toBeNull()
    expect(
      verified()
        .slice(before)
        .map((e) => e.type),
    ).toEqual([
      'invoice.payment_failed',
      'customer.subscription.updated',
      'invoice.paid',
      'customer.subscription.updated',
      'customer.subscription.deleted',
    ])
    const live = await stripe.subscriptions.list({ customer: customer.id })
    expect(live.data).toHaveLength(0)
    const all = await stripe.subscriptions.list({ customer: customer.id, status: 'all' })
    expect(all.data.map((s) => s.id)).toEqual([subId])
  })

  it('cancels through the API', async () => {
    const { session } = await subscribe()
    await fake.completeCheckout(session.id)
    const subId = fake.state.checkoutSessions.get(session.id)?.subscription as string
    const canceled = await stripe.subscriptions.cancel(subId)
    expect(canceled.status).toBe('canceled')
    await fake.settled()
    expect(fake.state.events.at(-1)).toMatchObject({
      type: 'customer.subscription.deleted',
      data: { object: { id: subId } },
    })
    await expect(stripe.subscriptions.update(subId, { cancel_at_period_end: true })).rejects.toMatchObject({
      statusCode: 400,
    })
  })

  it('signs deliveries so that a wrong secret or an old timestamp fails verification', async () => {
    const event = defined(fake.state.events[0], 'an event')
    const payload = JSON.stringify(event, null, 2)
    const header = fake.signatureHeader(payload)
    expect(stripe.webhooks.constructEvent(payload, header, fake.webhookSecret).id).toBe(event.id)
    expect(header).toBe(
      stripe.webhooks.generateTestHeaderString({
        payload,
        secret: fake.webhookSecret,
        timestamp: Number(/t=(\d+)/.exec(header)?.[1]),
      }),
    )

    const count = receiver.received.length
    expect(await fake.deliver(event.id, { secret: 'whsec_forged' })).toBe(200)
    expect(await fake.deliver(event.id, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).toBe(200)
    const [forged, stale] = receiver.received.slice(count)
    for (const r of [forged, stale]) {
      const sig = String(defined(r, 'delivery').headers['stripe-signature'])
      expect(() =>
        stripe.webhooks.constructEvent(defined(r, 'delivery').body, sig, fake.webhookSecret),
      ).toThrow(Stripe.errors.StripeSignatureVerificationError)
    }

    receiver.script(500)
    expect(await fake.deliver(event.id)).toBe(500)
    fake.setWebhookUrl('http://127.0.0.1:1/unreachable')
    expect(await fake.deliver(event.id)).toBe(0)
    expect(fake.state.deliveries.at(-1)).toMatchObject({ eventId: event.id, status: null })
    expect(fake.state.deliveries.at(-1)?.error).toBeTruthy()

    // With autoDeliver off, events are only queued.
    fake.setWebhookUrl(`${receiver.url}/stripe`)
    fake.autoDeliver = false
    const received = receiver.received.length
    await stripe.subscriptions.cancel(
      defined(
        [...fake.state.subscriptions.values()].find((s) => s.status !== 'canceled'),
        'live',
      ).id,
    )
    await fake.settled()
    expect(receiver.received.length).toBe(received)
    expect(fake.state.events.at(-1)?.type).toBe('customer.subscription.deleted')
    fake.autoDeliver = true
  })
})
