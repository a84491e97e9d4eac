import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../src/server/config.js'
import { passwordProblem } from '../src/server/core/account/password-policy.js'
import { LOCK_SECONDS, waitAfterFailures } from '../src/server/core/account/sign-in-throttle.js'
import { inApiErrorShape } from '../src/server/http/auth-response.js'
import { addressKey, resolveClientIp } from '../src/server/http/client-ip.js'
import { createTestDatabase } from './support/database.js'
import { defined, first } from './support/defined.js'
import { api, sessionCookie, signUp } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'

/** A request as it arrives over a real socket from `peer` (what @hono/node-server's conninfo reads). */
function fromPeer(target: TestRuntime, peer: string, path: string, init: RequestInit = {}) {
  return Promise.resolve(
    target.app.request(path, init, {
      incoming: { socket: { remoteAddress: peer, remotePort: 40000, remoteFamily: 'IPv4' } },
    }),
  )
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
})

const signInBody = (email: string, password: string) => json({ email, password })

async function signIn(target: TestRuntime, email: string, password: string, peer?: string) {
  const res = peer
    ? await fromPeer(target, peer, '/api/auth/sign-in/email', signInBody(email, password))
    : await target.request('/api/auth/sign-in/email', signInBody(email, password))
  return { status: res.status, body: await res.json(), headers: res.headers, res }
}

const accountKey = (target: TestRuntime, email: string) =>
  `account:${createHmac('sha256', target.config.authSecret).update(email.toLowerCase()).digest('hex').slice(0, 40)}`

/** Moves the account's wait into the past, as if the user had waited (no sleeping in tests). */
async function endWait(target: TestRuntime, email: string) {
  await target.database.sql.executeSql(
    `update auth_throttles set blocked_until = now() - interval '1 second' where key = $1`,
    [accountKey(target, email)],
  )
}

async function failures(target: TestRuntime, email: string) {
  const { rows } = await target.database.sql.executeSql('select count from auth_throttles where key = $1', [
    accountKey(target, email),
  ])
  return rows[0] ? Number(rows[0].count) : 0
}

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

