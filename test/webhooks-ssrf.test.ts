import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isNonPublicAddress, webhookUrlProblem } from '../src/server/core/webhooks/address-policy.js'
import { emitEvent } from '../src/server/core/webhooks/emit.js'
import { safeFetch } from '../src/server/core/webhooks/safe-fetch.js'
import { queryRows } from '../src/server/db/client.js'
import { api } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { ENTERPRISE, ownerWithOrganization } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js'

// Outbound requests to addresses an organization chose must not reach the platform's own network
// (WEBHOOK_ALLOW_PRIVATE=false, the default): refused when subscribing and again at every delivery.

let rt: TestRuntime
let receiver: WebhookReceiver
beforeAll(async () => {
  rt = await startTestRuntime({ env: { WEBHOOK_ALLOW_PRIVATE: 'false' } })
  receiver = await startWebhookReceiver()
})
afterAll(async () => {
  await rt?.close()
  await receiver?.close()
})

const port = () => new URL(receiver.url).port
const REFUSED_URLS = () => [
  `http://127.0.0.1:${port()}/hook`,
  'http://10.0.0.1/hook',
  'http://172.16.5.4/hook',
  'http://192.168.1.1/hook',
  'http://169.254.169.254/latest/meta-data/',
  `http://[::1]:${port()}/hook`,
  'http://[fe80::1]/hook',
  'http://[fd00::1]/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://0.0.0.0/hook',
  'http://224.0.0.1/hook',
  `http://localhost:${port()}/hook`,
  `http://api.localhost:${port()}/hook`,
]

describe('webhook SSRF protection', () => {
  it('classifies addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '169.254.169.254',
      '100.64.0.1',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      '::ffff:10.0.0.1',
      '::ffff:a9fe:a9fe',
      '0.0.0.0',
      '239.1.1.1',
      'ff02::1',
      '255.255.255.255',
    ])
      expect(isNonPublicAddress(a), a).toBe(true)
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])
      expect(isNonPublicAddress(a), a).toBe(false)
    expect(webhookUrlProblem('http://127.0.0.1/x', true)).toBeNull()
    expect(webhookUrlProblem('gopher://example.com/x', true)).toMatch(/http or https/)
  })

  it('refuses private, loopback and link-local targets when subscribing (400, nothing stored)', async () => {
    const { owner, org } = await ownerWithOrganization(rt, ENTERPRISE)
    for (const url of REFUSED_URLS()) {
      const res = await api(rt, owner, 'POST', `/api/organizations/${org.id}/webhooks`, {
        url,
        events: ['message.received'],
      })
      expect(res.status, url).toBe(400)
      expect(res.body.error.details).toEqual([{ path: 'url', message: expect.any(String) }])
    }
    expect((await api(rt, owner, 'GET', `/api/organizations/${org.id}/webhooks`)).body.webhooks).toEqual([])
  })

  it('refuses them again at delivery (a URL that became private, DNS that resolves to loopback)', async () => {
    const { owner, org } = await ownerWithOrganization(rt, ENTERPRISE)
    const created = await api(rt, owner, 'POST', `/api/organizations/${org.id}/webhooks`, {
      url: 'https://hooks.example.test/x',
      events: ['message.received'],
    })
    expect(created.status).toBe(201)
    const id = created.body.webhook.id as string
    for (const url of [
      `http://localhost:${port()}/by-name`,
      `http://127.0.0.1:${port()}/literal`,
      `http://[::1]:${port()}/v6`,
      'http://169.254.169.254/latest/meta-data/',
    ]) {
      // As if the rules had been different when it was saved.
      await rt.database.db.execute(sql`update webhook_endpoints set url = ${url} where id = ${id}`)
      await rt.database.db.transaction((tx) =>
        emitEvent(tx, { organizationId: org.id, type: 'message.received', data: { url } }, rt.services.jobs),
      )
      const [attempt] = await waitFor(
        () =>
          queryRows<{ error: string | null; status_code: number | null }>(
            rt.database.db,
            sql`select a.error, a.status_code from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
                where d.endpoint_id = ${id} and a.url = ${url}`,
          ).then((rows) => (rows.length > 0 ? rows : null)),
        { what: `the attempt to ${url}` },
      )
      expect(attempt?.status_code).toBeNull()
      expect(attempt?.error, url).toMatch(/refused: .* private, loopback or link-local/)
    }
    expect(receiver.received).toEqual([])
  })

  it('connects to the address it checked and follows no redirect', async () => {
    await expect(
      safeFetch(`http://localhost:${port()}/x`, { headers: {}, body: '{}', allowPrivateAddresses: false }),
    ).rejects.toThrow(/refused/)
    // Allowed (self-hosting): the request reaches the receiver, and a redirect is returned as it is.
    receiver.script(302)
    const res = await safeFetch(`http://localhost:${port()}/redirect`, {
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
      allowPrivateAddresses: true,
    })
    expect(res.status).toBe(302)
    expect(receiver.received.map((r) => r.path)).toEqual(['/redirect'])
    await expect(
      safeFetch('file:///etc/passwd', { headers: {}, body: '', allowPrivateAddresses: true }),
    ).rejects.toThrow(/http and https/)
  })

  it('reads at most the size cap of an answer and gives up after the time limit', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'text/plain' })
        res.end('x'.repeat(1024 * 1024))
      }
      // /slow never answers.
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const big = await safeFetch(`${base}/big`, {
        headers: {},
        body: '{}',
        allowPrivateAddresses: true,
        maxResponseBytes: 64 * 1024,
      })
      expect(big.status).toBe(200)
      expect(big.body).toHaveLength(64 * 1024)
      await expect(
        safeFetch(`${base}/slow`, { headers: {}, body: '{}', allowPrivateAddresses: true, timeoutMs: 300 }),
      ).rejects.toThrow(/no answer within 0.3 s/)
    } finally {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
