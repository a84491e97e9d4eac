// `npm run bench broadcast`: a broadcast to 10,000 contacts against the fake Twilio on PostgreSQL —
// the time from POST to 201 (recipients written, job enqueued), the sustained send rate measured
// where the messages arrive (the fake) against BROADCAST_RATE_PER_SECOND, and the peak memory of
// the web and worker processes.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import pg from 'pg'
import { startFakeTwilio, twilioEnv } from '../test/support/fake-twilio.js'
import { createScratchDatabase } from './scratch-database.js'

const RECIPIENTS = Number(process.env.BENCH_BROADCAST_RECIPIENTS ?? 10_000)
const RATE = Number(process.env.BENCH_BROADCAST_RATE ?? 80)
const progress = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`)

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

/** Peak resident memory of a process (Linux), in MiB. */
function peakRssMiB(child: ChildProcess): number | null {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1])
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null
  } catch {
    return null
  }
}

function spawnApp(role: 'web' | 'worker', env: Record<string, string>) {
  return spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', `--role=${role}`], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })

export async function benchBroadcast(): Promise<string[]> {
  const db = await createScratchDatabase('bench_broadcast')
  const twilio = await startFakeTwilio()
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const env = {
    PORT: String(port),
    APP_URL: url,
    AUTH_SECRET: `bench-${randomBytes(24).toString('hex')}`,
    DATABASE_URL: db.url,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    BROADCAST_RATE_PER_SECOND: String(RATE),
    ...twilioEnv(twilio),
  }
  const web = spawnApp('web', env)
  let worker: ChildProcess | undefined
  try {
    for (const deadline = Date.now() + 60_000; ; ) {
      if (web.exitCode !== null) throw new Error(`web exited with ${web.exitCode}`)
      const ready = await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
      if (ready) break
      if (Date.now() > deadline) throw new Error('web did not become ready')
      await new Promise((r) => setTimeout(r, 200))
    }
    worker = spawnApp('worker', env)
    await new Promise((r) => setTimeout(r, 4000))

    const signUp = await fetch(`${url}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url },
      body: JSON.stringify({
        email: `bench-${randomBytes(4).toString('hex')}@example.test`,
        password: `pw-${randomBytes(8).toString('hex')}`,
        name: 'Bench',
      }),
    })
    const cookie = signUp.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    const call = async (method: string, path: string, body?: unknown) => {
      const started = performance.now()
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          cookie,
          origin: url,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      // biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read field by field
      const json = (await res.json()) as any
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
      return { json, ms: performance.now() - started }
    }
    const { organization } = (
      await call('POST', '/api/organizations', { name: 'Bench Broadcasts', welcomeMessage: '' })
    ).json
    const orgId = organization.id as string
    const sender = '+17775550100'
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    await client.query('update organizations set monthly_message_limit_override = 100000000 where id = $1', [
      orgId,
    ])
    await client.query(
      `insert into phone_numbers (organization_id, e164, provider, provider_number_sid, status, sender_status)
       values ($1, $2, 'twilio', $3, 'active', 'ONLINE')`,
      [orgId, sender, `PN${randomBytes(16).toString('hex')}`],
    )
    await client.query(
      `insert into contacts (organization_id, wa_id, name, opted_in_at, attributes)
       select $1, '+1999' || lpad(g::text, 7, '0'), 'Customer ' || g, now(), jsonb_build_object('order', 'A-' || g)
       from generate_series(1, $2::int) g`,
      [orgId, RECIPIENTS],
    )
    await client.query('analyze contacts')
    twilio.setApproval('bench_order_ready', 'approved')
    const { template } = (
      await call('POST', `/api/organizations/${orgId}/templates`, {
        name: 'bench_order_ready',
        language: 'en',
        category: 'utility',
        body: 'Hi {{1}}, your order {{2}} is ready',
        examples: { '1': 'Ana', '2': 'A-1' },
      })
    ).json
    await call('POST', `/api/organizations/${orgId}/templates/${template.id}/refresh`)

    progress(`broadcast to ${RECIPIENTS} contacts at ${RATE}/s`)
    const compose = {
      templateId: template.id,
      variables: { '1': { from: 'name' }, '2': { from: 'attribute', key: 'order' } },
      audience: { kind: 'filter', filter: {} },
    }
    // What the compose page does first: the audience's size and samples.
    const preview = await call('POST', `/api/organizations/${orgId}/broadcasts/preview`, compose)
    // Once scheduled for tomorrow (nothing sends meanwhile), cancelled; then for now.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16)
    const scheduled = await call('POST', `/api/organizations/${orgId}/broadcasts`, {
      name: 'Bench later',
      sendAt: tomorrow,
      ...compose,
    })
    await call('POST', `/api/organizations/${orgId}/broadcasts/${scheduled.json.broadcast.id}/cancel`)
    const created = await call('POST', `/api/organizations/${orgId}/broadcasts`, {
      name: 'Bench',
      ...compose,
    })
    const broadcastId = created.json.broadcast.id as string
    const expectedSeconds = RECIPIENTS / RATE
    for (const deadline = Date.now() + (expectedSeconds * 3 + 120) * 1000; ; ) {
      const { rows } = await client.query('select status from broadcasts where id = $1', [broadcastId])
      if (rows[0]?.status !== 'sending') break
      if (Date.now() > deadline) throw new Error('broadcast did not finish')
      await new Promise((r) => setTimeout(r, 1000))
    }
    const { rows: settled } = await client.query(
      `select count(*) filter (where m.provider_message_id is not null)::int as sent, count(*)::int as total
       from broadcast_recipients r left join messages m on m.id = r.message_id where r.broadcast_id = $1`,
      [broadcastId],
    )
    await client.end()
    const arrivals = twilio.state.sends.filter((s) => s.from === `whatsapp:${sender}`).map((s) => s.at)
    const span = (Math.max(...arrivals) - Math.min(...arrivals)) / 1000
    const perSecond = new Map<number, number>()
    const t0 = Math.min(...arrivals)
    for (const at of arrivals) {
      const s = Math.floor((at - t0) / 1000)
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1)
    }
    const duplicates = arrivals.length - new Set(twilio.state.sends.map((s) => s.to)).size
    return [
      `Broadcast (PostgreSQL, fake Twilio, a web and a worker process; ${RECIPIENTS.toLocaleString('en')} opted-in contacts, BROADCAST_RATE_PER_SECOND=${RATE}):`,
      `- POST /broadcasts/preview (counts by skip reason, 5 samples): ${Math.round(preview.ms)} ms`,
      `- POST /broadcasts → 201 (recipients written in one INSERT … SELECT, job enqueued): scheduled ${Math.round(scheduled.ms)} ms; to send now ${Math.round(created.ms)} ms`,
      `- sent ${settled[0]?.sent} of ${settled[0]?.total}; ${arrivals.length} arrived at the fake, ${duplicates} duplicates`,
      `- sustained rate at the fake: ${((arrivals.length - 1) / span).toFixed(1)}/s over ${span.toFixed(1)} s (configured ${RATE}/s); busiest second ${Math.max(...perSecond.values())}`,
      `- peak memory: web ${peakRssMiB(web) ?? '?'} MiB, worker ${peakRssMiB(worker) ?? '?'} MiB (RSS high-water mark)`,
    ]
  } finally {
    if (worker) await stop(worker)
    await stop(web)
    await twilio.close()
    await db.drop()
  }
}