describe('client address and TRUST_PROXY', () => {
  it('parses TRUST_PROXY: off by default, a hop count, or a list of IPs and CIDRs; refuses anything else', () => {
    const base = { AUTH_SECRET: 'x'.repeat(32), DATA_DIR: '/tmp/unused' }
    expect(parseConfig(base).trustProxy).toEqual({ kind: 'off' })
    expect(parseConfig({ ...base, TRUST_PROXY: 'off' }).trustProxy).toEqual({ kind: 'off' })
    expect(parseConfig({ ...base, TRUST_PROXY: '2' }).trustProxy).toEqual({ kind: 'hops', hops: 2 })
    expect(parseConfig({ ...base, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1,fd00::/8' }).trustProxy).toEqual({
      kind: 'addresses',
      entries: ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8'],
    })
    for (const bad of ['true', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/2', '99']) {
      expect(() => parseConfig({ ...base, TRUST_PROXY: bad })).toThrow(ConfigError)
    }
    expect(() => parseConfig({ ...base, TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/)
  })

  it('uses the socket peer unless it is trusted, then walks X-Forwarded-For from the right', () => {
    const off = { kind: 'off' } as const
    expect(resolveClientIp('203.0.113.7', '1.2.3.4', off)).toBe('203.0.113.7')
    const cidrs = { kind: 'addresses', entries: ['10.0.0.0/8', '2001:db8::/32'] } as const
    // Untrusted peer: its header is ignored.
    expect(resolveClientIp('203.0.113.7', '1.2.3.4', cidrs)).toBe('203.0.113.7')
    // Trusted peer: the rightmost untrusted hop is the client; what the client wrote left of it is not used.
    expect(resolveClientIp('10.0.0.2', '6.6.6.6, 198.51.100.4', cidrs)).toBe('198.51.100.4')
    expect(resolveClientIp('10.0.0.2', '6.6.6.6, 198.51.100.4, 10.9.9.9', cidrs)).toBe('198.51.100.4')
    expect(resolveClientIp('2001:db8::1', '198.51.100.4:5678', cidrs)).toBe('198.51.100.4')
    // Garbage ends the walk at the proxy that reported it.
    expect(resolveClientIp('10.0.0.2', 'not-an-ip, 10.1.1.1', cidrs)).toBe('10.1.1.1')
    expect(resolveClientIp('10.0.0.2', '', cidrs)).toBe('10.0.0.2')
    // A hop count trusts that many proxies, whatever their address.
    expect(resolveClientIp('172.16.0.1', '6.6.6.6, 198.51.100.4', { kind: 'hops', hops: 1 })).toBe(
      '198.51.100.4',
    )
    expect(
      resolveClientIp('172.16.0.1', '6.6.6.6, 198.51.100.4, 172.16.0.9', { kind: 'hops', hops: 2 }),
    ).toBe('198.51.100.4')
    expect(resolveClientIp('172.16.0.1', '198.51.100.4', { kind: 'hops', hops: 3 })).toBe('198.51.100.4')
  })

  it('keys an IPv6 client by its /64, so rotating addresses inside it does not make new keys', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7')
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8:1:2:ffff:1:2:3')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8::5')).toBe('2001:db8:0:0::/64')
  })

  describe('through the API', () => {
    let limited: TestRuntime
    let proxied: TestRuntime
    beforeAll(async () => {
      limited = await startTestRuntime({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '10', SIGN_UPS_PER_HOUR: '3' } })
      proxied = await startTestRuntime({
        env: { AUTH_RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: '10.0.0.0/8' },
      })
    })
    afterAll(async () => {
      await limited?.close()
      await proxied?.close()
    })

    it('answers 429 to 100 sign-in attempts with rotated X-Forwarded-For from an untrusted peer, storing a few rows', async () => {
      const statuses: number[] = []
      for (let i = 0; i < 100; i++) {
        const res = await fromPeer(
          limited,
          '203.0.113.7',
          '/api/auth/sign-in/email',
          json(
            { email: `nobody-${i}@example.test`, password: 'wrong-password-1' },
            { 'x-forwarded-for': `198.51.${i % 250}.${(i * 7) % 250}` },
          ),
        )
        statuses.push(res.status)
        if (res.status === 429) {
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
          const body = await res.json()
          expect(body.error.code).toBe('RATE_LIMITED')
        }
      }
      // Ten a minute per address (a minute boundary during the loop may let ten more through).
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(20)
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(80)
      const { rows } = await limited.database.sql.executeSql('select key from rate_limits')
      const keys = rows.map((r) => String(r.key))
      expect(keys.every((k) => k === 'ip:203.0.113.7' || k === 'auth:203.0.113.7')).toBe(true)
      expect(keys.length).toBeLessThanOrEqual(4)
      // Unknown emails are throttled too, but only as many as the address was allowed to try.
      const throttles = await limited.database.sql.executeSql(
        "select count(*)::int as n from auth_throttles where key like 'account:%'",
      )
      expect(Number(first(throttles.rows, 'the count').n)).toBeLessThanOrEqual(20)
      // Another client is not affected.
      const other = await fromPeer(
        limited,
        '203.0.113.8',
        '/api/auth/sign-in/email',
        signInBody('x@example.test', 'wrong-password-1'),
      )
      expect(other.status).toBe(401)
    })

    // Limits count per fixed minute: sending twice the limit plus one gets a 429 even when a
    // minute ends during the loop.
    it('treats requests without a socket as one client, whatever X-Forwarded-For they carry', async () => {
      const statuses: number[] = []
      for (let i = 0; i < 21; i++) {
        const res = await limited.request(
          '/api/auth/sign-in/email',
          json(
            { email: `socketless-${i}@example.test`, password: 'wrong-password-1' },
            { 'x-forwarded-for': `192.0.2.${i}` },
          ),
        )
        statuses.push(res.status)
      }
      expect(statuses).toContain(429)
    })

    it('honours X-Forwarded-For from a trusted proxy, and only the hop that proxy saw', async () => {
      // Ten different clients behind the proxy: none is limited.
      for (let i = 0; i < 10; i++) {
        const res = await fromPeer(
          proxied,
          '10.1.2.3',
          '/api/auth/sign-in/email',
          json(
            { email: `p${i}@example.test`, password: 'wrong-password-1' },
            { 'x-forwarded-for': `198.51.100.${i}` },
          ),
        )
        expect(res.status).toBe(401)
      }
      // One client behind it that rotates the part it writes itself is still one client.
      const statuses: number[] = []
      for (let i = 0; i < 7; i++) {
        const res = await fromPeer(
          proxied,
          '10.1.2.3',
          '/api/auth/sign-in/email',
          json(
            { email: `q${i}@example.test`, password: 'wrong-password-1' },
            { 'x-forwarded-for': `6.6.6.${i}, 198.51.100.200` },
          ),
        )
        statuses.push(res.status)
      }
      expect(statuses).toContain(429)
      // The same header from a peer that is not a trusted proxy is ignored: that peer is the client.
      const direct: number[] = []
      for (let i = 0; i < 7; i++) {
        const res = await fromPeer(
          proxied,
          '203.0.113.50',
          '/api/auth/sign-in/email',
          json(
            { email: `r${i}@example.test`, password: 'wrong-password-1' },
            { 'x-forwarded-for': `198.51.100.${100 + i}` },
          ),
        )
        direct.push(res.status)
      }
      expect(direct).toContain(429)
      const { rows } = await proxied.database.sql.executeSql(
        "select key from rate_limits where key like 'auth:%'",
      )
      const keys = rows.map((r) => String(r.key))
      expect(keys).toContain('auth:198.51.100.200')
      expect(keys).toContain('auth:203.0.113.50')
      expect(keys.some((k) => k.includes('6.6.6.') || k.includes('198.51.100.10'))).toBe(false)
    })

    it('records the resolved address on the session, not a forged X-Forwarded-For', async () => {
      const email = `where-${Date.now()}@example.test`
      const res = await fromPeer(
        proxied,
        '10.1.2.3',
        '/api/auth/sign-up/email',
        json(
          { email, password: 'pw-strong-enough-1', name: 'W' },
          { 'x-forwarded-for': '6.6.6.6, 198.51.100.150' },
        ),
      )
      expect(res.status).toBe(200)
      const { rows } = await proxied.database.sql.executeSql(
        'select s.ip_address from sessions s join users u on u.id = s.user_id where u.email = $1',
        [email],
      )
      expect(rows.map((r) => r.ip_address)).toEqual(['198.51.100.150'])
    })

    it('limits sign-ups per address per hour, for new and existing emails alike', async () => {
      const existing = await signUp(rt)
      const statuses: number[] = []
      for (let i = 0; i < 3; i++) {
        const email = i === 1 ? existing.email : `fresh-${i}-${Date.now()}@example.test`
        const res = await fromPeer(
          limited,
          '203.0.113.60',
          '/api/auth/sign-up/email',
          json({ email, password: 'pw-strong-enough-1', name: 'S' }),
        )
        statuses.push(res.status)
      }
      expect(statuses).toEqual([200, 200, 200])
      const over = await fromPeer(
        limited,
        '203.0.113.60',
        '/api/auth/sign-up/email',
        json({ email: `fresh-over-${Date.now()}@example.test`, password: 'pw-strong-enough-1', name: 'S' }),
      )
      expect(over.status).toBe(429)
      const retryAfter = Number(over.headers.get('retry-after'))
      expect(retryAfter).toBeGreaterThan(0)
      expect(retryAfter).toBeLessThanOrEqual(3600)
      const body = await over.json()
      expect(body.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/sign-ups/) })
      const { rows } = await limited.database.sql.executeSql(
        "select count(*)::int as n from users where email like 'fresh-over-%'",
      )
      expect(rows[0]?.n).toBe(0)
      const elsewhere = await fromPeer(
        limited,
        '203.0.113.61',
        '/api/auth/sign-up/email',
        json({
          email: `fresh-elsewhere-${Date.now()}@example.test`,
          password: 'pw-strong-enough-1',
          name: 'S',
        }),
      )
      expect(elsewhere.status).toBe(200)
    })
  })
})

