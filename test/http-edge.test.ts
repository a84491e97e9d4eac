import { Writable } from 'node:stream'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contacts, messages, organizations } from '../src/server/db/schema/index.js'
import { WebhookRefusals } from '../src/server/http/middleware/webhook-refusals.js'
import { createLogger, withoutUserData } from '../src/server/logger.js'
import { defined, first, nth } from './support/defined.js'
import { api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, repliesTo, uniquePhone } from './support/whatsapp.js'

// The HTTP edge: security headers, cross-site request refusal, text that cannot be stored, forged
// webhooks, time zones, framework errors and what error logs may contain.
let rt: TestRuntime
const EVIL = 'https://evil.example'

beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

/** A request with the session cookie and extra headers. */
const send = (
  user: TestUser | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => api(rt, user, method, path, body, headers)

const expectError = (res: { status: number; body: any }, status: number, code: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status)
  expect(res.body.error.code).toBe(code)
  expect(typeof res.body.error.message).toBe('string')
}

describe('security headers', () => {
  const expectHeaders = (headers: Headers) => {
    const csp = headers.get('content-security-policy') ?? ''
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('unsafe-eval')
    expect(headers.get('x-frame-options')).toBe('DENY')
    expect(headers.get('x-content-type-options')).toBe('nosniff')
    expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
  }

  it('are on API answers, errors, the docs and the health check; no HSTS over http', async () => {
    const user = await signUp(rt)
    for (const res of [
      await rt.request('/healthz'),
      await rt.request('/api/organizations'),
      await rt.request('/api/organizations', { headers: { cookie: user.cookie } }),
      await rt.request('/api/nothing-here'),
      await rt.request('/api/docs'),
      await rt.request('/api/openapi.json'),
      await rt.request('/api/auth/get-session', { headers: { cookie: user.cookie } }),
    ]) {
      expectHeaders(res.headers)
      expect(res.headers.get('strict-transport-security')).toBeNull()
    }
  })

  it('add HSTS when APP_URL is https', async () => {
    const https = await startTestRuntime({
      env: { APP_URL: 'https://wa.example.com' },
      database: rt.database,
      role: 'web',
    })
    try {
      const res = await https.request('/healthz')
      expectHeaders(res.headers)
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000')
    } finally {
      await https.close()
    }
  })

  it('serve /api/docs from the installed swagger-ui-dist with no inline script and no other host', async () => {
    const page = await rt.request('/api/docs')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).not.toMatch(/https?:\/\//)
    // Every <script> has a src (no inline code the CSP would block).
    expect(html.match(/<script[^>]*>/g)?.every((tag) => tag.includes('src='))).toBe(true)
    const bundle = await rt.request('/api/docs/assets/swagger-ui-bundle.js')
    expect(bundle.status).toBe(200)
    expect(bundle.headers.get('content-type')).toMatch(/javascript/)
    expect((await bundle.text()).length).toBeGreaterThan(100_000)
    const css = await rt.request('/api/docs/assets/swagger-ui.css')
    expect(css.headers.get('content-type')).toMatch(/text\/css/)
    const init = await rt.request('/api/docs/init.js')
    expect(await init.text()).toContain("url: '/api/openapi.json'")
    for (const path of [
      '/api/docs/assets/index.html',
      '/api/docs/assets/constructor',
      '/api/docs/assets/..%2Fpackage.json',
    ]) {
      expectError(await send(undefined, 'GET', path), 404, 'NOT_FOUND')
    }
  })
})

