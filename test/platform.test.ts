import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../src/server/config.js'
import { createLogger } from '../src/server/logger.js'
import { startRuntime } from '../src/server/runtime.js'
import { createTestDatabase } from './support/database.js'
import { defined, first } from './support/defined.js'
import { api, sessionCookie, signUp } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

describe('health and docs', () => {
  it('answers liveness and readiness', async () => {
    expect(await (await rt.request('/healthz')).json()).toEqual({ ok: true })
    const ready = await rt.request('/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ ok: true, database: 'up' })
  })

  it('reports not ready when the database is gone', async () => {
    const other = await startTestRuntime()
    await other.database.close()
    const res = await other.request('/readyz')
    expect(res.status).toBe(503)
    expect((await res.json()).error.code).toBe('INTERNAL')
    await other.boss.stop({ graceful: false }).catch(() => {})
  })

  it('serves the OpenAPI document with the documented error statuses, and its browser', async () => {
    const doc = await (await rt.request('/api/openapi.json')).json()
    expect(doc.openapi).toBe('3.1.0')
    const patch = doc.paths['/api/organizations/{id}'].patch
    expect(Object.keys(patch.responses).sort()).toEqual(['200', '400', '401', '403', '404', '413', '429'])
    expect(doc.paths['/api/organizations/{id}/members']).toBeDefined()
    const ui = await rt.request('/api/docs')
    expect(ui.status).toBe(200)
    // The page loads Swagger UI from the installed package and an init script (no inline script).
    const html = await ui.text()
    const init = defined(/src="([^"]*init[^"]*\.js)"/.exec(html)?.[1], 'an init script in the page')
    const script = await rt.request(init.startsWith('/') ? init : `/api/docs/${init}`)
    expect(script.status).toBe(200)
    expect(await script.text()).toContain('/api/openapi.json')
  })

  it('answers unknown API routes with the error shape', async () => {
    const res = await api(rt, undefined, 'GET', '/api/nothing-here')
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('NOT_FOUND')
  })
})

describe('accounts', () => {
  it('signs up, signs out and signs in again', async () => {
    const user = await signUp(rt, { name: 'Ada' })
    const session = await api(rt, user, 'GET', '/api/auth/get-session')
    expect(session.body.user.email).toBe(user.email)
    const out = await rt.request('/api/auth/sign-out', {
      method: 'POST',
      headers: { cookie: user.cookie, origin: rt.config.appUrl },
    })
    expect(out.status).toBe(200)
    expect((await api(rt, user, 'GET', '/api/organizations')).status).toBe(401)
    const wrong = await rt.request('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: 'not-the-password' }),
    })
    expect(wrong.status).toBe(401)
    const signIn = await rt.request('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    })
    expect(signIn.status).toBe(200)
    const cookie = sessionCookie(signIn)
    expect((await api(rt, { cookie }, 'GET', '/api/organizations')).status).toBe(200)
  })

  it('stores passwords hashed', async () => {
    const user = await signUp(rt)
    const { rows } = await rt.database.sql.executeSql(
      'select a.password from accounts a join users u on u.id = a.user_id where u.email = $1',
      [user.email],
    )
    const password = first(rows, 'the account').password
    expect(password).toBeTruthy()
    expect(String(password)).not.toContain(user.password)
  })
})

describe('rate limiting', () => {
  /** A request arriving over a socket from `peer` (in-process requests have none and share one key). */
  const fromPeer = (target: TestRuntime, peer: string, path: string, headers: Record<string, string> = {}) =>
    Promise.resolve(target.app.request(path, { headers }, { incoming: { socket: { remoteAddress: peer } } }))

  it('answers 429 with Retry-After past the per-minute limit, shared by every process on the database', async () => {
    const database = await createTestDatabase()
    const env = { RATE_LIMIT_PER_MINUTE: '5' }
    const a = await startTestRuntime({ env, database, role: 'web' })
    const b = await startTestRuntime({ env, database, role: 'web' })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 6; i++) {
        const target = i % 2 === 0 ? a : b
        // A forged X-Forwarded-For per request changes nothing: no proxy is trusted by default.
        const res = await fromPeer(target, '203.0.113.9', '/api/organizations', {
          'x-forwarded-for': `198.51.100.${i}`,
        })
        statuses.push(res.status)
        if (res.status === 429) {
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
          expect((await res.json()).error.code).toBe('RATE_LIMITED')
        }
      }
      // Five allowed across the two processes, the sixth refused.
      expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true)
      expect(statuses[5]).toBe(429)
      // Another client is not affected.
      const other = await fromPeer(a, '198.51.100.1', '/api/organizations')
      expect(other.status).toBe(401)
    } finally {
      await a.close()
      await b.close()
      await database.close()
    }
  })
})

describe('logging', () => {
  it('logs requests with a request id and never the password or the session cookie', async () => {
    const lines: string[] = []
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString())
        cb()
      },
    })
    const database = await createTestDatabase()
    const config = parseConfig({
      NODE_ENV: 'test',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'wa-log-')),
      AUTH_SECRET: 'log-secret-log-secret-log-secret-0123456789',
      LOG_LEVEL: 'debug',
    })
    const runtime = await startRuntime({ config, role: 'web', log: createLogger('debug', sink), database })
    try {
      const password = 'hunter2-very-secret-pw'
      const res = await runtime.app.request('/api/auth/sign-up/email', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-abc-123' },
        body: JSON.stringify({ email: 'log@example.test', password, name: 'Log' }),
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('x-request-id')).toBe('req-abc-123')
      const cookie = sessionCookie(res)
      await runtime.app.request('/api/organizations', { headers: { cookie } })
      const all = lines.join('')
      expect(all).toContain('"requestId":"req-abc-123"')
      expect(all).not.toContain(password)
      expect(all).not.toContain(cookie.split('=')[1])
      expect(all).not.toContain(config.authSecret)
    } finally {
      await runtime.close()
      await database.close()
    }
  })
})
