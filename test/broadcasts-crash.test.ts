import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addContacts,
  approvedTemplate,
  recipientRows,
  sendsByRecipient,
  usageOf,
  waitForStatus,
} from './support/broadcasts.js'
import { testEnv } from './support/env.js'
import { api, createOrganization, signUp } from './support/factories.js'
import { type FakeTwilio, startFakeTwilio, twilioEnv } from './support/fake-twilio.js'
import type { TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber } from './support/whatsapp.js'
import { startWebAndWorkers, type WebAndWorkers } from './support/worker-process.js'

// A worker process killed (SIGKILL) in the middle of a broadcast: some messages sent, some handed
// to Twilio and never answered (held by a relay in front of the fake, so they never arrive), the
// rest made but not sent. Another worker process finishes it: every recipient gets exactly one
// message. Worker processes share the database, so this runs on PostgreSQL (TEST_DATABASE_URL).

/** Forwards everything to the fake Twilio, but holds message sends past the first `allow` unanswered. */
function startRelay(target: string) {
  const state = { allow: Number.POSITIVE_INFINITY, passed: 0, held: [] as ServerResponse[] }
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      const isSend = req.method === 'POST' && (req.url ?? '').endsWith('/Messages.json')
      if (isSend && state.passed >= state.allow) {
        state.held.push(res)
        return
      }
      if (isSend) state.passed++
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && k !== 'host') headers[k] = v
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      })
      const body = Buffer.from(await upstream.arrayBuffer())
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      })
      res.end(body)
    })
  })
  return new Promise<{ url: string; state: typeof state; close(): Promise<void> }>((done) =>
    server.listen(0, '127.0.0.1', () =>
      done({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        state,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections()
            server.close(() => r())
          }),
      }),
    ),
  )
}

let app: WebAndWorkers
let web: TestRuntime
let twilio: FakeTwilio
let relay: Awaited<ReturnType<typeof startRelay>>

describe.skipIf(!testEnv.TEST_DATABASE_URL)('a worker killed mid-broadcast', () => {
  beforeAll(async () => {
    twilio = await startFakeTwilio()
    relay = await startRelay(twilio.url)
    app = await startWebAndWorkers({
      LOG_LEVEL: 'error',
      ...twilioEnv({ ...twilio, url: relay.url }),
      BROADCAST_RATE_PER_SECOND: '50',
    })
    web = app.web
  })
  afterAll(async () => {
    await app?.close()
    await relay?.close()
    await twilio?.close()
  })

  it('sends every recipient exactly once when the worker dies with sends in flight', async () => {
    const owner = await signUp(web)
    const org = await createOrganization(web, owner, { welcomeMessage: '' })
    const number = await giveActiveNumber(web, org.id)
    const template = await approvedTemplate(web, twilio, owner, org.id)
    await addContacts(
      web,
      org.id,
      Array.from({ length: 60 }, (_, i) => ({ name: `Customer ${i}`, attributes: { order: `O-${i}` } })),
    )
    relay.state.allow = 20
    const first = app.startWorker()
    const res = await api(web, owner, 'POST', `/api/organizations/${org.id}/broadcasts`, {
      name: 'Crash',
      templateId: template.id,
      variables: { '1': { from: 'name' }, '2': { from: 'attribute', key: 'order' } },
      audience: { kind: 'filter', filter: {} },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    const broadcastId = res.body.broadcast.id as string
    // 20 sent and recorded, at least one more handed to "Twilio" and hanging: kill the worker.
    await waitFor(
      async () => {
        const rows = await recipientRows(web, broadcastId)
        return rows.filter((r) => r.provider_message_id).length === 20 && relay.state.held.length > 0
      },
      { what: '20 sends and one hanging', timeoutMs: 60_000, intervalMs: 100 },
    )
    first.kill('SIGKILL')
    await new Promise((r) => first.once('exit', r))
    // The held sends die with the worker: they never reach Twilio.
    for (const held of relay.state.held) held.destroy()
    relay.state.held = []
    relay.state.allow = Number.POSITIVE_INFINITY
    const before = await recipientRows(web, broadcastId)
    expect(before.filter((r) => r.provider_message_id)).toHaveLength(20)
    expect(before.filter((r) => r.state === 'messaged' && !r.provider_message_id).length).toBeGreaterThan(0)
    expect(sendsByRecipient(twilio, number).size).toBe(20)

    // Another worker; the lost job is re-kicked (what the sweep does for a stalled broadcast).
    app.startWorker()
    await web.services.jobs.send('broadcasts.send', { organizationId: org.id, broadcastId })
    await waitForStatus(web, owner, org.id, broadcastId, 'completed', 120_000)
    const sends = sendsByRecipient(twilio, number)
    expect(sends.size).toBe(60)
    expect([...sends.values()].every((n) => n === 1)).toBe(true)
    const rows = await recipientRows(web, broadcastId)
    expect(rows.every((r) => r.state === 'messaged' && r.provider_message_id)).toBe(true)
    const usage = await usageOf(web, org.id)
    expect(usage?.messageCount).toBe(60)
  }, 180_000)
})