describe('cross-site requests (CSRF)', () => {
  async function ownerWithOrg() {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { name: 'Before' })
    return { owner, org }
  }

  it('refuses every state-changing route from another origin and changes nothing', async () => {
    const { owner, org } = await ownerWithOrg()
    await giveActiveNumber(rt, org.id)
    const evil = { origin: EVIL }
    const file = new FormData()
    file.set('file', new File(['Opening hours: 9 to 5'], 'hours.txt', { type: 'text/plain' }))
    const csv = new FormData()
    csv.set('file', new File(['phone,name\n+15550009997,Forged\n'], 'contacts.csv', { type: 'text/csv' }))
    const attempts: [string, string, unknown][] = [
      ['POST', '/api/organizations', { name: 'Forged' }],
      ['PATCH', `/api/organizations/${org.id}`, { name: 'Forged' }],
      ['DELETE', `/api/organizations/${org.id}`, undefined],
      ['POST', `/api/organizations/${org.id}/knowledge/files`, file],
      [
        'POST',
        `/api/organizations/${org.id}/knowledge`,
        { kind: 'faq', question: 'Forged?', content: 'Yes' },
      ],
      ['POST', `/api/organizations/${org.id}/simulator/messages`, { from: '+15550009999', body: 'hi' }],
      ['POST', `/api/organizations/${org.id}/contacts`, { phone: '+15550009998', name: 'Forged' }],
      ['POST', `/api/organizations/${org.id}/contacts/imports`, csv],
      ['POST', `/api/organizations/${org.id}/tags`, { name: 'forged', color: '#112233' }],
      ['POST', `/api/organizations/${org.id}/segments`, { name: 'Forged', filter: {} }],
      [
        'POST',
        `/api/organizations/${org.id}/templates`,
        { name: 'forged', language: 'en', category: 'utility', body: 'Hi', examples: {} },
      ],
      [
        'POST',
        `/api/organizations/${org.id}/broadcasts`,
        { name: 'Forged', templateId: 'x', variables: {}, audience: { kind: 'filter', filter: {} } },
      ],
      ['POST', `/api/organizations/${org.id}/api-keys`, { name: 'Forged', scopes: ['contacts:read'] }],
      [
        'POST',
        `/api/organizations/${org.id}/webhooks`,
        { url: 'https://evil.example/hook', events: ['message.received'] },
      ],
      ['POST', `/api/organizations/${org.id}/exports`, { kind: 'messages', format: 'csv', filters: {} }],
      ['PUT', `/api/organizations/${org.id}/privacy/retention`, { retentionDays: 1 }],
      [
        'POST',
        `/api/organizations/${org.id}/privacy/customers/%2B15550009998/erase`,
        { confirm: '+15550009998' },
      ],
      ['PUT', `/api/organizations/${org.id}/billing/plan`, { planType: 'enterprise' }],
      ['POST', `/api/organizations/${org.id}/billing/checkout`, { planType: 'enterprise' }],
      ['POST', `/api/organizations/${org.id}/billing/portal`, undefined],
      ['POST', `/api/organizations/${org.id}/billing/sync`, undefined],
      ['PUT', `/api/organizations/${org.id}/billing/overage`, { mode: 'bill', cap: 10 }],
      ['POST', `/api/organizations/${org.id}/canned-replies`, { title: 'Forged', body: 'Forged' }],
      [
        'PUT',
        `/api/organizations/${org.id}/notification-preferences`,
        { dashboard: false, email: false, whatsapp: false },
      ],
      ['POST', `/api/organizations/${org.id}/notifications/read`, { all: true }],
      [
        'PUT',
        `/api/organizations/${org.id}/quality-settings`,
        { grading: 'all', sampleRate: 1, askRating: true, ratingDelayMinutes: 5 },
      ],
      [
        'POST',
        `/api/organizations/${org.id}/experiments`,
        {
          name: 'Forged',
          variants: [
            { name: 'A', weight: 1, settings: {} },
            { name: 'B', weight: 1, settings: {} },
          ],
        },
      ],
      ['POST', `/api/v1/organizations/${org.id}/messages`, { to: '+15550009998', text: 'Forged' }],
      ['DELETE', '/api/me', { confirmEmail: owner.email }],
      ['PATCH', '/api/me', { phone: '+15550009999' }],
      ['POST', '/api/me/phone/verification', { phone: '+15550009999' }],
      ['POST', '/api/auth/sign-out', {}],
    ]
    for (const [method, path, body] of attempts) {
      const res = await send(owner, method, path, body, evil)
      expectError(res, 403, 'FORBIDDEN')
      expect(res.body.error.message).toContain('Cross-site request refused')
    }
    // Still signed in (sign-out was refused), and nothing changed.
    const list = await api(rt, owner, 'GET', '/api/organizations')
    expect(list.status).toBe(200)
    expect(list.body.organizations.map((o: { name: string }) => o.name)).toEqual(['Before'])
    const knowledge = await api(rt, owner, 'GET', `/api/organizations/${org.id}/knowledge`)
    expect(knowledge.body.sources.filter((s: { kind: string }) => s.kind !== 'profile')).toEqual([])
    const { n } = first(
      await rt.services.db
        .select({ n: sql<number>`count(*)::int` })
        .from(messages)
        .where(eq(messages.organizationId, org.id)),
    )
    expect(n).toBe(0)
    const privacy = await api(rt, owner, 'GET', `/api/organizations/${org.id}/privacy`)
    expect(privacy.body.retentionDays).toBeNull()
    const billing = await api(rt, owner, 'GET', `/api/organizations/${org.id}/billing`)
    expect(billing.body.planType).toBe('starter')
    expect(
      (await api(rt, owner, 'GET', `/api/organizations/${org.id}/canned-replies`)).body.cannedReplies,
    ).toEqual([])
    expect(
      (await api(rt, owner, 'GET', `/api/organizations/${org.id}/experiments`)).body.experiments,
    ).toEqual([])
    for (const list of [
      'contacts',
      'tags',
      'segments',
      'templates',
      'broadcasts',
      'contacts/imports',
      'api-keys',
      'webhooks',
      'exports',
    ]) {
      const res = await api(rt, owner, 'GET', `/api/organizations/${org.id}/${list}`)
      expect(res.status, list).toBe(200)
      const [key] = Object.keys(res.body)
      expect(res.body[defined(key, `${list}'s list`)], list).toEqual([])
    }
  })

  it('refuses Sec-Fetch-Site: cross-site and an opaque "null" origin; reads stay allowed', async () => {
    const { owner, org } = await ownerWithOrg()
    expectError(
      await send(
        owner,
        'PATCH',
        `/api/organizations/${org.id}`,
        { name: 'X' },
        { 'sec-fetch-site': 'cross-site' },
      ),
      403,
      'FORBIDDEN',
    )
    expectError(
      await send(owner, 'PATCH', `/api/organizations/${org.id}`, { name: 'X' }, { origin: 'null' }),
      403,
      'FORBIDDEN',
    )
    // A subdomain is another origin too.
    expectError(
      await send(
        owner,
        'PATCH',
        `/api/organizations/${org.id}`,
        { name: 'X' },
        { origin: 'http://evil.localhost:3999' },
      ),
      403,
      'FORBIDDEN',
    )
    const read = await send(owner, 'GET', `/api/organizations/${org.id}`, undefined, {
      origin: EVIL,
      'sec-fetch-site': 'cross-site',
    })
    expect(read.status).toBe(200)
    expect(read.body.organization.name).toBe('Before')
  })

  it('refuses sign-in and sign-up from another site (login CSRF)', async () => {
    const user = await signUp(rt)
    expectError(
      await send(
        undefined,
        'POST',
        '/api/auth/sign-in/email',
        { email: user.email, password: user.password },
        { origin: EVIL },
      ),
      403,
      'FORBIDDEN',
    )
    expectError(
      await send(
        undefined,
        'POST',
        '/api/auth/sign-up/email',
        { email: `x${Date.now()}@example.test`, password: 'a-long-passphrase-77', name: 'X' },
        { origin: EVIL },
      ),
      403,
      'FORBIDDEN',
    )
  })

  it('accepts the app’s own origin, the origin the request was addressed to, and clients that send neither header', async () => {
    const { owner, org } = await ownerWithOrg()
    const own = await send(
      owner,
      'PATCH',
      `/api/organizations/${org.id}`,
      { name: 'From the app' },
      { origin: rt.config.appUrl, 'sec-fetch-site': 'same-origin' },
    )
    expect(own.status).toBe(200)
    const byHost = await send(
      owner,
      'PATCH',
      `/api/organizations/${org.id}`,
      { name: 'Via 127.0.0.1' },
      { origin: 'http://127.0.0.1:3999', host: '127.0.0.1:3999' },
    )
    expect(byHost.status).toBe(200)
    const cli = await send(owner, 'PATCH', `/api/organizations/${org.id}`, { name: 'From curl' })
    expect(cli.status).toBe(200)
    expect(cli.body.organization.name).toBe('From curl')
  })

  it('does not apply to Twilio’s signed webhooks', async () => {
    const { org } = await ownerWithOrg()
    const number = await giveActiveNumber(rt, org.id)
    const params = inboundParams({ from: uniquePhone(), to: number, body: 'hello' })
    const signed = await postTwilio(rt, '/api/whatsapp/webhook', params)
    expect(signed.status).toBe(200)
  })
})

