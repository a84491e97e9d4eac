import { createHmac, randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import Stripe from 'stripe'

// A local server that answers like Stripe's v1 API for the billing flows we use: customers, prices,
// Checkout (subscription mode) with a hosted page, subscriptions and their items, invoices (and a
// preview), meter events, the customer portal with a hosted page, events and signed webhooks. Point
// the real `stripe` SDK at it: new Stripe(secretKey, { host: '127.0.0.1', port, protocol: 'http' }).
//
// Shapes follow the SDK's own types in node_modules/stripe/esm/resources (stripe 23.1.0, API version
// Stripe.API_VERSION); each builder below names the interface it follows. Fields we never set
// meaningfully are present with Stripe's neutral values (null, [], false) so code reading them sees
// what a real test-mode account would send.
//
// Time does not jump: renew() and failPayment() advance a subscription's period dates by 30 days
// while the clock stays where it is, so metered usage is billed by "not yet on an invoice" (each
// meter event is billed once, by the first renewal invoice after it) rather than by timestamp.

// biome-ignore lint/suspicious/noExplicitAny: Stripe objects are plain JSON, read field by field in tests
type Json = any

export interface FakeStripePrices {
  starter: string
  business: string
  enterprise: string
  extraNumber: string
  overage: string
}

export interface FakeStripeRequest {
  method: string
  /** Path without the query string. */
  path: string
  /** The query string, bracket notation parsed into nested objects and arrays. */
  query: Json
  /** The form body, parsed like the query; undefined when empty. */
  body: Json
  headers: IncomingHttpHeaders
}

export interface FakeStripeDelivery {
  eventId: string
  /** The webhook endpoint's HTTP status, or null when the request did not get an answer. */
  status: number | null
  error?: string
}

export interface FakeStripeState {
  requests: FakeStripeRequest[]
  customers: Map<string, Json>
  subscriptions: Map<string, Json>
  invoices: Map<string, Json>
  checkoutSessions: Map<string, Json>
  portalSessions: Map<string, Json>
  /** Accepted meter events (Stripe.Billing.MeterEvent), duplicates left out. */
  meterEvents: Json[]
  /** Every event made, in order. */
  events: Json[]
  deliveries: FakeStripeDelivery[]
}

export interface SignatureOptions {
  /** Sign with another secret (a forged or rotated one). */
  secret?: string
  /** Unix seconds to sign at (an old one makes constructEvent reject it as outside its tolerance). */
  timestamp?: number
}

export interface FakeStripe {
  /** http://127.0.0.1:PORT (the app's STRIPE_API_BASE_URL). */
  url: string
  secretKey: string
  webhookSecret: string
  prices: FakeStripePrices
  meterEventName: string
  /** Where events are POSTed; null = nowhere (events are only recorded in state.events). */
  setWebhookUrl(url: string | null): void
  /**
   * Default true: each event is POSTed as soon as it is made, one at a time in order. The test
   * controls below (and the hosted pages' buttons) await those deliveries; events caused by an API
   * call are delivered after the call is answered, as Stripe does, so a caller holding a lock while
   * it calls Stripe cannot deadlock with its own webhook handler. `settled()` awaits those too.
   */
  autoDeliver: boolean
  state: FakeStripeState
  /** What the hosted checkout page's Subscribe button does. */
  completeCheckout(sessionId: string): Promise<void>
  /** The renewal payment fails: a new period starts, its invoice stays open, the subscription is past_due. */
  failPayment(subscriptionId: string): Promise<void>
  /** The open invoice of a past_due subscription gets paid; the subscription is active again. */
  recoverPayment(subscriptionId: string): Promise<void>
  cancelSubscription(subscriptionId: string): Promise<void>
  /** A new period: invoice paid, period dates advance 30 days (or it ends, if cancel_at_period_end). */
  renew(subscriptionId: string): Promise<void>
  /** POSTs one event (again); returns the HTTP status, or 0 when the request got no answer. */
  deliver(eventId: string, opts?: SignatureOptions): Promise<number>
  signatureHeader(payload: string, opts?: SignatureOptions): string
  /** Resolves once every queued delivery has been attempted. */
  settled(): Promise<void>
  close(): Promise<void>
}

const DAY = 86_400
const PERIOD = 30 * DAY
const now = () => Math.floor(Date.now() / 1000)
const clone = <T>(value: T): T => structuredClone(value)
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const random = (n: number) => [...randomBytes(n)].map((b) => ALPHABET[b % ALPHABET.length]).join('')
const newId = (prefix: string) => `${prefix}_${random(24)}`
const money = (cents: number) => `$${(cents / 100).toFixed(2)}`
const escapeHtml = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A Stripe error answer: { error: { type, message, code?, param? } } (https://docs.stripe.com/api/errors). */
class StripeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { code?: string; param?: string; type?: string } = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}
const bad = (message: string, param?: string) => new StripeApiError(400, message, param ? { param } : {})
/** A missing object: 404 when its id is in the path, 400 when a parameter names it (as Stripe does). */
const noSuch = (what: string, id: unknown, param = 'id') =>
  new StripeApiError(param === 'id' ? 404 : 400, `No such ${what}: '${String(id)}'`, {
    code: 'resource_missing',
    param,
  })

/**
 * Parses the SDK's form encoding (stripe/esm/utils.js stringifyRequestData): `a[b][0][c]=v` becomes
 * { a: { b: [{ c: 'v' }] } }. Values stay strings ('true', '12'); callers coerce.
 */
function parseStripeForm(text: string): Record<string, Json> {
  const root: Record<string, Json> = {}
  for (const [key, value] of new URLSearchParams(text)) {
    const head = /^[^[]*/.exec(key)?.[0] ?? key
    const path = [head, ...[...key.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '')]
    let node = root
    path.forEach((raw, i) => {
      const part = raw === '' ? String(Object.keys(node).length) : raw
      if (i === path.length - 1) node[part] = value
      else {
        if (typeof node[part] !== 'object' || node[part] === null) node[part] = {}
        node = node[part]
      }
    })
  }
  const arrays = (node: Json): Json => {
    if (typeof node !== 'object' || node === null) return node
    const keys = Object.keys(node)
    for (const k of keys) node[k] = arrays(node[k])
    if (keys.length && keys.every((k) => /^\d+$/.test(k))) {
      return keys.sort((a, b) => Number(a) - Number(b)).map((k) => node[k])
    }
    return node
  }
  return arrays(root)
}

function int(value: unknown, param: string): number {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw bad(`Invalid integer: ${value}`, param)
  return Number(value)
}
function bool(value: unknown, param: string): boolean {
  if (value === 'true') return true
  if (value === 'false') return false
  throw bad(`Invalid boolean: ${value}`, param)
}
function required(params: Json, key: string): string {
  const value = params?.[key]
  if (typeof value !== 'string' || value === '') throw bad(`Missing required param: ${key}.`, key)
  return value
}
const optional = (params: Json, key: string): string | null =>
  typeof params?.[key] === 'string' && params[key] !== '' ? params[key] : null
const asArray = (value: Json): Json[] => (Array.isArray(value) ? value : value === undefined ? [] : [value])

/** Stripe's metadata update rules: keys merge, '' unsets a key, metadata='' unsets all. */
function mergeMetadata(current: Record<string, string>, update: Json): Record<string, string> {
  if (update === undefined) return current
  if (update === '') return {}
  if (typeof update !== 'object' || Array.isArray(update)) throw bad('Invalid hash', 'metadata')
  const out = { ...current }
  for (const [k, v] of Object.entries(update)) {
    if (typeof v !== 'string') throw bad(`Invalid metadata value for ${k}`, `metadata[${k}]`)
    if (v === '') delete out[k]
    else out[k] = v
  }
  return out
}

const PRORATION = ['always_invoice', 'create_prorations', 'none']
function checkProration(params: Json) {
  const value = params.proration_behavior
  if (value !== undefined && !PRORATION.includes(value)) {
    throw bad(`Invalid proration_behavior: must be one of ${PRORATION.join(', ')}`, 'proration_behavior')
  }
}

/** The top-level fields of `after` that differ from `before`, with their old values (Event.Data.previous_attributes). */
function previousAttributes(before: Json, after: Json): Record<string, Json> {
  const out: Record<string, Json> = {}
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = before[key] ?? null
  }
  return out
}

interface Reply {
  status: number
  body: string
  type: string
  headers?: Record<string, string>
}
const json = (status: number, value: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body: JSON.stringify(value, null, 2),
  type: 'application/json',
  headers,
})
const html = (status: number, title: string, inner: string): Reply => ({
  status,
  type: 'text/html; charset=utf-8',
  body: `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${inner}</body></html>`,
})
const redirect = (location: string): Reply => ({
  status: 303,
  body: '',
  type: 'text/plain',
  headers: { location },
})