describe('failed sign-ins per account', () => {
  it('waits with growing delays, then locks the account for 15 minutes', () => {
    expect([1, 2, 3, 4].map(waitAfterFailures)).toEqual([0, 0, 0, 0])
    expect([5, 6, 7, 8, 9].map(waitAfterFailures)).toEqual([2, 4, 8, 16, 32])
    expect(waitAfterFailures(10)).toBe(LOCK_SECONDS)
    expect(waitAfterFailures(25)).toBe(15 * 60)
  })

  it('backs off, then locks whatever address is used, refuses even the right password, and a success resets', async () => {
    const user = await signUp(rt)
    for (let i = 1; i <= 4; i++)
      expect((await signIn(rt, user.email, `wrong-${i}-password`)).status).toBe(401)
    expect(await failures(rt, user.email)).toBe(4)
    expect((await signIn(rt, user.email, 'wrong-5-password')).status).toBe(401)
    // The fifth failure earns a short wait: the next attempt is refused without checking the password.
    const waiting = await signIn(rt, user.email, user.password)
    expect(waiting.status).toBe(429)
    expect(waiting.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'SIGN_IN_BACKOFF' } })
    expect(waiting.body.error.message).toMatch(/Wait \d+ seconds?/)
    expect(Number(waiting.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(Number(waiting.headers.get('retry-after'))).toBeLessThanOrEqual(2)
    expect(waiting.headers.getSetCookie()).toEqual([])
    expect(await failures(rt, user.email)).toBe(5)
    for (let i = 6; i <= 10; i++) {
      await endWait(rt, user.email)
      expect((await signIn(rt, user.email, `wrong-${i}-password`)).status).toBe(401)
    }
    // Locked: from any address, even with the right password.
    for (const peer of ['198.51.100.1', '203.0.113.99', '2001:db8::7']) {
      const locked = await signIn(rt, user.email, user.password, peer)
      expect(locked.status).toBe(429)
      expect(locked.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { reason: 'ACCOUNT_LOCKED' } })
      expect(locked.body.error.message).toContain('locked for 15 minutes')
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(LOCK_SECONDS - 60)
      expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(LOCK_SECONDS)
    }
    // After the lock, one more failure locks again at once.
    await endWait(rt, user.email)
    expect((await signIn(rt, user.email, 'wrong-11-password')).status).toBe(401)
    expect((await signIn(rt, user.email, user.password)).status).toBe(429)
    // After waiting, the right password works and clears the count.
    await endWait(rt, user.email)
    const ok = await signIn(rt, user.email, user.password)
    expect(ok.status).toBe(200)
    expect(sessionCookie(ok.res)).toBeTruthy()
    expect(await failures(rt, user.email)).toBe(0)
    expect((await signIn(rt, user.email, 'wrong-again-password')).status).toBe(401)
    expect(await failures(rt, user.email)).toBe(1)
  })

  it('throttles an email without an account exactly like one with', async () => {
    const user = await signUp(rt)
    const ghost = `ghost-${Date.now()}@example.test`
    const answers: Record<string, { status: number; body: unknown; retryAfter: string | null }[]> = {
      [user.email]: [],
      [ghost]: [],
    }
    for (const email of [user.email, ghost]) {
      const list = defined(answers[email], `the answers for ${email}`)
      for (let i = 0; i < 6; i++) {
        const res = await signIn(rt, email, `wrong-${i}-password`)
        list.push({
          status: res.status,
          body: res.body,
          retryAfter: res.headers.get('retry-after'),
        })
      }
    }
    expect(answers[ghost]).toEqual(answers[user.email])
    expect(answers[ghost]?.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429])
    // The email is not stored in clear.
    const { rows } = await rt.database.sql.executeSql('select key from auth_throttles where key like $1', [
      `%${ghost}%`,
    ])
    expect(rows).toEqual([])
  })

  it('forgets failures a day old, and deletes idle rows as new ones are written', async () => {
    const user = await signUp(rt)
    for (let i = 0; i < 3; i++) await signIn(rt, user.email, `wrong-${i}-password`)
    await rt.database.sql.executeSql(
      `insert into auth_throttles (key, count, window_start, updated_at) values ('account:idle-test', 3, now() - interval '2 days', now() - interval '2 days')`,
    )
    await rt.database.sql.executeSql(
      `update auth_throttles set updated_at = now() - interval '25 hours' where key = $1`,
      [accountKey(rt, user.email)],
    )
    expect((await signIn(rt, user.email, 'wrong-again-password')).status).toBe(401)
    expect(await failures(rt, user.email)).toBe(1)
    const { rows } = await rt.database.sql.executeSql(
      "select key from auth_throttles where key = 'account:idle-test'",
    )
    expect(rows).toEqual([])
  })

  it('is shared by every process on the database', async () => {
    const database = await createTestDatabase()
    const a = await startTestRuntime({ database, role: 'web' })
    const b = await startTestRuntime({ database, role: 'web' })
    try {
      const user = await signUp(a)
      for (let i = 0; i < 5; i++)
        expect((await signIn(i % 2 ? a : b, user.email, `wrong-${i}-password`)).status).toBe(401)
      expect((await signIn(a, user.email, user.password)).status).toBe(429)
      expect((await signIn(b, user.email, user.password)).status).toBe(429)
    } finally {
      await a.close()
      await b.close()
      await database.close()
    }
  })
})