describe('NUL bytes and unpaired surrogates', () => {
  const NUL = 'a\u0000b'
  const SURROGATE = 'a\uD800b'

  it('are refused with a 400 naming the field, in every kind of API text, and nothing is stored', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { name: 'Clean' })
    const hours = { enabled: true, timezone: 'UTC', schedule: {}, outOfHoursMessage: 'closed' }
    const cases: [string, string, (bad: string) => unknown, string | ((bad: string) => string)][] = [
      ['POST', '/api/organizations', (bad) => ({ name: bad }), 'name'],
      ['PATCH', `/api/organizations/${org.id}`, (bad) => ({ description: bad }), 'description'],
      ['PATCH', `/api/organizations/${org.id}`, (bad) => ({ welcomeMessage: bad }), 'welcomeMessage'],
      [
        'PATCH',
        `/api/organizations/${org.id}`,
        (bad) => ({ businessHours: { ...hours, outOfHoursMessage: bad } }),
        'businessHours.outOfHoursMessage',
      ],
      [
        'PATCH',
        `/api/organizations/${org.id}`,
        (bad) => ({ businessHours: { ...hours, schedule: { monday: [{ open: bad, close: '18:00' }] } } }),
        'businessHours.schedule.monday.0.open',
      ],
      [
        'PATCH',
        `/api/organizations/${org.id}`,
        (bad) => ({ ai: { tone: 'friendly', language: 'en', escalationRules: bad } }),
        'ai.escalationRules',
      ],
      [
        'POST',
        `/api/organizations/${org.id}/knowledge`,
        (bad) => ({ kind: 'faq', question: bad, content: 'answer' }),
        'question',
      ],
      [
        'POST',
        `/api/organizations/${org.id}/knowledge`,
        (bad) => ({ kind: 'text', title: 'T', content: bad }),
        'content',
      ],
      [
        'PUT',
        `/api/organizations/${org.id}/knowledge/profile`,
        (bad) => ({ fields: { location: bad } }),
        'fields.location',
      ],
      ['POST', `/api/organizations/${org.id}/knowledge/ask`, (bad) => ({ question: bad }), 'question'],
      [
        'POST',
        `/api/organizations/${org.id}/simulator/messages`,
        (bad) => ({ from: '+15550001234', body: bad }),
        'body',
      ],
      [
        'POST',
        `/api/organizations/${org.id}/members`,
        (bad) => ({ email: `${bad}@example.test`, role: 'agent' }),
        'email',
      ],
      [
        'POST',
        `/api/organizations/${org.id}/conversations/00000000-0000-4000-8000-000000000000/reply`,
        (bad) => ({ body: bad }),
        'body',
      ],
      ['POST', '/api/me/phone/verification', (bad) => ({ phone: bad }), 'phone'],
      [
        'POST',
        '/api/auth/sign-up/email',
        (bad) => ({ name: bad, email: `n${Date.now()}@example.test`, password: 'a-long-passphrase-77' }),
        'name',
      ],
      ['POST', '/api/auth/sign-in/email', (bad) => ({ email: bad, password: 'whatever-password' }), 'email'],
      // Field names are text too (echoed back cleaned).
      [
        'PATCH',
        `/api/organizations/${org.id}`,
        (bad) => ({ [bad]: 'x' }),
        (bad) => bad.replace('\u0000', '').replace('\uD800', '\uFFFD'),
      ],
    ]
    for (const [method, path, body, field] of cases) {
      for (const bad of [NUL, SURROGATE]) {
        const res = await send(owner, method, path, body(bad))
        expectError(res, 400, 'BAD_REQUEST')
        expect(res.body.error.details, `${method} ${path} ${JSON.stringify(bad)}`).toEqual([
          expect.objectContaining({
            path: typeof field === 'string' ? field : field(bad),
            message: expect.stringMatching(/NUL|surrogate/),
          }),
        ])
      }
    }
    // A file name in a multipart upload (an unpaired surrogate cannot survive multipart's UTF-8).
    const upload = new FormData()
    upload.set('file', new File(['Opening hours: 9 to 5'], 'hours\u0000.txt', { type: 'text/plain' }))
    const uploaded = await send(owner, 'POST', `/api/organizations/${org.id}/knowledge/files`, upload)
    expectError(uploaded, 400, 'BAD_REQUEST')
    expect(uploaded.body.error.details).toEqual([
      { path: 'file', message: expect.stringContaining('file name must not contain a NUL') },
    ])
    // In the path and the query string as well.
    expectError(
      await send(owner, 'DELETE', `/api/organizations/${org.id}/knowledge/a%00b`),
      400,
      'BAD_REQUEST',
    )
    const query = await send(owner, 'GET', '/api/organizations/search-numbers?country=US&contains=41%005')
    expectError(query, 400, 'BAD_REQUEST')
    expect(query.body.error.details[0].path).toBe('query.contains')

    const after = await api(rt, owner, 'GET', `/api/organizations/${org.id}`)
    expect(after.body.organization.description).toBe('')
    expect((await api(rt, owner, 'GET', '/api/organizations')).body.organizations).toHaveLength(1)
    const knowledge = await api(rt, owner, 'GET', `/api/organizations/${org.id}/knowledge`)
    expect(knowledge.body.sources.filter((s: { kind: string }) => s.kind !== 'profile')).toEqual([])
  })

  it('in a signed webhook are cleaned, and the message is stored and answered', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { welcomeMessage: 'Welcome!' })
    const number = await giveActiveNumber(rt, org.id)
    const from = uniquePhone()
    const params = inboundParams({
      from,
      to: number,
      body: 'Hello\u0000 are you open?',
      profileName: 'Ana\u0000Lu',
    })
    const res = await postTwilio(rt, '/api/whatsapp/webhook', params)
    expect(res.status).toBe(200)
    const replies = await waitFor(
      async () => {
        const r = await repliesTo(rt, params.MessageSid)
        return r.length > 0 && r.every((m) => m.status !== 'queued') ? r : null
      },
      { what: 'a reply to the NUL message' },
    )
    expect(replies.length).toBeGreaterThan(0)
    const stored = first(
      await rt.services.db.select().from(messages).where(eq(messages.providerMessageId, params.MessageSid)),
    )
    expect(stored.body).toBe('Hello are you open?')
    const contact = first(
      await rt.services.db.select().from(contacts).where(eq(contacts.organizationId, org.id)),
    )
    expect(contact.profileName).toBe('AnaLu')
  })
})

