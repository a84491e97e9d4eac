import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../src/server/db/client.js'
import { addMember, api, signUp } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { ENTERPRISE, ownerWithOrganization } from './support/setups.js'

// Webhook subscriptions: CRUD, its security, and what is stored.

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime({ env: { WEBHOOK_ALLOW_PRIVATE: 'false' } })
})
afterAll(async () => {
  await rt?.close()
})

const hooks = (orgId: string) => `/api/organizations/${orgId}/webhooks`
const URL_A = 'https://hooks.example.test/whatsapp'

describe('webhook subscriptions', () => {
  it('creates, lists, shows the secret, updates and deletes, with audit entries', async () => {
    const { owner, org } = await ownerWithOrganization(rt, ENTERPRISE)
    const created = await api(rt, owner, 'POST', hooks(org.id), {
      url: URL_A,
      description: 'CRM',
      events: ['message.received', 'conversation.handed_off', 'message.received'],
    })
    expect(created.status).toBe(201)
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/)
    expect(Buffer.from(created.body.secret.slice(6), 'base64')).toHaveLength(24)
    const webhook = created.body.webhook
    expect(webhook).toMatchObject({
      url: URL_A,
      description: 'CRM',
      events: ['message.received', 'conversation.handed_off'],
      enabled: true,
      disabledReason: null,
      failingSince: null,
      pendingCount: 0,
      failedCount: 0,
    })
    expect(webhook).not.toHaveProperty('secret')

    // The secret is stored encrypted, and shown again only through /secret.
    const [raw] = await queryRows<{ secret: string }>(
      rt.database.db,
      sql`select secret from webhook_endpoints where id = ${webhook.id}`,
    )
    expect(raw?.secret).toMatch(/^enc1:/)
    expect(raw?.secret).not.toContain(created.body.secret.slice(6))
    const list = await api(rt, owner, 'GET', hooks(org.id))
    expect(list.status).toBe(200)
    expect(list.body.webhooks).toEqual([webhook])
    expect(JSON.stringify(list.body)).not.toContain('whsec_')
    const secret = await api(rt, owner, 'GET', `${hooks(org.id)}/${webhook.id}/secret`)
    expect(secret).toMatchObject({ status: 200, body: { secret: created.body.secret } })

    const patched = await api(rt, owner, 'PATCH', `${hooks(org.id)}/${webhook.id}`, {
      events: ['message.status'],
      enabled: false,
    })
    expect(patched.status).toBe(200)
    expect(patched.body.webhook).toMatchObject({ events: ['message.status'], enabled: false, url: URL_A })
    expect(patched.body.webhook.disabledReason).toContain(owner.email)
    const enabled = await api(rt, owner, 'PATCH', `${hooks(org.id)}/${webhook.id}`, { enabled: true })
    expect(enabled.body.webhook).toMatchObject({ enabled: true, disabledReason: null, failingSince: null })

    expect((await api(rt, owner, 'DELETE', `${hooks(org.id)}/${webhook.id}`)).status).toBe(204)
    expect((await api(rt, owner, 'GET', hooks(org.id))).body.webhooks).toEqual([])
    expect((await api(rt, owner, 'GET', `${hooks(org.id)}/${webhook.id}/secret`)).status).toBe(404)

    const audit = await queryRows<{ action: string; actor_label: string; details: Record<string, unknown> }>(
      rt.database.db,
      sql`select action, actor_label, details from audit_log where organization_id = ${org.id} and action like 'webhook.%' order by created_at`,
    )
    expect(audit.map((a) => a.action)).toEqual([
      'webhook.created',
      'webhook.updated',
      'webhook.updated',
      'webhook.deleted',
    ])
    expect(audit[0]?.actor_label).toBe(owner.email)
    expect(JSON.stringify(audit)).not.toContain('whsec_')
  })

  it('refuses bad input with 400 and stores nothing', async () => {
    const { owner, org } = await ownerWithOrganization(rt, ENTERPRISE)
    const bad: unknown[] = [
      { url: 'ftp://example.com/x', events: ['message.received'] },
      { url: 'not a url', events: ['message.received'] },
      { url: 'https://user:pw@example.com/x', events: ['message.received'] },
      { url: `https://example.com/${'a'.repeat(2001)}`, events: ['message.received'] },
      { url: URL_A, events: [] },
      { url: URL_A, events: ['message.exploded'] },
      { url: URL_A, events: ['webhook.test'] },
      { url: URL_A },
      { url: URL_A, events: ['message.received'], secret: 'mine' },
    ]
    for (const body of bad) {
      const res = await api(rt, owner, 'POST', hooks(org.id), body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
    }
    expect((await api(rt, owner, 'GET', hooks(org.id))).body.webhooks).toEqual([])

    const ok = await api(rt, owner, 'POST', hooks(org.id), { url: URL_A, events: ['message.received'] })
    const path = `${hooks(org.id)}/${ok.body.webhook.id}`
    for (const body of [{ url: 'http://127.0.0.1/x' }, { events: [] }, { enabled: 'yes' }]) {
      expect((await api(rt, owner, 'PATCH', path, body)).status, JSON.stringify(body)).toBe(400)
    }
    expect((await api(rt, owner, 'GET', hooks(org.id))).body.webhooks).toEqual([ok.body.webhook])
  })

  it('allows at most 10 endpoints per organization (409 OVER_LIMIT)', async () => {
    const { owner, org } = await ownerWithOrganization(rt, ENTERPRISE)
    for (let i = 0; i < 10; i++) {
      const res = await api(rt, owner, 'POST', hooks(org.id), {
        url: `${URL_A}/${i}`,
        events: ['message.sent'],
      })
      expect(res.status).toBe(201)
    }
    const over = await api(rt, owner, 'POST', hooks(org.id), { url: `${URL_A}/x`, events: ['message.sent'] })
    expect(over.status).toBe(409)
    expect(over.body.error.details.reason).toBe('OVER_LIMIT')
    expect((await api(rt, owner, 'GET', hooks(org.id))).body.webhooks).toHaveLength(10)
  })

  it('is for owners and admins of the organization only', async () => {
    const { owner, org } = await ownerWithOrganization(rt, ENTERPRISE)
    const created = await api(rt, owner, 'POST', hooks(org.id), { url: URL_A, events: ['message.received'] })
    const id = created.body.webhook.id
    const paths: [string, string, unknown?][] = [
      ['GET', hooks(org.id)],
      ['POST', hooks(org.id), { url: URL_A, events: ['message.received'] }],
      ['GET', `${hooks(org.id)}/${id}/secret`],
      ['PATCH', `${hooks(org.id)}/${id}`, { description: 'x' }],
      ['DELETE', `${hooks(org.id)}/${id}`],
      ['POST', `${hooks(org.id)}/${id}/test`],
      ['GET', `${hooks(org.id)}/${id}/deliveries`],
      ['GET', `${hooks(org.id)}/${id}/deliveries/msg_x`],
      ['POST', `${hooks(org.id)}/${id}/deliveries/msg_x/replay`],
    ]
    const admin = await signUp(rt)
    const agent = await signUp(rt)
    const viewer = await signUp(rt)
    await addMember(rt, owner, org.id, admin, 'admin')
    await addMember(rt, owner, org.id, agent, 'agent')
    await addMember(rt, owner, org.id, viewer, 'viewer')
    const stranger = await ownerWithOrganization(rt)
    for (const [method, path, body] of paths) {
      expect((await api(rt, undefined, method, path, body)).status, `${method} ${path} anonymous`).toBe(401)
      expect((await api(rt, agent, method, path, body)).status, `${method} ${path} agent`).toBe(403)
      expect((await api(rt, viewer, method, path, body)).status, `${method} ${path} viewer`).toBe(403)
      expect((await api(rt, stranger.owner, method, path, body)).status, `${method} ${path} stranger`).toBe(
        404,
      )
    }
    // Another organization's webhook id under one's own organization is not found either.
    const theirs = `/api/organizations/${stranger.org.id}/webhooks/${id}`
    expect((await api(rt, stranger.owner, 'GET', `${theirs}/secret`)).status).toBe(404)
    expect((await api(rt, stranger.owner, 'DELETE', theirs)).status).toBe(404)
    // The admin may.
    expect((await api(rt, admin, 'GET', `${hooks(org.id)}/${id}/secret`)).status).toBe(200)
    expect((await api(rt, owner, 'GET', hooks(org.id))).body.webhooks).toHaveLength(1)
  })
})
