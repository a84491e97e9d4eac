import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { readOutbox } from '../../src/server/providers/mail/log-outbox'
import { testEnv } from '../../test/support/env'
import { waitFor } from '../../test/support/wait'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolvePort(port))
    })
  })
}

/** Builds the web app once, only when no build exists (the server serves dist/web). */
export function ensureWebBuild() {
  if (existsSync(join(ROOT, 'dist', 'web', 'index.html'))) return
  const res = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' })
  if (res.status !== 0) throw new Error('vite build failed')
}

export interface RunningServer {
  url: string
  port: number
  dataDir: string
  output(): string
  /** JSON API call as a given session cookie (or none). */
  request(path: string, init?: RequestInit & { cookie?: string }): Promise<Response>
  stop(): Promise<void>
}

/**
 * With TEST_DATABASE_URL, a fresh database on that server (dropped by `drop`); otherwise none
 * and the server uses embedded PGlite in its data directory.
 */
async function freshPostgres(): Promise<{ env: Record<string, string>; drop: () => Promise<void> } | null> {
  const serverUrl = testEnv.TEST_DATABASE_URL
  if (!serverUrl) return null
  const name = `e2e_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    env: { DATABASE_URL: url.toString(), AUTH_SECRET: randomBytes(32).toString('hex') },
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

/** Starts the real server (`tsx src/server/main.ts`) on a free port with a fresh data directory. */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  ensureWebBuild()
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'wa-e2e-'))
  const url = `http://127.0.0.1:${port}`
  const postgres = await freshPostgres()
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    PORT: String(port),
    DATA_DIR: dataDir,
    APP_URL: url,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    RATE_LIMIT_PER_MINUTE: '100000',
    // The browser signs up several users from 127.0.0.1 within the hour.
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    SIGN_UPS_PER_HOUR: '100000',
    ...postgres?.env,
    ...extraEnv,
  }
  let output = ''
  const child: ChildProcess = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/server/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (d) => {
    output += d
  })
  child.stderr?.on('data', (d) => {
    output += d
  })
  const exited = new Promise<void>((res) => child.once('exit', () => res()))

  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})`)
        return fetch(`${url}/readyz`).then(
          (res) => res.ok,
          () => false, // not listening yet
        )
      },
      { timeoutMs: 90_000, intervalMs: 250, what: 'the server ready' },
    )
  } catch (err) {
    child.kill('SIGKILL')
    await postgres?.drop()
    throw new Error(`${err instanceof Error ? err.message : String(err)}:\n${output}`)
  }

  return {
    url,
    port,
    dataDir,
    output: () => output,
    request(path, init = {}) {
      const { cookie, headers, ...rest } = init
      const h = new Headers(headers)
      if (cookie) h.set('cookie', cookie)
      if (rest.body !== undefined && !h.has('content-type')) h.set('content-type', 'application/json')
      h.set('origin', url)
      return fetch(`${url}${path}`, { ...rest, headers: h })
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      }
      rmSync(dataDir, { recursive: true, force: true })
      await postgres?.drop()
    },
  }
}

/** Signs a user up through the API and returns the session cookie. */
export async function signUpViaApi(
  server: RunningServer,
  user: { name: string; email: string; password: string },
): Promise<string> {
  const res = await server.request('/api/auth/sign-up/email', { method: 'POST', body: JSON.stringify(user) })
  if (!res.ok) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`)
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0])
  return cookies.join('; ')
}

let counter = 0
export function uniqueUser(prefix: string) {
  counter += 1
  const tag = `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`
  return {
    name: `${prefix} ${tag}`,
    email: `${prefix}.${tag}@example.test`.toLowerCase(),
    password: 'correct-horse-battery-9',
  }
}

/** Opens the email-verification link the server's log outbox holds for `email` (no SMTP in e2e). */
export async function verifyEmailViaOutbox(server: RunningServer, email: string) {
  const link = await waitFor(
    async () => {
      const mail = (await readOutbox(server.dataDir))
        .filter((m) => m.to === email && m.text.includes('/verify-email?'))
        .pop()
      return mail && /https?:\/\/\S+\/api\/auth\/verify-email\?token=\S+/.exec(mail.text)?.[0]
    },
    { timeoutMs: 10_000, intervalMs: 200, what: `a verification email for ${email}` },
  )
  const res = await fetch(link, { redirect: 'manual' })
  if (res.status !== 302 && res.status !== 200)
    throw new Error(`verify-email → ${res.status} ${await res.text()}`)
}

/** Adds a member the way people do: the owner invites, the member verifies their email and accepts. */
export async function addMemberViaApi(
  server: RunningServer,
  ownerCookie: string,
  orgId: string,
  member: { email: string; cookie: string },
  role: string,
) {
  const invited = await server.request(`/api/organizations/${orgId}/members`, {
    method: 'POST',
    cookie: ownerCookie,
    body: JSON.stringify({ email: member.email, role }),
  })
  if (invited.status !== 201) throw new Error(`invite → ${invited.status} ${await invited.text()}`)
  const { invitation } = (await invited.json()) as { invitation: { id: string } }
  await verifyEmailViaOutbox(server, member.email)
  const accepted = await server.request(`/api/me/invitations/${invitation.id}/accept`, {
    method: 'POST',
    cookie: member.cookie,
  })
  if (accepted.status !== 200) throw new Error(`accept → ${accepted.status} ${await accepted.text()}`)
}