describe('forged webhooks', () => {
  it('refuses a form over 64 KB with 413 and over 200 parameters with 400, before the signature', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const number = await giveActiveNumber(rt, org.id)
    const big = inboundParams({ from: uniquePhone(), to: number, body: 'x'.repeat(70 * 1024) })
    const tooBig = await postTwilio(rt, '/api/whatsapp/webhook', big)
    expect(tooBig.status).toBe(413)
    expect(JSON.parse(tooBig.text).error.code).toBe('PAYLOAD_TOO_LARGE')
    const many = inboundParams({ from: uniquePhone(), to: number, body: 'hi' })
    for (let i = 0; i < 200; i++) many[`P${i}`] = '1'
    const tooMany = await postTwilio(rt, '/api/whatsapp/webhook', many)
    expect(tooMany.status).toBe(400)
    expect(JSON.parse(tooMany.text).error.message).toContain('200 parameters')
    for (const p of [big, many]) {
      expect(
        await rt.services.db.select().from(messages).where(eq(messages.providerMessageId, p.MessageSid)),
      ).toEqual([])
    }
  })

  it('answer 429 after 30 wrong signatures a minute from one address, and a signed one still goes through', async () => {
    // Its own app: the refusal budget is per process (per app), and the other tests use theirs.
    const web = await startTestRuntime({ database: rt.database, role: 'web' })
    try {
      const owner = await signUp(web)
      const org = await createOrganization(web, owner)
      const number = await giveActiveNumber(web, org.id)
      const statuses: number[] = []
      for (let i = 0; i < 35; i++) {
        const forged = inboundParams({ from: uniquePhone(), to: number, body: `forged ${i}` })
        statuses.push(
          (await postTwilio(web, '/api/whatsapp/webhook', forged, { signature: 'bm90LWEtc2lnbmF0dXJl' }))
            .status,
        )
      }
      expect(statuses.slice(0, 30).every((s) => s === 403)).toBe(true)
      expect(statuses.slice(30).every((s) => s === 429)).toBe(true)
      const res = await web.request('/api/whatsapp/webhook', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      })
      expect(res.status).toBe(429)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
      expect((await res.json()).error.code).toBe('RATE_LIMITED')
      const real = inboundParams({ from: uniquePhone(), to: number, body: 'a real one' })
      expect((await postTwilio(web, '/api/whatsapp/webhook', real)).status).toBe(200)
    } finally {
      await web.close()
    }
  })

  it('are logged once a minute with a count, not one warning each', () => {
    const lines: { msg: string; refused?: number; level: number }[] = []
    const log = createLogger(
      'info',
      new Writable({
        write(chunk, _enc, done) {
          lines.push(JSON.parse(String(chunk)))
          done()
        },
      }),
    )
    let now = 1_000_000
    const refusals = new WebhookRefusals({ now: () => now })
    try {
      for (let i = 0; i < 500; i++) refusals.refuse(`10.0.0.${i % 7}`, log)
      expect(lines).toHaveLength(1)
      expect(nth(lines, 0).refused).toBe(1)
      now += 61_000
      refusals.refuse('10.0.0.1', log)
      expect(lines).toHaveLength(2)
      expect(nth(lines, 1).refused).toBe(500)
      expect(lines.every((l) => l.level === 40)).toBe(true)
    } finally {
      refusals.close()
    }
  })
})

