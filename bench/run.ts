// `npm run bench`: the webhook's throughput and latency against a bare node:http + pg server on
// the same PostgreSQL, the webhook on PGlite, and the whole pipeline end to end (fake Twilio, an
// instant model). Prints a Markdown table for the README. Needs the PostgreSQL server of
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import pg from 'pg'
import twilio from 'twilio'
import { startFakeTwilio } from '../test/support/fake-twilio.js'
import { startBareServer } from './bare-server.js'
import { benchBroadcast } from './broadcast.js'
import { benchContactImport } from './contact-import.js'
import { startInstantModel } from './instant-model.js'
import { benchRetrieval } from './retrieval.js'
import { createScratchDatabase } from './scratch-database.js'

const progress = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`)
const DURATION = Number(process.env.BENCH_DURATION ?? 20)
const E2E_DURATION = Number(process.env.BENCH_E2E_DURATION ?? 60)
const E2E_RATE = Number(process.env.BENCH_E2E_RATE ?? 100)
const AUTH_SECRET = `bench-${randomBytes(24).toString('hex')}`
// The sandbox provider signs with a token derived from the auth secret (config.ts).
const SANDBOX_TOKEN = `sandbox-${AUTH_SECRET.slice(0, 24)}`

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

const createDatabase = () => createScratchDatabase('bench')

interface AppProcess {
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

/** `default` is `npm start` as shipped (no --role): on PostgreSQL, web processes on every core plus a worker. */
async function startApp(
  env: Record<string, string>,
  role: 'web' | 'worker' | 'default',
): Promise<AppProcess> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  // BENCH_NODE_ARGS (e.g. --cpu-prof) profiles the server under load.
  const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  const roleArgs = role === 'default' ? [] : [`--role=${role}`]
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', 'src/server/main.ts', ...roleArgs], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      APP_URL: url,
      AUTH_SECRET,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '1000000',
      // The pipeline's own speed: a quiet period would merge a customer's messages and add its wait.
      REPLY_QUIET_PERIOD_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const deadline = Date.now() + 60_000
  // A worker process does not listen: give it time to start its workers.
  if (role === 'worker') await new Promise((r) => setTimeout(r, 4000))
  for (; role !== 'worker'; ) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    try {
      if ((await fetch(`${url}/readyz`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server did not become ready')
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/**
 * Signs up, creates an organization and provisions a number; returns the number's E.164. With
 * `databaseUrl`, lifts the organization's monthly limit as an operator would (so a long run is
 * answered, not limit-noticed).
 */
async function prepareOrganization(app: AppProcess, orgInput: Record<string, unknown>, databaseUrl?: string) {
  const email = `bench-${randomBytes(4).toString('hex')}@example.test`
  const signUp = await fetch(`${app.url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: app.url },
    body: JSON.stringify({ email, password: `pw-${randomBytes(8).toString('hex')}`, name: 'Bench' }),
  })
  if (!signUp.ok) throw new Error(`sign-up: ${signUp.status} ${await signUp.text()}`)
  const cookie = signUp.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: {
        cookie,
        origin: app.url,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = (await res.json()) as any
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
    return json
  }
  const { organization } = await call('POST', '/api/organizations', { name: 'Bench Bakery', ...orgInput })
  if (databaseUrl) {
    const c = new pg.Client({ connectionString: databaseUrl })
    await c.connect()
    await c.query('update organizations set monthly_message_limit_override = 100000000 where id = $1', [
      organization.id,
    ])
    await c.end()
  }
  const search = await call('GET', '/api/organizations/search-numbers?country=US&type=local&limit=5')
  const phoneNumber = search.numbers[0].phoneNumber as string
  await call('POST', `/api/organizations/${organization.id}/provision-number`, { phoneNumber })
  const deadline = Date.now() + 60_000
  for (;;) {
    const { organization: org } = await call('GET', `/api/organizations/${organization.id}`)
    if (org.numberStatus === 'active')
      return { organizationId: organization.id as string, number: org.whatsappNumber as string, cookie }
    if (org.numberStatus === 'failed' || Date.now() > deadline)
      throw new Error(`number did not become active: ${org.numberStatus}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

let sidSeq = 0
/** A Twilio-shaped inbound message, signed as Twilio signs it. */
function signedWebhook(appUrl: string, to: string, token: string, customers: number) {
  const n = sidSeq++
  const from = `+1555${String(1_000_000 + (n % customers)).slice(1)}`
  const sid = `SM${randomBytes(16).toString('hex')}`
  const params: Record<string, string> = {
    MessageSid: sid,
    SmsMessageSid: sid,
    AccountSid: 'AC00000000000000000000000000000000',
    From: `whatsapp:${from}`,
    To: `whatsapp:${to}`,
    Body: 'What time do you open on Monday?',
    NumMedia: '0',
    NumSegments: '1',
    ProfileName: 'Bench Customer',
    WaId: from.slice(1),
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  }
  const url = `${appUrl}/api/whatsapp/webhook`
  const signature = twilio.getExpectedTwilioSignature(token, url, params)
  return {
    method: 'POST',
    path: '/api/whatsapp/webhook',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  }
}

interface LoadResult {
  rps: number
  p50: number
  p99: number
  non2xx: number
  errors: number
  total: number
}

async function load(
  target: string,
  makeRequest: () => { method: string; path: string; headers: Record<string, string>; body: string },
  opts: { connections: number; duration: number; overallRate?: number },
): Promise<LoadResult> {
  const result = await autocannon({
    url: target,
    connections: opts.connections,
    duration: opts.duration,
    overallRate: opts.overallRate,
    requests: [{ setupRequest: (req: any) => ({ ...req, ...makeRequest() }) }],
  })
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  }
}

async function benchWebhookVsBare(rows: string[][]) {
  progress('webhook vs bare: starting')
  const bareDb = await createDatabase()
  try {
    const bare = await startBareServer(bareDb.url, await freePort())
    const baseline = await load(
      bare.url,
      () => signedWebhook(bare.url, '+15550000000', SANDBOX_TOKEN, 5000),
      {
        connections: 50,
        duration: DURATION,
      },
    )
    await bare.close()
    progress(`bare: ${baseline.rps} req/s`)
    rows.push(row('bare node:http + pg INSERT', baseline))

    const roles = (process.env.BENCH_WEBHOOK_ROLES ?? 'default,web').split(',') as ('default' | 'web')[]
    for (const role of roles) {
      const db = await createDatabase()
      try {
        const app = await startApp({ DATABASE_URL: db.url }, role)
        const { number } = await prepareOrganization(app, { welcomeMessage: '' }, db.url)
        progress(`${role}: organization ready (${number}); loading the webhook`)
        const webhook = await load(app.url, () => signedWebhook(app.url, number, SANDBOX_TOKEN, 5000), {
          connections: 50,
          duration: DURATION,
        })
        const answered = await countAnswered(db.url)
        await app.stop()
        const name =
          role === 'default'
            ? `webhook, PostgreSQL, \`npm start\` (web on every core + worker answering: ${answered.answered} answered of ${answered.accepted})`
            : 'webhook, PostgreSQL, web role alone'
        rows.push(row(name, webhook))
        rows.push([
          `ratio ${role === 'default' ? 'npm start' : 'web role'} / bare`,
          `${(webhook.rps / baseline.rps).toFixed(2)}`,
          '',
          '',
          '',
        ])
      } finally {
        await db.drop()
      }
    }
  } finally {
    await bareDb.drop()
  }
}