describe('password policy', () => {
  const weak: [string, RegExp][] = [
    ['12345678', /sequence/],
    ['password', /too common/],
    ['Password1', /too common/],
    ['qwertyuiop', /too common/],
    ['aaaaaaaa', /different characters/],
    ['abababab', /different characters/],
    ['        ', /only spaces/],
    ['short', /at least 8/],
  ]

  it('refuses common and trivial passwords at sign-up with the reason, and creates nothing', async () => {
    for (const [password, reason] of weak) {
      const email = `weak-${Math.random().toString(36).slice(2)}@example.test`
      const res = await api(rt, undefined, 'POST', '/api/auth/sign-up/email', { email, password, name: 'W' })
      expect(res.status, password).toBe(400)
      expect(res.body.error).toMatchObject({ code: 'BAD_REQUEST', details: { reason: 'WEAK_PASSWORD' } })
      expect(res.body.error.message).toMatch(reason)
      expect(res.headers.getSetCookie()).toEqual([])
      const { rows } = await rt.database.sql.executeSql('select 1 from users where email = $1', [email])
      expect(rows).toEqual([])
    }
  })

  it('refuses the email or its local part inside the password', async () => {
    const email = `marguerite.${Date.now()}@example.test`
    for (const password of [email, `${email.split('@')[0]}!`, `x${email.toUpperCase()}`]) {
      const res = await api(rt, undefined, 'POST', '/api/auth/sign-up/email', { email, password, name: 'M' })
      expect(res.status).toBe(400)
      expect(res.body.error.message).toMatch(/email address/)
    }
    expect(passwordProblem('marguerite-garden-42', 'ann@example.test')).toBeNull()
  })

  it('accepts ordinary passwords, including the factories’ pw-<random> ones', async () => {
    expect(passwordProblem('pw-mkz1a2b3c4d5', 'user-abc@example.test')).toBeNull()
    expect(passwordProblem('correct horse battery staple', 'x@example.test')).toBeNull()
    const user = await signUp(rt)
    expect(user.password).toMatch(/^pw-/)
  })

  it('applies at password change, which then works with a good password', async () => {
    const user = await signUp(rt)
    const change = (newPassword: string, who: { cookie: string } | null = user) =>
      rt.request('/api/auth/change-password', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: rt.config.appUrl,
          ...(who ? { cookie: who.cookie } : {}),
        },
        body: JSON.stringify({ currentPassword: user.password, newPassword }),
      })
    const weakRes = await change('password1')
    expect(weakRes.status).toBe(400)
    const weakBody = await weakRes.json()
    expect(weakBody.error).toMatchObject({ code: 'BAD_REQUEST', details: { reason: 'WEAK_PASSWORD' } })
    const mine = await change(`${user.email}-2`)
    expect((await mine.json()).error.message).toMatch(/email address/)
    // Nothing changed: the old password still signs in.
    expect((await signIn(rt, user.email, user.password)).status).toBe(200)
    // No session: 401 in the error shape.
    const anonymous = await change('a-fine-new-password-7', null)
    expect(anonymous.status).toBe(401)
    expect((await anonymous.json()).error.code).toBe('UNAUTHORIZED')
    const good = await change('a-fine-new-password-7')
    expect(good.status).toBe(200)
    expect((await signIn(rt, user.email, 'a-fine-new-password-7')).status).toBe(200)
  })
})