describe('time zones', () => {
  it('refuses a zone PostgreSQL does not know, though Intl does', async () => {
    const owner = await signUp(rt)
    // Business hours need the Business plan (issue 17).
    const org = await createOrganization(rt, owner, { planType: 'business' })
    const hours = { enabled: true, schedule: {}, outOfHoursMessage: 'closed' }
    for (const timezone of ['US/Pacific-New', 'Mars/Olympus_Mons', 'EST5EDT ']) {
      const res = await api(rt, owner, 'PATCH', `/api/organizations/${org.id}`, {
        businessHours: { ...hours, timezone },
      })
      expectError(res, 400, 'BAD_REQUEST')
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'businessHours.timezone' })])
    }
    const created = await api(rt, owner, 'POST', '/api/organizations', {
      name: 'TZ',
      businessHours: { ...hours, timezone: 'US/Pacific-New' },
    })
    expectError(created, 400, 'BAD_REQUEST')
    const ok = await api(rt, owner, 'PATCH', `/api/organizations/${org.id}`, {
      businessHours: { ...hours, timezone: 'America/Los_Angeles' },
    })
    expect(ok.status).toBe(200)
    expect((await api(rt, owner, 'GET', `/api/organizations/${org.id}/stats`)).status).toBe(200)
  })

  it('stats never fail on a zone saved before zones were checked', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    await rt.services.db
      .update(organizations)
      .set({
        businessHours: sql`jsonb_set(${organizations.businessHours}, '{timezone}', '"US/Pacific-New"')`,
      })
      .where(eq(organizations.id, org.id))
    const stats = await api(rt, owner, 'GET', `/api/organizations/${org.id}/stats`)
    expect(stats.status).toBe(200)
    expect(stats.body.perDay).toHaveLength(30)
  })
})