/** Inbox rows accepted and customer messages answered (an AI reply sent), so far. */
async function countAnswered(databaseUrl: string) {
  const c = new pg.Client({ connectionString: databaseUrl })
  await c.connect()
  const { rows } = await c.query(
    `select (select count(*)::int from inbox) as accepted,
            (select count(*)::int from messages where source = 'ai' and sent_at is not null) as answered`,
  )
  await c.end()
  return rows[0] as { accepted: number; answered: number }
}

/** The webhook of `npm start` on PostgreSQL while a 10 MB text file is read and trained. */
async function benchWebhookWhileTraining(rows: string[][]) {
  const db = await createDatabase()
  try {
    const app = await startApp({ DATABASE_URL: db.url }, 'default')
    try {
      const { organizationId, number, cookie } = await prepareOrganization(
        app,
        { welcomeMessage: '' },
        db.url,
      )
      const paragraph =
        'Our workshop repairs bicycles, scooters and prams; bring them in any weekday before noon and collect them the next day. '
      const text = Array.from({ length: 70_000 }, (_, i) => `Section ${i}\n\n${paragraph}`).join('\n\n')
      const form = new FormData()
      form.append('file', new Blob([text], { type: 'text/plain' }), 'handbook.txt')
      const headers = { cookie, origin: app.url }
      const upload = await fetch(`${app.url}/api/organizations/${organizationId}/knowledge/files`, {
        method: 'POST',
        headers,
        body: form,
      })
      if (upload.status !== 202) throw new Error(`upload: ${upload.status} ${await upload.text()}`)
      progress(
        `uploaded ${(text.length / 1e6).toFixed(1)} MB of text; loading the webhook while it is read and trained`,
      )
      const knowledge = async () =>
        (await (
          await fetch(`${app.url}/api/organizations/${organizationId}/knowledge`, { headers })
        ).json()) as {
          sources: { status: string }[]
          training: { status: string }
        }
      const started = Date.now()
      let trainingStarted = false
      const watcher = setInterval(() => {
        knowledge()
          .then(async (k) => {
            if (!trainingStarted && k.sources.every((src) => src.status === 'ready')) {
              trainingStarted = true
              await fetch(`${app.url}/api/organizations/${organizationId}/train`, { method: 'POST', headers })
            }
          })
          .catch(() => {})
      }, 500)
      const result = await load(app.url, () => signedWebhook(app.url, number, SANDBOX_TOKEN, 5000), {
        connections: 50,
        duration: DURATION,
      })
      clearInterval(watcher)
      let final = await knowledge()
      while (final.training.status === 'training' && Date.now() - started < 300_000) {
        await new Promise((r) => setTimeout(r, 1000))
        final = await knowledge()
      }
      rows.push(
        row(
          `webhook, PostgreSQL, \`npm start\`, while a ${(text.length / 1e6).toFixed(1)} MB text file is read and trained (training ${final.training.status})`,
          result,
        ),
      )
    } finally {
      await app.stop()
    }
  } finally {
    await db.drop()
  }
}