describe('sign-up does not reveal existing accounts', () => {
  it('answers an existing email like a new one (status and body shape), without a session, and changes nothing', async () => {
    const owner = await signUp(rt, { name: 'Owner' })
    const fresh = await rt.request(
      '/api/auth/sign-up/email',
      json({ email: `new-${Date.now()}@example.test`, password: 'pw-another-one-9', name: 'N' }),
    )
    const again = await rt.request(
      '/api/auth/sign-up/email',
      json({ email: owner.email, password: 'pw-attacker-guess-1', name: 'N' }),
    )
    expect(fresh.status).toBe(200)
    expect(again.status).toBe(200)
    const freshBody = await fresh.json()
    const againBody = await again.json()
    expect(Object.keys(againBody).sort()).toEqual(Object.keys(freshBody).sort())
    expect(Object.keys(againBody.user).sort()).toEqual(Object.keys(freshBody.user).sort())
    expect(againBody.user.id).not.toBe(owner.id)
    expect(againBody.user.email).toBe(owner.email)
    expect(againBody.token).toBeNull()
    expect(again.headers.getSetCookie().some((c) => c.includes('session_token='))).toBe(false)
    // The account is untouched: one user, the old password, not the new one.
    const { rows } = await rt.database.sql.executeSql(
      'select count(*)::int as n from users where email = $1',
      [owner.email],
    )
    expect(rows[0]?.n).toBe(1)
    expect((await signIn(rt, owner.email, 'pw-attacker-guess-1')).status).toBe(401)
    expect((await signIn(rt, owner.email, owner.password)).status).toBe(200)
  })

  it('refuses a weak password the same way for an existing email', async () => {
    const owner = await signUp(rt)
    const res = await api(rt, undefined, 'POST', '/api/auth/sign-up/email', {
      email: owner.email,
      password: 'password',
      name: 'N',
    })
    const other = await api(rt, undefined, 'POST', '/api/auth/sign-up/email', {
      email: `n-${Date.now()}@example.test`,
      password: 'password',
      name: 'N',
    })
    expect(res.status).toBe(400)
    expect(res.body).toEqual(other.body)
  })
})