describe('framework errors', () => {
  it('a wrong Content-Type is a 415 UNSUPPORTED_MEDIA_TYPE, malformed JSON a 400, junk nesting a 400', async () => {
    const owner = await signUp(rt)
    const wrongType = await send(owner, 'POST', '/api/organizations', 'name=x', {
      'content-type': 'text/plain',
    })
    expectError(wrongType, 415, 'UNSUPPORTED_MEDIA_TYPE')
    expect(wrongType.body.error.message).toContain('application/json')
    expectError(await send(owner, 'POST', '/api/organizations', '{"name": '), 400, 'BAD_REQUEST')
    const deep = await send(
      owner,
      'POST',
      '/api/organizations',
      `{"name":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
    )
    expectError(deep, 400, 'BAD_REQUEST')
    expect(deep.body.error.details[0].message).toContain('nested deeper')
    expect((await api(rt, owner, 'GET', '/api/organizations')).body.organizations).toEqual([])
  })

  it('a body over the limit is a 413 PAYLOAD_TOO_LARGE, stores nothing, and the docs say so', async () => {
    const owner = await signUp(rt)
    const huge = await send(owner, 'POST', '/api/organizations', { name: 'x'.repeat(1024 * 1024 + 10) })
    expectError(huge, 413, 'PAYLOAD_TOO_LARGE')
    expect(huge.body.error.message).toContain('larger than 1 MB')
    expect((await api(rt, owner, 'GET', '/api/organizations')).body.organizations).toEqual([])
    const docs = await send(undefined, 'GET', '/api/openapi.json')
    expect(Object.keys(docs.body.paths['/api/organizations'].post.responses)).toContain('413')
  })
})

describe('error logs', () => {
  it('carry the message, the code and the query of a failed query, never its parameters', async () => {
    const secret = 'customer-secret-4242-do-not-log'
    const out: string[] = []
    const log = createLogger(
      'info',
      new Writable({
        write(chunk, _enc, done) {
          out.push(String(chunk))
          done()
        },
      }),
    )
    const failure = await rt.services.db
      .execute(sql`select ${secret}::uuid as id, ${`${secret}-2`}::int as n`)
      .then(
        () => null,
        (err: unknown) => err,
      )
    expect(failure).toBeInstanceOf(Error)
    // Both shapes of the log call used in the code base.
    log.error({ err: failure, requestId: 'r1' }, 'unhandled error')
    log.warn({ err: new Error('wrapped', { cause: failure }) }, 'job failed')
    const text = out.join('\n')
    expect(text).not.toContain(secret)
    expect(text).not.toContain('4242')
    const entry = JSON.parse(first(out, 'a log line'))
    expect(entry.err.query).toContain('::uuid')
    expect(entry.err.message).toContain('Failed query')
    expect(entry.err.cause.code).toBe('22P02')
    expect(entry.err.cause.message).toMatch(/invalid input syntax for type uuid/)
    expect(entry.err.stack).toContain(' at ')

    // What the worker hands pg-boss to store in a failed job's row: every own property of it.
    const stored = withoutUserData(failure)
    const asStored = JSON.stringify(
      Object.fromEntries(Object.getOwnPropertyNames(stored).map((k) => [k, Reflect.get(stored, k)])),
    )
    expect(asStored).toContain('Failed query')
    expect(asStored).not.toContain(secret)
  })
})