async function benchWebhookPglite(rows: string[][]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wa-bench-'))
  try {
    const app = await startApp({ DATA_DIR: dataDir }, (process.env.BENCH_PGLITE_ROLE as 'web') ?? 'default')
    const { number } = await prepareOrganization(app, { welcomeMessage: '' })
    const result = await load(app.url, () => signedWebhook(app.url, number, SANDBOX_TOKEN, 5000), {
      connections: 50,
      duration: DURATION,
    })
    await app.stop()
    rows.push(row('webhook, PGlite, `npm start` (one process, the worker answering too)', result))
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** Customer messages of the organization not yet answered (no AI reply sent, and not finished otherwise). */
const UNANSWERED_SQL = `select count(*)::int as n from inbox x where x.done_at is null`
/** Inbox arrival → AI reply sent, for messages that arrived since $1. */
const LATENCY_SQL = `
  select extract(epoch from (o.sent_at - x.received_at)) * 1000 as ms,
         extract(epoch from (i.created_at - x.received_at)) * 1000 as stored_ms,
         extract(epoch from (o.updated_at - i.created_at)) * 1000 as answered_ms,
         extract(epoch from (o.sent_at - o.updated_at)) * 1000 as sent_ms
    from inbox x join messages i on i.id = x.message_id join messages o on o.reply_to_id = x.message_id and o.source = 'ai'
   where x.received_at >= $1 and o.sent_at is not null order by ms`

async function benchEndToEnd(lines: string[]) {
  const db = await createDatabase()
  const twilioFake = await startFakeTwilio()
  const model = await startInstantModel(await freePort())
  try {
    const env = {
      DATABASE_URL: db.url,
      TWILIO_ACCOUNT_SID: twilioFake.accountSid,
      TWILIO_AUTH_TOKEN: twilioFake.authToken,
      TWILIO_API_BASE_URL: twilioFake.url,
      OPENAI_API_KEY: 'bench-key',
      OPENAI_BASE_URL: model.url,
    }
    // `npm start` as shipped: web processes on every core and a worker process, sharing PostgreSQL.
    const app = await startApp(env, 'default')
    progress('npm start up')
    const { number } = await prepareOrganization(
      app,
      { welcomeMessage: '', ai: { tone: 'friendly', language: 'en', provider: 'openai', model: 'instant' } },
      db.url,
    )
    const pool = new pg.Pool({ connectionString: db.url, max: 2 })
    const unanswered = async () => (await pool.query(UNANSWERED_SQL)).rows[0].n as number
    const drain = async (ms: number) => {
      const deadline = Date.now() + ms
      let n = await unanswered()
      while (n > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500))
        n = await unanswered()
      }
      return n
    }
    /** One run at `rate` messages/s: webhook latency, backlog every 5 s, reply latency. */
    const run = async (rate: number, duration: number) => {
      const since = (await pool.query('select now() as t')).rows[0].t as Date
      const backlog: number[] = []
      const sampler = setInterval(() => {
        unanswered()
          .then((n) => backlog.push(n))
          .catch(() => {})
      }, 5000)
      const result = await load(app.url, () => signedWebhook(app.url, number, twilioFake.authToken, 2000), {
        connections: 20,
        duration,
        overallRate: rate,
      })
      clearInterval(sampler)
      const left = await drain(60_000)
      const rows = (await pool.query(LATENCY_SQL, [since])).rows
      const ms = rows.map((r) => Number(r.ms))
      const pct = (p: number) =>
        ms.length ? (ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))] ?? 0).toFixed(1) : 'n/a'
      const median = (key: string) => {
        const v = rows.map((r) => Number(r[key])).sort((a, b) => a - b)
        return v.length ? (v[Math.floor(v.length / 2)] ?? 0).toFixed(1) : 'n/a'
      }
      // Where the time goes: accepted → stored and planned (claimed in a batch), → answer recorded, → sent.
      const stages = `stored ${median('stored_ms')} ms, answered +${median('answered_ms')} ms, sent +${median('sent_ms')} ms (medians)`
      return { result, backlog, left, answered: ms.length, p50: pct(50), p99: pct(99), stages }
    }

    progress('e2e warm-up')
    await run(E2E_RATE / 2, 10)
    const sendsBefore = twilioFake.requests.filter((r) => r.path.endsWith('/Messages.json')).length
    const modelCallsBefore = model.calls()
    progress('e2e main run')
    const main = await run(E2E_RATE, E2E_DURATION)
    lines.push(
      `- after a 10 s warm-up at ${E2E_RATE / 2}/s: sent ${main.result.total} webhooks at ${E2E_RATE}/s for ${E2E_DURATION} s (non-2xx ${main.result.non2xx}, errors ${main.result.errors}); ` +
        `answered ${main.answered}; unanswered after drain ${main.left}`,
      `- inbound (webhook accepted) → reply sent: median ${main.p50} ms, p99 ${main.p99} ms; ${main.stages}`,
      `- unanswered backlog sampled every 5 s: ${main.backlog.join(', ') || 'n/a'}`,
      `- webhook latency under this load: p50 ${main.result.p50} ms, p99 ${main.result.p99} ms; model calls ${model.calls() - modelCallsBefore}; ` +
        `Twilio sends ${twilioFake.requests.filter((r) => r.path.endsWith('/Messages.json')).length - sendsBefore}`,
    )

    // The highest rate answered with no growing backlog: step up until the backlog grows.
    let sustained = E2E_RATE
    for (const rate of (process.env.BENCH_STEP_RATES ?? '200,300,400,600').split(',').map(Number)) {
      progress(`e2e step ${rate}/s`)
      const step = await run(rate, 20)
      const growing =
        step.backlog.length >= 2 && (step.backlog.at(-1) ?? 0) > Math.max(rate, (step.backlog[0] ?? 0) * 2)
      lines.push(
        `- step ${rate}/s for 20 s: achieved ${step.result.rps}/s, webhook p99 ${step.result.p99} ms, backlog ${step.backlog.join(', ') || 'n/a'}, ` +
          `reply median ${step.p50} ms, p99 ${step.p99} ms${growing ? ' — backlog growing' : ''}`,
      )
      if (growing || step.result.rps < rate * 0.9) break
      sustained = rate
    }
    lines.push(`- highest rate sustained with no growing backlog: ${sustained} messages/s`)
    await pool.end()
    await app.stop()
  } finally {
    await model.close()
    await twilioFake.close()
    await db.drop()
  }
}