/**
 * `{ a: null, b: null, … }`: the fields of a Stripe type that a test-mode account leaves null (or, with
 * `value`, empty) for the flows we fake. Keeps each object's full shape without a line per neutral field.
 */
const neutral = (names: string, value: unknown = null): Record<string, Json> =>
  Object.fromEntries(
    names
      .split(/\s+/)
      .filter(Boolean)
      .map((k) => [k, clone(value)]),
  )
const empty = (names: string) => neutral(names, [])

export async function startFakeStripe(): Promise<FakeStripe> {
  const secretKey = `sk_test_fake_${random(24)}`
  const webhookSecret = `whsec_${random(32)}`
  const meterEventName = 'whatsapp_messages'
  const state: FakeStripeState = {
    requests: [],
    customers: new Map(),
    subscriptions: new Map(),
    invoices: new Map(),
    checkoutSessions: new Map(),
    portalSessions: new Map(),
    meterEvents: [],
    events: [],
    deliveries: [],
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const url = new URL(req.url ?? '/', 'http://fake-stripe')
      const record: FakeStripeRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: parseStripeForm(url.search.slice(1)),
        body: raw ? parseStripeForm(raw) : undefined,
        headers: req.headers,
      }
      state.requests.push(record)
      handle(record)
        .catch((err: unknown) => errorReply(err))
        .then((reply) => {
          const length = Buffer.byteLength(reply.body)
          const headers = { 'content-type': reply.type, 'content-length': length, 'request-id': newId('req') }
          res.writeHead(reply.status, { ...headers, ...reply.headers })
          res.end(reply.body)
        })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const created = now()
  // Stripe.Billing.Meter (resources/Billing/Meters.d.ts): sums payload.value per payload.stripe_customer_id.
  const meter = {
    id: newId('mtr'),
    object: 'billing.meter',
    created,
    customer_mapping: { event_payload_key: 'stripe_customer_id', type: 'by_id' },
    default_aggregation: { formula: 'sum' },
    display_name: 'WhatsApp messages',
    event_name: meterEventName,
    event_time_window: null,
    livemode: false,
    status: 'active',
    status_transitions: { deactivated_at: null },
    updated: created,
    value_settings: { event_payload_key: 'value' },
  }
  const products = new Map<string, Json>()
  const prices = new Map<string, Json>()
  /** Stripe.Product, and Stripe.Price (resources/Prices.d.ts; recurring: interval, interval_count, meter, usage_type). */
  function definePrice(
    nickname: string,
    unitAmount: number,
    usage: 'licensed' | 'metered',
    unitLabel?: string,
  ) {
    const productId = newId('prod')
    const price = {
      id: newId('price'),
      object: 'price',
      active: true,
      billing_scheme: 'per_unit',
      created,
      currency: 'usd',
      ...neutral('custom_unit_amount lookup_key tiers_mode transform_quantity'),
      livemode: false,
      metadata: {},
      nickname,
      product: productId,
      recurring: {
        interval: 'month',
        interval_count: 1,
        meter: usage === 'metered' ? meter.id : null,
        trial_period_days: null,
        usage_type: usage,
      },
      tax_behavior: 'unspecified',
      type: 'recurring',
      unit_amount: unitAmount,
      unit_amount_decimal: String(unitAmount),
    }
    products.set(productId, {
      id: productId,
      object: 'product',
      active: true,
      created,
      default_price: price.id,
      ...neutral('description package_dimensions shippable statement_descriptor tax_code url'),
      ...empty('images marketing_features'),
      livemode: false,
      metadata: {},
      name: nickname,
      type: 'service',
      unit_label: unitLabel ?? null,
      updated: created,
    })
    prices.set(price.id, price)
    return price.id
  }
  const priceIds: FakeStripePrices = {
    starter: definePrice('Starter', 2900, 'licensed'),
    business: definePrice('Business', 9900, 'licensed'),
    enterprise: definePrice('Enterprise', 29900, 'licensed'),
    extraNumber: definePrice('Extra number', 1500, 'licensed', 'number'),
    overage: definePrice('Message overage', 2, 'metered', 'message'),
  }
  const unitLabel = (price: Json) => products.get(price.product)?.unit_label ?? 'unit'
  const metered = (price: Json) => price.recurring.usage_type === 'metered'

  let webhookUrl: string | null = null
  let deliveries: Promise<void> = Promise.resolve()
  let invoiceNumber = 0
  /** Meter event identifier → the invoice that billed it. */
  const billedUsage = new Map<string, string>()
  /** Checkout session id → the line items it sells (the Session object only lists them when expanded). */
  const sessionLines = new Map<string, { price: Json; quantity: number | undefined }[]>()
  /** Checkout session id → subscription_data[metadata], for the subscription it creates. */
  const sessionSubscriptionMetadata = new Map<string, Record<string, string>>()

  // --- Events and webhooks -------------------------------------------------------------------------

  /** Stripe's scheme (https://docs.stripe.com/webhooks#verify-manually): v1 = HMAC-SHA256(secret, `${t}.${payload}`). */
  function signatureHeader(payload: string, opts: SignatureOptions = {}) {
    const t = opts.timestamp ?? now()
    const v1 = createHmac('sha256', opts.secret ?? webhookSecret)
      .update(`${t}.${payload}`, 'utf8')
      .digest('hex')
    return `t=${t},v1=${v1}`
  }

  async function post(event: Json, opts: SignatureOptions = {}): Promise<number> {
    const target = webhookUrl
    if (!target) throw new Error('fake-stripe: no webhook URL set (setWebhookUrl)')
    const payload = JSON.stringify(event, null, 2)
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signatureHeader(payload, opts),
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      })
      await res.arrayBuffer().catch(() => undefined)
      state.deliveries.push({ eventId: event.id, status: res.status })
      return res.status
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err
      state.deliveries.push({ eventId: event.id, status: null, error: String(cause) })
      return 0
    }
  }

  /** Stripe.Event (resources/Events.d.ts EventBase): data.object is a snapshot of the object at that moment. */
  function emit(type: string, object: Json, previous?: Record<string, Json>) {
    const event = {
      id: newId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: now(),
      data: previous ? { object: clone(object), previous_attributes: previous } : { object: clone(object) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    }
    state.events.push(event)
    if (fake.autoDeliver) {
      deliveries = deliveries.then(async () => {
        if (webhookUrl) await post(event)
      })
    }
  }

  // --- Lookups -------------------------------------------------------------------------------------

  const getter =
    (map: Map<string, Json>, what: string) =>
    (id: unknown, param = 'id') => {
      const found = typeof id === 'string' ? map.get(id) : undefined
      if (!found) throw noSuch(what, id, param)
      return found
    }
  const customerOf = getter(state.customers, 'customer')
  const priceOf = getter(prices, 'price')
  const subscriptionOf = getter(state.subscriptions, 'subscription')
  function itemOf(id: string): { sub: Json; item: Json } {
    for (const sub of state.subscriptions.values()) {
      const item = sub.items.data.find((i: Json) => i.id === id)
      if (item) return { sub, item }
    }
    throw noSuch('subscription_item', id)
  }
  /** The customer's newest subscription that has not ended. */
  const liveSubscription = (customerId: string): Json | undefined =>
    [...state.subscriptions.values()]
      .reverse()
      .find((s) => s.customer === customerId && !['canceled', 'incomplete_expired'].includes(s.status))
  const subscriptionOfInvoice = (invoice: Json) => invoice.parent?.subscription_details?.subscription
  const openInvoiceOf = (subId: string) =>
    [...state.invoices.values()]
      .reverse()
      .find((i) => i.status === 'open' && subscriptionOfInvoice(i) === subId)

  /** The `expand[]` parameter: replaces ids on those paths with their objects ('data.' walks a list's items). */
  function expand(node: Json, path: string[]): Json {
    if (Array.isArray(node)) return node.map((n) => expand(n, path))
    const [head, ...rest] = path
    if (!head || typeof node !== 'object' || node === null) return node
    let value = node[head]
    if (typeof value === 'string') {
      const maps: Record<string, Map<string, Json>> = {
        cus: state.customers,
        sub: state.subscriptions,
        in: state.invoices,
        price: prices,
        prod: products,
        cs: state.checkoutSessions,
      }
      value = clone(maps[value.split('_')[0] ?? '']?.get(value)) ?? value
    }
    node[head] = rest.length ? expand(value, rest) : value
    return node
  }

  /** An ApiList (lib.d.ts), in the caller's order (newest first); `limit` and `starting_after` page it. */
  function list(all: Json[], url: string, query: Json) {
    const limit = query.limit === undefined ? 10 : int(query.limit, 'limit')
    if (limit < 1 || limit > 100) throw bad('Invalid limit: must be between 1 and 100', 'limit')
    let start = 0
    if (query.starting_after !== undefined) {
      start = all.findIndex((o) => o.id === query.starting_after) + 1
      if (start === 0) throw noSuch('object', query.starting_after, 'starting_after')
    }
    return {
      object: 'list',
      data: all.slice(start, start + limit),
      has_more: start + limit < all.length,
      url,
    }
  }

  // --- Builders ------------------------------------------------------------------------------------

  /** Stripe.Customer (resources/Customers.d.ts). */
  function createCustomer(params: Json) {
    const customer = {
      id: newId('cus'),
      object: 'customer',
      ...neutral('address currency default_source discount shipping test_clock'),
      balance: 0,
      created: now(),
      delinquent: false,
      description: optional(params, 'description'),
      email: optional(params, 'email'),
      invoice_prefix: random(8).toUpperCase(),
      invoice_settings: neutral('custom_fields default_payment_method footer rendering_options'),
      livemode: false,
      metadata: mergeMetadata({}, params.metadata),
      name: optional(params, 'name'),
      next_invoice_sequence: 1,
      phone: optional(params, 'phone'),
      preferred_locales: [],
      tax_exempt: 'none',
    }
    state.customers.set(customer.id, customer)
    return customer
  }

  /** Quantity rules of Checkout and subscription items: licensed prices take one (default 1), metered none. */
  function quantityFor(price: Json, raw: unknown, param: string): number | undefined {
    if (metered(price)) {
      if (raw === undefined || raw === '') return undefined
      throw bad('Quantity should not be specified where usage_type is `metered`.', param)
    }
    const quantity = raw === undefined ? 1 : int(raw, param)
    if (quantity < 0) throw bad('This value must be greater than or equal to 0.', param)
    return quantity
  }

  /** Stripe.Plan (resources/Plans.d.ts): the legacy twin of a Price that a SubscriptionItem still carries. */
  function setPrice(item: Json, price: Json) {
    item.price = clone(price)
    item.plan = {
      id: price.id,
      object: 'plan',
      active: true,
      amount: price.unit_amount,
      amount_decimal: price.unit_amount_decimal,
      billing_scheme: price.billing_scheme,
      created: price.created,
      currency: price.currency,
      interval: price.recurring.interval,
      interval_count: price.recurring.interval_count,
      livemode: false,
      metadata: {},
      meter: price.recurring.meter,
      nickname: price.nickname,
      product: price.product,
      ...neutral('tiers_mode transform_usage trial_period_days'),
      usage_type: price.recurring.usage_type,
    }
  }

  /**
   * Stripe.SubscriptionItem (resources/SubscriptionItems.d.ts): the billing period lives on the item
   * (current_period_start/end); a metered item has no quantity.
   */
  function addItem(sub: Json, price: Json, quantity: number | undefined, param: string) {
    if (sub.items.data.some((i: Json) => i.price.id === price.id)) {
      throw bad(`Cannot add multiple subscription items with the same plan: ${price.id}`, param)
    }
    const period = sub.items.data[0] ?? {
      current_period_start: sub.start_date,
      current_period_end: sub.start_date + PERIOD,
    }
    const item: Json = {
      id: newId('si'),
      object: 'subscription_item',
      billing_thresholds: null,
      created: now(),
      current_period_end: period.current_period_end,
      current_period_start: period.current_period_start,
      discounts: [],
      metadata: {},
      ...(quantity === undefined ? {} : { quantity }),
      subscription: sub.id,
      tax_rates: [],
    }
    setPrice(item, price)
    sub.items.data.push(item)
    return item
  }

  /**
   * Stripe.InvoiceLineItem (resources/InvoiceLineItems.d.ts): licensed items are billed in advance for
   * `ahead`; metered ones in arrears for `usage` (none on a first invoice), counting each meter event
   * of the customer not yet on an invoice and sent since the item began.
   */
  function chargeLines(
    sub: Json,
    ahead: { start: number; end: number },
    usage?: { start: number; end: number },
  ) {
    const lines: Json[] = []
    for (const item of sub.items.data) {
      const price = item.price
      if (metered(price) && !usage) continue
      const events = metered(price)
        ? state.meterEvents.filter(
            (e) =>
              e.payload.stripe_customer_id === sub.customer &&
              !billedUsage.has(e.identifier) &&
              e.timestamp >= item.created,
          )
        : []
      const quantity = metered(price)
        ? events.reduce((n, e) => n + Number(e.payload.value), 0)
        : item.quantity
      const amount = Math.round(quantity * price.unit_amount)
      const per = metered(price) ? unitLabel(price) : 'month'
      lines.push({
        id: newId('il'),
        object: 'line_item',
        amount,
        currency: 'usd',
        description: `${quantity} × ${price.nickname} (at ${money(price.unit_amount)} / ${per})`,
        ...empty('discount_amounts discounts pretax_credit_amounts taxes'),
        discountable: true,
        invoice: null,
        livemode: false,
        metadata: {},
        parent: {
          type: 'subscription_item_details',
          invoice_item_details: null,
          subscription_item_details: {
            invoice_item: null,
            proration: false,
            proration_details: { credited_items: null },
            subscription: sub.id,
            subscription_item: item.id,
          },
        },
        period: metered(price) && usage ? usage : ahead,
        pricing: {
          type: 'price_details',
          price_details: { price: price.id, product: price.product },
          unit_amount_decimal: price.unit_amount_decimal,
        },
        quantity,
        subscription: sub.id,
        subtotal: amount,
        usageIdentifiers: events.map((e) => e.identifier),
      })
    }
    return lines
  }

  /**
   * Stripe.Invoice (resources/Invoices.d.ts). Its subscription is parent.subscription_details.subscription
   * (the types have no top-level `subscription`). A preview's id starts with `upcoming_in`, and it is not kept.
   */
  function buildInvoice(
    sub: Json,
    o: {
      status: string
      reason: string
      lines: Json[]
      periodStart: number
      periodEnd: number
      preview?: boolean
    },
  ) {
    const id = o.preview ? newId('upcoming_in') : newId('in')
    const t = now()
    const total = o.lines.reduce((n, l) => n + l.amount, 0)
    const paid = o.status === 'paid'
    const customer = state.customers.get(sub.customer)
    for (const line of o.lines) {
      line.invoice = id
      if (!o.preview) for (const identifier of line.usageIdentifiers) billedUsage.set(identifier, id)
      delete line.usageIdentifiers
    }
    const invoice = {
      id,
      object: 'invoice',
      ...neutral(
        'account_tax_ids application custom_fields customer_account customer_address customer_phone customer_shipping ' +
          'default_payment_method default_source description due_date footer from_invoice last_finalization_error ' +
          'latest_revision on_behalf_of receipt_number rendering shipping_cost shipping_details statement_descriptor test_clock',
      ),
      ...empty('default_tax_rates discounts total_discount_amounts total_pretax_credit_amounts total_taxes'),
      ...neutral(
        'amount_overpaid amount_shipping post_payment_credit_notes_amount pre_payment_credit_notes_amount',
        0,
      ),
      account_country: 'US',
      account_name: 'Fake Stripe',
      amount_due: total,
      amount_paid: paid ? total : 0,
      amount_remaining: paid ? 0 : total,
      attempt_count: o.status === 'draft' ? 0 : 1,
      attempted: o.status !== 'draft',
      auto_advance: o.status === 'open' || o.status === 'draft',
      automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
      automatically_finalizes_at: o.preview ? o.periodEnd : null,
      billing_reason: o.reason,
      collection_method: 'charge_automatically',
      created: o.preview ? o.periodEnd : t,
      currency: 'usd',
      customer: sub.customer,
      customer_email: customer?.email ?? null,
      customer_name: customer?.name ?? null,
      customer_tax_exempt: 'none',
      effective_at: o.preview ? null : t,
      ending_balance: o.preview ? null : 0,
      hosted_invoice_url: o.preview ? null : `${base}/i/${id}`,
      invoice_pdf: o.preview ? null : `${base}/i/${id}.pdf`,
      issuer: { type: 'self' },
      lines: {
        object: 'list',
        data: o.lines,
        has_more: false,
        total_count: o.lines.length,
        url: `/v1/invoices/${id}/lines`,
      },
      livemode: false,
      metadata: {},
      next_payment_attempt: o.status === 'open' ? t + 3 * DAY : null,
      number: o.preview ? null : `FAKE-${String(++invoiceNumber).padStart(4, '0')}`,
      parent: {
        type: 'subscription_details',
        quote_details: null,
        subscription_details: { metadata: clone(sub.metadata), subscription: sub.id },
      },
      payment_settings: neutral('default_mandate payment_method_options payment_method_types'),
      period_end: o.periodEnd,
      period_start: o.periodStart,
      starting_balance: 0,
      status: o.status,
      status_transitions: {
        finalized_at: o.preview ? null : t,
        marked_uncollectible_at: null,
        paid_at: paid ? t : null,
        voided_at: null,
      },
      subtotal: total,
      subtotal_excluding_tax: total,
      total,
      total_excluding_tax: total,
      webhooks_delivered_at: o.preview ? null : t,
    }
    if (!o.preview) state.invoices.set(id, invoice)
    return invoice
  }

  /** Changes a copy; commits it and emits customer.subscription.updated only if `mutate` succeeded and changed something. */
  function changeSubscription(id: string, mutate: (draft: Json) => void, param = 'id') {
    const before = subscriptionOf(id, param)
    const draft = clone(before)
    mutate(draft)
    if (draft.items.data.length === 0) {
      throw bad(
        'A subscription must have at least one active plan. To cancel a subscription, delete it.',
        'items',
      )
    }
    draft.items.total_count = draft.items.data.length
    const previous = previousAttributes(before, draft)
    state.subscriptions.set(id, draft)
    if (Object.keys(previous).length) emit('customer.subscription.updated', draft, previous)
    return draft
  }
  function assertNotCanceled(sub: Json) {
    if (sub.status === 'canceled') {
      throw bad('A canceled subscription can only update its cancellation_details and metadata.')
    }
  }

  /** The renewal invoice for the period that ends, and the change that moves the subscription into the next one. */
  function cycle(subId: string, status: 'paid' | 'open') {
    const sub = subscriptionOf(subId)
    assertNotCanceled(sub)
    const old = { start: sub.items.data[0].current_period_start, end: sub.items.data[0].current_period_end }
    const next = { start: old.end, end: old.end + PERIOD }
    const invoice = buildInvoice(sub, {
      status,
      reason: 'subscription_cycle',
      lines: chargeLines(sub, next, old),
      periodStart: old.start,
      periodEnd: old.end,
    })
    const advance = (draft: Json) => {
      for (const item of draft.items.data)
        Object.assign(item, { current_period_start: next.start, current_period_end: next.end })
      draft.latest_invoice = invoice.id
      draft.status = status === 'paid' ? 'active' : 'past_due'
    }
    return { invoice, advance }
  }

  function cancelNow(id: string) {
    const sub = subscriptionOf(id)
    if (sub.status === 'canceled') throw bad(`This subscription is already canceled: ${id}`)
    const t = now()
    const canceled = {
      ...clone(sub),
      status: 'canceled',
      canceled_at: t,
      ended_at: t,
      cancel_at: null,
      cancellation_details: { comment: null, feedback: null, reason: 'cancellation_requested' },
    }
    state.subscriptions.set(id, canceled)
    emit('customer.subscription.deleted', canceled)
    return canceled
  }

  // --- Test controls -------------------------------------------------------------------------------

  async function completeCheckout(sessionId: string) {
    const session = state.checkoutSessions.get(sessionId)
    if (!session) throw new Error(`fake-stripe: no checkout session ${sessionId}`)
    if (session.status !== 'open')
      throw new Error(`fake-stripe: checkout session ${sessionId} is ${session.status}`)
    const customer = session.customer
      ? customerOf(session.customer)
      : createCustomer({ email: session.customer_email })
    const t = now()
    const id = newId('sub')
    // Stripe.Subscription (resources/Subscriptions.d.ts).
    const sub: Json = {
      id,
      object: 'subscription',
      ...neutral(
        'application application_fee_percent billing_cycle_anchor_config billing_thresholds cancel_at canceled_at ' +
          'customer_account days_until_due default_payment_method default_source description ended_at latest_invoice ' +
          'next_pending_invoice_item_invoice on_behalf_of pause_collection pending_invoice_item_interval ' +
          'pending_setup_intent pending_update schedule test_clock transfer_data trial_end trial_start',
      ),
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: t,
      billing_mode: { flexible: null, type: 'classic' },
      cancel_at_period_end: false,
      cancellation_details: { comment: null, feedback: null, reason: null },
      collection_method: 'charge_automatically',
      created: t,
      currency: 'usd',
      customer: customer.id,
      discounts: [],
      invoice_settings: { account_tax_ids: null, issuer: { type: 'self' } },
      items: {
        object: 'list',
        data: [],
        has_more: false,
        total_count: 0,
        url: `/v1/subscription_items?subscription=${id}`,
      },
      livemode: false,
      metadata: clone(sessionSubscriptionMetadata.get(sessionId) ?? {}),
      payment_settings: {
        payment_method_options: null,
        payment_method_types: null,
        save_default_payment_method: 'off',
      },
      start_date: t,
      status: 'active',
      trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
    }
    for (const [i, line] of (sessionLines.get(sessionId) ?? []).entries()) {
      addItem(sub, line.price, line.quantity, `line_items[${i}][price]`)
    }
    sub.items.total_count = sub.items.data.length
    const lines = chargeLines(sub, { start: t, end: t + PERIOD })
    const invoice = buildInvoice(sub, {
      status: 'paid',
      reason: 'subscription_create',
      lines,
      periodStart: t,
      periodEnd: t,
    })
    sub.latest_invoice = invoice.id
    state.subscriptions.set(id, sub)
    Object.assign(session, {
      status: 'complete',
      payment_status: 'paid',
      customer: customer.id,
      customer_details: {
        address: null,
        email: customer.email,
        name: customer.name,
        phone: null,
        tax_exempt: 'none',
        tax_ids: [],
      },
      subscription: id,
      invoice: invoice.id,
    })
    emit('checkout.session.completed', session)
    emit('customer.subscription.created', sub)
    emit('invoice.paid', invoice)
    await deliveries
  }

  async function failPayment(subscriptionId: string) {
    const { invoice, advance } = cycle(subscriptionId, 'open')
    emit('invoice.payment_failed', invoice)
    changeSubscription(subscriptionId, advance)
    await deliveries
  }

  async function recoverPayment(subscriptionId: string) {
    const invoice = openInvoiceOf(subscriptionOf(subscriptionId).id)
    if (!invoice) throw new Error(`fake-stripe: subscription ${subscriptionId} has no open invoice`)
    Object.assign(invoice, {
      status: 'paid',
      amount_paid: invoice.amount_due,
      amount_remaining: 0,
      auto_advance: false,
    })
    Object.assign(invoice, { attempt_count: invoice.attempt_count + 1, next_payment_attempt: null })
    invoice.status_transitions.paid_at = now()
    emit('invoice.paid', invoice)
    changeSubscription(subscriptionId, (draft) => {
      draft.status = 'active'
    })
    await deliveries
  }

  async function renew(subscriptionId: string) {
    if (subscriptionOf(subscriptionId).cancel_at_period_end) {
      cancelNow(subscriptionId)
    } else {
      const { invoice, advance } = cycle(subscriptionId, 'paid')
      emit('invoice.paid', invoice)
      changeSubscription(subscriptionId, advance)
    }
    await deliveries
  }

  async function cancelSubscription(subscriptionId: string) {
    cancelNow(subscriptionId)
    await deliveries
  }

  // --- The API -------------------------------------------------------------------------------------

  /** Stripe.Checkout.Session (resources/Checkout/Sessions.d.ts), subscription mode. */
  function createCheckoutSession(params: Json) {
    const mode = required(params, 'mode')
    if (mode !== 'subscription') throw bad('fake-stripe supports mode=subscription only', 'mode')
    if (params.customer !== undefined) customerOf(params.customer, 'customer')
    const rawLines = asArray(params.line_items)
    if (rawLines.length === 0) throw bad('Missing required param: line_items.', 'line_items')
    const lines = rawLines.map((line: Json, i: number) => {
      const price = priceOf(line?.price, `line_items[${i}][price]`)
      if (rawLines.slice(0, i).some((other: Json) => other?.price === price.id)) {
        throw bad(`Duplicate price in line_items: ${price.id}`, `line_items[${i}][price]`)
      }
      return { price, quantity: quantityFor(price, line.quantity, `line_items[${i}][quantity]`) }
    })
    const id = `cs_test_${random(58)}`
    const t = now()
    const total = lines.reduce((n, l) => n + (l.quantity ?? 0) * l.price.unit_amount, 0)
    const session = {
      id,
      object: 'checkout.session',
      ...neutral(
        'after_expiration allow_promotion_codes billing_address_collection client_secret consent consent_collection ' +
          'customer_details invoice invoice_creation locale payment_intent payment_link recovered_from setup_intent ' +
          'shipping_address_collection shipping_cost submit_type subscription',
      ),
      ...empty('custom_fields shipping_options'),
      amount_subtotal: total,
      amount_total: total,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      cancel_url: optional(params, 'cancel_url'),
      client_reference_id: optional(params, 'client_reference_id'),
      created: t,
      currency: 'usd',
      custom_text: neutral('after_submit shipping_address submit terms_of_service_acceptance'),
      customer: optional(params, 'customer'),
      customer_creation: params.customer ? null : 'always',
      customer_email: optional(params, 'customer_email'),
      expires_at: t + DAY,
      livemode: false,
      metadata: mergeMetadata({}, params.metadata),
      mode,
      payment_method_collection: 'always',
      payment_method_types: ['card'],
      payment_status: 'unpaid',
      status: 'open',
      success_url: optional(params, 'success_url'),
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: 'hosted',
      url: `${base}/c/pay/${id}`,
    }
    state.checkoutSessions.set(id, session)
    sessionLines.set(id, lines)
    sessionSubscriptionMetadata.set(id, mergeMetadata({}, params.subscription_data?.metadata))
    return session
  }

  /** Stripe.Billing.MeterEvent (resources/Billing/MeterEvents.d.ts). */
  function createMeterEvent(params: Json) {
    const eventName = required(params, 'event_name')
    if (eventName !== meterEventName)
      throw bad(`No active meter was found for event_name '${eventName}'.`, 'event_name')
    // The message Stripe reports for this case (docs.stripe.com/api/v2/core/events/object, meter_event_no_customer_defined).
    if (!optional(params.payload, 'stripe_customer_id')) {
      throw bad(
        'Customer mapping key stripe_customer_id not found in payload.',
        'payload[stripe_customer_id]',
      )
    }
    if (!/^\d+(\.\d+)?$/.test(String(params.payload.value))) {
      throw bad('Value key value is not a valid number in payload.', 'payload[value]')
    }
    const t = now()
    // MeterEventCreateParams.timestamp: "within the past 35 calendar days or up to 5 minutes in the future".
    const timestamp = params.timestamp === undefined ? t : int(params.timestamp, 'timestamp')
    if (timestamp < t - 35 * DAY || timestamp > t + 300) {
      throw bad(
        'Timestamp must be within the past 35 calendar days or up to 5 minutes in the future.',
        'timestamp',
      )
    }
    const identifier = optional(params, 'identifier') ?? random(32)
    // MeterEventCreateParams.identifier: Stripe "enforces uniqueness within a rolling period of at least 24
    // hours". A repeat is answered 400 invalid_request_error "An event already exists with identifier …"
    // with Stripe-Should-Retry: false (reported in langfuse/langfuse#16292), and is not counted.
    if (state.meterEvents.some((e) => e.identifier === identifier)) {
      const message = `An event already exists with identifier ${identifier}.`
      throw new StripeApiError(400, message, { param: 'identifier' }, { 'stripe-should-retry': 'false' })
    }
    const event = { object: 'billing.meter_event', created: t, event_name: eventName, identifier }
    state.meterEvents.push({ ...event, livemode: false, payload: clone(params.payload), timestamp })
    return state.meterEvents.at(-1)
  }

  /** POST /v1/invoices/create_preview: what the subscription's next invoice would be, were it made now. */
  function createPreview(params: Json) {
    const subId = optional(params, 'subscription')
    const customerId = optional(params, 'customer')
    if (!subId && !customerId) throw bad('Missing required param: customer.', 'customer')
    if (customerId) customerOf(customerId, 'customer')
    const sub = subId ? subscriptionOf(subId, 'subscription') : liveSubscription(customerId ?? '')
    if (!sub || sub.status === 'canceled' || (customerId && sub.customer !== customerId)) {
      const message = `No upcoming invoices for customer: ${customerId ?? sub?.customer}`
      throw new StripeApiError(404, message, { code: 'invoice_upcoming_none' })
    }
    const current = {
      start: sub.items.data[0].current_period_start,
      end: sub.items.data[0].current_period_end,
    }
    return buildInvoice(sub, {
      status: 'draft',
      reason: 'upcoming',
      lines: chargeLines(sub, { start: current.end, end: current.end + PERIOD }, current),
      periodStart: current.start,
      periodEnd: current.end,
      preview: true,
    })
  }

  /** SubscriptionUpdateParams: items[i][id|price|quantity|deleted], cancel_at_period_end, metadata. */
  function updateSubscription(draft: Json, params: Json) {
    checkProration(params)
    if (params.items !== undefined || params.cancel_at_period_end !== undefined) assertNotCanceled(draft)
    for (const [i, entry] of asArray(params.items).entries()) {
      const at = (field: string) => `items[${i}][${field}]`
      if (!entry?.id) {
        const price = priceOf(entry?.price, at('price'))
        addItem(draft, price, quantityFor(price, entry.quantity, at('quantity')), at('price'))
        continue
      }
      const item = draft.items.data.find((x: Json) => x.id === entry.id)
      if (!item) throw noSuch('subscription_item', entry.id, at('id'))
      if (entry.deleted !== undefined && bool(entry.deleted, at('deleted'))) {
        draft.items.data = draft.items.data.filter((x: Json) => x !== item)
      } else updateItem(draft, item, entry, at)
    }
    if (params.cancel_at_period_end !== undefined) {
      draft.cancel_at_period_end = bool(params.cancel_at_period_end, 'cancel_at_period_end')
      draft.cancel_at = draft.cancel_at_period_end ? draft.items.data[0]?.current_period_end : null
    }
    draft.metadata = mergeMetadata(draft.metadata, params.metadata)
  }

  function updateItem(draft: Json, item: Json, params: Json, at: (field: string) => string) {
    if (params.price !== undefined && params.price !== item.price.id) {
      const price = priceOf(params.price, at('price'))
      if (draft.items.data.some((x: Json) => x.price.id === price.id)) {
        throw bad(`Cannot add multiple subscription items with the same plan: ${price.id}`, at('price'))
      }
      setPrice(item, price)
      if (metered(price)) delete item.quantity
      else item.quantity ??= 1
    }
    const quantity =
      params.quantity === undefined ? undefined : quantityFor(item.price, params.quantity, at('quantity'))
    if (quantity !== undefined) item.quantity = quantity
    item.metadata = mergeMetadata(item.metadata, params.metadata)
  }

  function addSubscriptionItem(params: Json) {
    checkProration(params)
    let added: Json
    const mutate = (draft: Json) => {
      assertNotCanceled(draft)
      const price = priceOf(required(params, 'price'), 'price')
      added = addItem(draft, price, quantityFor(price, params.quantity, 'quantity'), 'price')
      added.metadata = mergeMetadata({}, params.metadata)
    }
    changeSubscription(required(params, 'subscription'), mutate, 'subscription')
    return added
  }

  function changeSubscriptionItem(itemId: string, params: Json, remove: boolean) {
    checkProration(params)
    changeSubscription(itemOf(itemId).sub.id, (d) => {
      assertNotCanceled(d)
      const item = d.items.data.find((x: Json) => x.id === itemId)
      if (remove) d.items.data = d.items.data.filter((x: Json) => x !== item)
      else updateItem(d, item, params, (field) => field)
    })
    // Stripe.DeletedSubscriptionItem for a delete.
    return remove ? { id: itemId, object: 'subscription_item', deleted: true } : itemOf(itemId).item
  }

  /** Stripe.BillingPortal.Session (resources/BillingPortal/Sessions.d.ts). */
  function createPortalSession(params: Json) {
    const customer = customerOf(required(params, 'customer'), 'customer')
    const id = newId('bps')
    const session = {
      id,
      object: 'billing_portal.session',
      configuration: 'bpc_fake_default',
      created: now(),
      customer: customer.id,
      ...neutral('customer_account flow locale on_behalf_of'),
      livemode: false,
      return_url: optional(params, 'return_url'),
      url: `${base}/p/session/${id}`,
    }
    state.portalSessions.set(id, session)
    return session
  }

  const newestFirst = (map: Map<string, Json> | Json[]) => [...map.values()].reverse()
  const listSubscriptions = (p: Json) => {
    // SubscriptionListParams.status: none = all but canceled; 'all'; 'ended' = canceled or incomplete_expired.
    const matches = (s: Json) =>
      p.status === 'all' ||
      (p.status === 'ended'
        ? ['canceled', 'incomplete_expired'].includes(s.status)
        : p.status
          ? s.status === p.status
          : s.status !== 'canceled')
    const all = newestFirst(state.subscriptions).filter(
      (s) => (!p.customer || s.customer === p.customer) && matches(s),
    )
    return list(all, '/v1/subscriptions', p)
  }
  const listInvoices = (p: Json) => {
    const all = newestFirst(state.invoices).filter(
      (i) =>
        (!p.customer || i.customer === p.customer) &&
        (!p.subscription || subscriptionOfInvoice(i) === p.subscription) &&
        (!p.status || i.status === p.status),
    )
    return list(all, '/v1/invoices', p)
  }

  const invoiceOf = getter(state.invoices, 'invoice')
  const eventOf = (id: string) => getter(new Map(state.events.map((e) => [e.id, e])), 'event')(id)
  const listEvents = (p: Json) =>
    list(
      newestFirst(state.events).filter((e) => !p.type || e.type === p.type),
      '/v1/events',
      p,
    )

  /** Paths as the SDK calls them (node_modules/stripe/esm/resources/*.js); `:id` is a path's last segment. */
  const routes: Record<string, (params: Json, id: string) => Json> = {
    'POST /v1/customers': (p) => createCustomer(p),
    'GET /v1/customers/:id': (_, id) => customerOf(id),
    'GET /v1/prices': (p) => list([...prices.values()], '/v1/prices', p),
    'GET /v1/prices/:id': (_, id) => priceOf(id),
    'GET /v1/products/:id': (_, id) => getter(products, 'product')(id),
    'GET /v1/billing/meters/:id': (_, id) => getter(new Map([[meter.id, meter]]), 'billing.meter')(id),
    'POST /v1/checkout/sessions': (p) => createCheckoutSession(p),
    'GET /v1/checkout/sessions/:id': (_, id) => getter(state.checkoutSessions, 'checkout.session')(id),
    'GET /v1/subscriptions': listSubscriptions,
    'GET /v1/subscriptions/:id': (_, id) => subscriptionOf(id),
    'POST /v1/subscriptions/:id': (p, id) => changeSubscription(id, (draft) => updateSubscription(draft, p)),
    'DELETE /v1/subscriptions/:id': (_, id) => cancelNow(id),
    'POST /v1/subscription_items': (p) => addSubscriptionItem(p),
    'GET /v1/subscription_items/:id': (_, id) => itemOf(id).item,
    'POST /v1/subscription_items/:id': (p, id) => changeSubscriptionItem(id, p, false),
    'DELETE /v1/subscription_items/:id': (p, id) => changeSubscriptionItem(id, p, true),
    'POST /v1/invoices/create_preview': (p) => createPreview(p),
    'GET /v1/invoices': listInvoices,
    'GET /v1/invoices/:id': (_, id) => invoiceOf(id),
    'POST /v1/billing/meter_events': (p) => createMeterEvent(p),
    'POST /v1/billing_portal/sessions': (p) => createPortalSession(p),
    'GET /v1/events': listEvents,
    'GET /v1/events/:id': (_, id) => eventOf(id),
  }

  async function handle(r: FakeStripeRequest): Promise<Reply> {
    if (!r.path.startsWith('/v1/')) return (await hosted(r)) ?? html(404, 'Not found', '<p>Not found.</p>')
    const denied = authError(r.headers.authorization)
    if (denied) throw denied
    const params = r.method === 'GET' || r.method === 'DELETE' ? r.query : (r.body ?? {})
    const slash = r.path.lastIndexOf('/')
    const id = decodeURIComponent(r.path.slice(slash + 1))
    const run = routes[`${r.method} ${r.path}`] ?? routes[`${r.method} ${r.path.slice(0, slash)}/:id`]
    if (!run) {
      const message = `Unrecognized request URL (${r.method}: ${r.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`
      throw new StripeApiError(404, message)
    }
    let out = clone(run(params, id))
    for (const path of asArray(params.expand)) out = expand(out, String(path).split('.'))
    return json(200, out)
  }

  function authError(header: string | undefined): StripeApiError | null {
    const key = header?.startsWith('Bearer ') ? header.slice(7) : ''
    if (key === secretKey) return null
    const message = key
      ? `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}`
      : "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/."
    return new StripeApiError(401, message)
  }

  function errorReply(err: unknown): Reply {
    if (!(err instanceof StripeApiError)) {
      return json(500, {
        error: { type: 'api_error', message: err instanceof Error ? err.message : String(err) },
      })
    }
    const { type = 'invalid_request_error', ...extra } = err.extra
    return json(err.status, { error: { type, message: err.message, ...extra } }, err.headers)
  }

  // --- Hosted pages: Checkout, the customer portal, invoices (plain HTML, no external resources) -----

  function checkoutPage(session: Json): Reply {
    if (session.status !== 'open')
      return html(400, 'Checkout', '<p>This Checkout Session is no longer active.</p>')
    const rows = (sessionLines.get(session.id) ?? []).map(({ price, quantity }) => {
      const name = escapeHtml(price.nickname)
      if (metered(price))
        return `<li>${name}: ${money(price.unit_amount)} per ${unitLabel(price)}, billed monthly</li>`
      return `<li>${name}: ${money(price.unit_amount)} / month${quantity === 1 ? '' : ` × ${quantity}`}</li>`
    })
    const cancel = session.cancel_url ? `<a href="${escapeHtml(session.cancel_url)}">Cancel</a>` : ''
    return html(
      200,
      'Subscribe',
      `<ul>${rows.join('')}</ul><p>Due today: ${money(session.amount_total)}</p>` +
        `<form method="post" action="/c/pay/${escapeHtml(session.id)}"><button type="submit">Subscribe</button></form>${cancel}`,
    )
  }

  function portalPage(session: Json): Reply {
    const sub = liveSubscription(session.customer)
    const open = sub ? openInvoiceOf(sub.id) : undefined
    const action = (path: string, label: string) =>
      `<form method="post" action="/p/session/${escapeHtml(session.id)}/${path}"><button type="submit">${label}</button></form>`
    const invoices = newestFirst(state.invoices)
      .filter((i) => i.customer === session.customer)
      .map(
        (i) =>
          `<li><a href="${escapeHtml(i.hosted_invoice_url)}">${i.number}</a> ${money(i.amount_due)} ${i.status}</li>`,
      )
    const plans = sub?.items.data.map((i: Json) => escapeHtml(i.price.nickname)).join(', ')
    return html(
      200,
      'Billing',
      (sub ? `<p>Subscription: ${plans} (${sub.status})</p>` : '<p>No active subscription.</p>') +
        (open
          ? `<p>Payment failed: ${money(open.amount_remaining)} due.</p>${action('payment-method', 'Update payment method')}`
          : '') +
        (sub ? action('cancel', 'Cancel subscription') : '') +
        `<ul>${invoices.join('')}</ul>` +
        (session.return_url ? `<a href="${escapeHtml(session.return_url)}">Return</a>` : ''),
    )
  }

  /** A one-page PDF that says which invoice it is. */
  function invoicePdf(invoice: Json): string {
    const stream = `BT /F1 18 Tf 72 720 Td (Invoice ${invoice.number} ${money(invoice.amount_due)} ${invoice.status}) Tj ET`
    return [
      '%PDF-1.4',
      '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
      '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
      '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj',
      `4 0 obj << /Length ${stream.length} >> stream\n${stream}\nendstream endobj`,
      '5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj',
      'trailer << /Root 1 0 R >>',
      '%%EOF',
    ].join('\n')
  }

  async function hosted(r: FakeStripeRequest): Promise<Reply | null> {
    const notFound = html(404, 'Not found', '<p>This page does not exist.</p>')
    const pay = /^\/c\/pay\/([^/]+)$/.exec(r.path)
    if (pay) {
      const session = state.checkoutSessions.get(pay[1] ?? '')
      if (!session) return notFound
      if (r.method !== 'POST' || session.status !== 'open') return checkoutPage(session)
      await completeCheckout(session.id)
      return redirect((session.success_url ?? session.url).replaceAll('{CHECKOUT_SESSION_ID}', session.id))
    }
    const portal = /^\/p\/session\/([^/]+)(?:\/(cancel|payment-method))?$/.exec(r.path)
    if (portal) {
      const [, id = '', action] = portal
      const session = state.portalSessions.get(id)
      if (!session) return notFound
      if (!action) return r.method === 'GET' ? portalPage(session) : notFound
      const sub = liveSubscription(session.customer)
      if (r.method !== 'POST' || !sub) return html(400, 'Billing', '<p>No active subscription.</p>')
      if (action === 'cancel') await cancelSubscription(sub.id)
      else if (openInvoiceOf(sub.id)) await recoverPayment(sub.id)
      return redirect(`${base}/p/session/${id}`)
    }
    const page = /^\/i\/([^/]+?)(\.pdf)?$/.exec(r.path)
    const invoice = page && r.method === 'GET' ? state.invoices.get(page[1] ?? '') : undefined
    if (!page) return null
    if (!invoice) return notFound
    if (page[2]) return { status: 200, type: 'application/pdf', body: invoicePdf(invoice) }
    const lines = invoice.lines.data.map(
      (l: Json) => `<li>${escapeHtml(l.description)}: ${money(l.amount)}</li>`,
    )
    return html(
      200,
      `Invoice ${invoice.number}`,
      `<p>Status: ${invoice.status}</p><ul>${lines.join('')}</ul><p>Amount due: ${money(invoice.amount_due)}</p>` +
        `<a href="${escapeHtml(invoice.invoice_pdf)}">Download PDF</a>`,
    )
  }

  const fake: FakeStripe = {
    url: base,
    secretKey,
    webhookSecret,
    prices: priceIds,
    meterEventName,
    setWebhookUrl(url) {
      webhookUrl = url
    },
    autoDeliver: true,
    state,
    completeCheckout,
    failPayment,
    recoverPayment,
    cancelSubscription,
    renew,
    async deliver(eventId, opts) {
      const event = state.events.find((e) => e.id === eventId)
      if (!event) throw new Error(`fake-stripe: no event ${eventId}`)
      return post(event, opts)
    },
    signatureHeader,
    settled: () => deliveries,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      }),
  }
  return fake
}

/** The configuration that points the app's real `stripe` client at this fake. */
export function stripeEnv(fake: FakeStripe): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: fake.secretKey,
    STRIPE_WEBHOOK_SECRET: fake.webhookSecret,
    STRIPE_API_BASE_URL: fake.url,
    STRIPE_PRICE_STARTER: fake.prices.starter,
    STRIPE_PRICE_BUSINESS: fake.prices.business,
    STRIPE_PRICE_ENTERPRISE: fake.prices.enterprise,
    STRIPE_PRICE_EXTRA_NUMBER: fake.prices.extraNumber,
    STRIPE_PRICE_OVERAGE: fake.prices.overage,
    STRIPE_METER_EVENT_NAME: fake.meterEventName,
  }
}