describe("better-auth's errors in the API's error shape", () => {
  it('answers a wrong password 401 with code, message and the reason', async () => {
    const user = await signUp(rt)
    const res = await signIn(rt, user.email, 'not-the-password')
    expect(res.status).toBe(401)
    expect(res.body).toEqual({
      error: {
        code: 'UNAUTHORIZED',
        message: expect.any(String),
        details: { reason: 'INVALID_EMAIL_OR_PASSWORD' },
      },
    })
  })

  it('answers invalid input 400 and unknown auth routes 404, in the shape', async () => {
    const bad = await api(rt, undefined, 'POST', '/api/auth/sign-up/email', {
      email: 'not-an-email',
      password: 'pw-strong-enough-1',
      name: 'X',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('BAD_REQUEST')
    expect(typeof bad.body.error.message).toBe('string')
    const missing = await api(rt, undefined, 'GET', '/api/auth/no-such-route')
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('NOT_FOUND')
  })

  it('maps every better-auth status to the API table and keeps headers; hides server errors', async () => {
    const ba = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      inApiErrorShape(
        new Response(JSON.stringify(body), {
          status,
          headers: { 'content-type': 'application/json', ...headers },
        }),
      )
    const cases: [number, number, string][] = [
      [400, 400, 'BAD_REQUEST'],
      [401, 401, 'UNAUTHORIZED'],
      [403, 403, 'FORBIDDEN'],
      [404, 404, 'NOT_FOUND'],
      [409, 409, 'CONFLICT'],
      [422, 400, 'BAD_REQUEST'],
      [429, 429, 'RATE_LIMITED'],
      [500, 500, 'INTERNAL'],
    ]
    for (const [from, to, code] of cases) {
      const res = await ba(
        from,
        { code: 'SOME_REASON', message: 'Some message' },
        { 'retry-after': '7', 'set-cookie': 'a=b' },
      )
      expect(res.status).toBe(to)
      const body = await res.json()
      expect(body.error.code).toBe(code)
      expect(res.headers.get('retry-after')).toBe('7')
      if (code === 'INTERNAL')
        expect(body.error).toEqual({ code, message: 'Something went wrong on our side' })
      else expect(body.error).toEqual({ code, message: 'Some message', details: { reason: 'SOME_REASON' } })
    }
    const ok = new Response('{"ok":true}', { status: 200 })
    expect(await inApiErrorShape(ok)).toBe(ok)
  })
})