const row = (name: string, r: LoadResult) => [
  name,
  String(r.rps),
  String(r.p50),
  String(r.p99),
  `${r.total} (${r.non2xx} non-2xx, ${r.errors} errors)`,
]

async function main() {
  const only = process.argv.slice(2)
  const want = (name: string) => only.length === 0 || only.includes(name)
  const rows: string[][] = []
  const e2e: string[] = []
  if (want('webhook')) await benchWebhookVsBare(rows)
  if (want('training')) await benchWebhookWhileTraining(rows)
  if (want('pglite')) await benchWebhookPglite(rows)
  if (want('e2e')) await benchEndToEnd(e2e)
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
  console.log(`\nMachine: ${machine}; ${new Date().toISOString().slice(0, 10)}`)
  if (rows.length) {
    console.log(`\nWebhook load: autocannon, 50 connections, ${DURATION} s, unique signed messages\n`)
    console.log('| target | requests/s | p50 ms | p99 ms | requests |')
    console.log('|---|---|---|---|---|')
    for (const r of rows) console.log(`| ${r.join(' | ')} |`)
  }
  if (e2e.length) {
    console.log(
      '\nEnd to end (PostgreSQL, fake Twilio, instant model; `npm start`: web processes on every core and a worker process):\n',
    )
    for (const l of e2e) console.log(l)
  }
  if (want('retrieval')) console.log(`\n${(await benchRetrieval()).join('\n')}`)
  if (want('broadcast')) console.log(`\n${(await benchBroadcast()).join('\n')}`)
  if (want('import')) console.log(`\n${(await benchContactImport()).join('\n')}`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
