import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import twilio from 'twilio'
import { afterEach, describe, expect, it } from 'vitest'
import { openPostgres } from '../src/server/db/client.js'
import { defined, first } from './support/defined.js'
import { childEnv, testEnv } from './support/env.js'
import { waitFor } from './support/wait.js'

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })

const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL')
})

async function startServer(env: Record<string, string>) {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: childEnv({ ...env, PORT: String(port), LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  child.stdout?.on('data', (d) => (output += d))
  child.stderr?.on('data', (d) => (output += d))
  const base = `http://127.0.0.1:${port}`
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`server exited: ${output}`)
      return fetch(`${base}/readyz`).then(
        (res) => res.ok,
        () => false, // not listening yet
      )
    },
    { timeoutMs: 60_000, intervalMs: 250, what: 'the server ready' },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; server output:\n${output}`)
  })
  return { base, child, output: () => output }
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })

describe('npm start', () => {
  it('serves the app on PGlite and finds the same data on a second start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wa-start-'))
    const first = await startServer({ DATA_DIR: dataDir })
    const page = await fetch(`${first.base}/Dashboard/organizations`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="root">')
    const signUp = await fetch(`${first.base}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: first.base },
      body: JSON.stringify({ email: 'persist@example.test', password: 'kept-across-restarts-1', name: 'P' }),
    })
    expect(signUp.status).toBe(200)
    await stop(first.child)

    const second = await startServer({ DATA_DIR: dataDir })
    const signIn = await fetch(`${second.base}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: second.base },
      body: JSON.stringify({ email: 'persist@example.test', password: 'kept-across-restarts-1' }),
    })
    expect(signIn.status).toBe(200)
    await stop(second.child)
  })

  it('refuses to start with a bad variable and names it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      env: childEnv({ DATA_DIR: mkdtempSync(join(tmpdir(), 'wa-bad-')), PORT: 'eighty' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(child)
    let err = ''
    child.stderr?.on('data', (d) => (err += d))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(1)
    expect(err).toMatch(/PORT/)
  })
})

describe.skipIf(!testEnv.TEST_DATABASE_URL)('several processes on one PostgreSQL server', () => {
  it('migrate once without racing when they start together', async () => {
    const serverUrl = defined(testEnv.TEST_DATABASE_URL, 'TEST_DATABASE_URL')
    const name = `t_race_${Date.now().toString(36)}`
    const admin = new pg.Client({ connectionString: serverUrl })
    await admin.connect()
    await admin.query(`create database ${name}`)
    const url = new URL(serverUrl)
    url.pathname = `/${name}`
    try {
      const dbs = await Promise.all(Array.from({ length: 4 }, () => openPostgres(url.toString(), { max: 2 })))
      const db = first(dbs, 'a database handle')
      const { rows } = await db.sql.executeSql('select count(*)::int as n from drizzle.__drizzle_migrations')
      expect(rows[0]?.n).toBeGreaterThan(0)
      const { rows: tables } = await db.sql.executeSql(
        "select count(*)::int as n from information_schema.tables where table_name = 'organizations'",
      )
      expect(tables[0]?.n).toBe(1)
      await Promise.all(dbs.map((d) => d.close()))
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  })
})

describe.skipIf(!testEnv.TEST_DATABASE_URL)('npm start on PostgreSQL', () => {
  it('runs the web processes and a worker process of its own, which answers a customer', async () => {
    const serverUrl = defined(testEnv.TEST_DATABASE_URL, 'TEST_DATABASE_URL')
    const name = `t_cluster_${Date.now().toString(36)}`
    const admin = new pg.Client({ connectionString: serverUrl })
    await admin.connect()
    await admin.query(`create database ${name}`)
    const url = new URL(serverUrl)
    url.pathname = `/${name}`
    const secret = 'cluster-test-secret-cluster-test-secret-0123'
    const db = await openPostgres(url.toString(), { max: 2 })
    try {
      const server = await startServer({
        DATABASE_URL: url.toString(),
        AUTH_SECRET: secret,
        WEB_PROCESSES: '2',
      })
      const appUrl = server.base.replace('127.0.0.1', 'localhost')
      const json = { 'content-type': 'application/json', origin: appUrl }
      const signUp = await fetch(`${server.base}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          email: `c-${Date.now()}@example.test`,
          password: 'cluster-Pass-4821-x',
          name: 'C',
        }),
      })
      expect(signUp.status).toBe(200)
      const cookie = signUp.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ')
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${server.base}${path}`, {
          method,
          headers: { ...json, cookie },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        // biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read field by field below
        return (await res.json()) as any
      }
      const { organization } = await call('POST', '/api/organizations', {
        name: 'Cluster Cafe',
        welcomeMessage: '',
      })
      const { numbers } = await call('GET', '/api/organizations/search-numbers?country=US&type=local&limit=1')
      await call('POST', `/api/organizations/${organization.id}/provision-number`, {
        phoneNumber: numbers[0].phoneNumber,
      })
      const number: string = await waitFor(
        async () => {
          const { organization: org } = await call('GET', `/api/organizations/${organization.id}`)
          return org.numberStatus === 'active' ? org.whatsappNumber : null
        },
        { timeoutMs: 25_000, intervalMs: 250, what: 'the number active' },
      )
      expect(number).toMatch(/^\+1/)

      // A customer writes through the signed webhook (the sandbox signs with its token).
      const params = {
        MessageSid: `SM${'c'.repeat(32)}`,
        From: 'whatsapp:+15550007777',
        To: `whatsapp:${number}`,
        Body: 'Hello?',
        WaId: '15550007777',
        NumMedia: '0',
      }
      const token = `sandbox-${secret.slice(0, 24)}`
      const signature = twilio.getExpectedTwilioSignature(token, `${appUrl}/api/whatsapp/webhook`, params)
      const hook = await fetch(`${server.base}/api/whatsapp/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
      })
      expect(hook.status).toBe(200)
      await waitFor(
        async () => {
          const { rows } = await db.sql.executeSql(
            "select count(*)::int as n from messages where source = 'ai' and provider_message_id is not null",
          )
          return rows[0]?.n === 1
        },
        { timeoutMs: 30_000, intervalMs: 250, what: 'one AI answer sent' },
      )
      // One process listens for work (the worker); the web processes do not.
      const { rows } = await db.sql.executeSql(
        "select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = 'job-wake-listener'",
        [name],
      )
      expect(rows[0]?.n).toBe(1)
      await stop(server.child)
    } finally {
      await db.close()
      await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  }, 180_000)
})
