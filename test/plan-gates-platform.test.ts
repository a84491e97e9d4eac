import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emitEvent } from '../src/server/core/webhooks/emit.js'
import { queryRows } from '../src/server/db/client.js'
import { contacts, conversations, messages } from '../src/server/db/schema/index.js'
import { first } from './support/defined.js'
import { addMember, api, factoryOperator, setPlan, signUp } from './support/factories.js'
import {
  ENTERPRISE,
  ownerWithOrganization,
  startTwilioTestRuntime,
  type TwilioTestRuntime,
} from './support/setups.js'
import { waitFor } from './support/wait.js'
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js'
import { giveActiveNumber, inboundParams, postTwilio, uniquePhone } from './support/whatsapp.js'

// Issue 17: API access and webhooks are Enterprise features. Each plan × each gated action
// (create a key, use a key, create/enable a webhook, send a test event, replay); a downgrade keeps
// keys and endpoints but stops them (keys answer 402, events are not queued, pending deliveries stay);
// an upgrade brings them back; an operator's override counts like the plan.

let rt: TwilioTestRuntime
let receiver: WebhookReceiver
beforeAll(async () => {
  rt = await startTwilioTestRuntime({ WEBHOOK_ALLOW_PRIVATE: 'true' })
  receiver = await startWebhookReceiver()
})
afterAll(async () => {
  await rt?.close()
  await receiver?.close()
})

const orgPath = (orgId: string) => `/api/organizations/${orgId}`

const withKey = (secret: string, method: string, path: string, body?: unknown) =>
  api(rt, undefined, method, path, body, { authorization: `Bearer ${secret}` })

const planRequired = (feature: string, currentPlan: string) => ({
  error: {
    code: 'PLAN_REQUIRED',
    message: expect.stringContaining('Enterprise'),
    details: { feature, currentPlan, requiredPlan: 'enterprise' },
  },
})

const count = async (table: 'api_keys' | 'webhook_endpoints' | 'webhook_deliveries', orgId: string) =>
  Number(
    first(
      await queryRows<{ n: number }>(
        rt.database.db,
        sql`select count(*)::int as n from ${sql.raw(table)} where organization_id = ${orgId}`,
      ),
    ).n,
  )

/** An Enterprise organization with a number, a key, a webhook and one (test) delivery. */
async function equipped(events = ['message.received']) {
  const { owner, org } = await ownerWithOrganization(rt, { ...ENTERPRISE, welcomeMessage: '' })
  const number = await giveActiveNumber(rt, org.id)
  const key = await api(rt, owner, 'POST', `${orgPath(org.id)}/api-keys`, {
    name: 'CRM',
    scopes: ['stats:read', 'contacts:read'],
  })
  expect(key.status, JSON.stringify(key.body)).toBe(201)
  const path = `/gates-${org.id}`
  const hook = await api(rt, owner, 'POST', `${orgPath(org.id)}/webhooks`, {
    url: `${receiver.url}${path}`,
    events,
  })
  expect(hook.status, JSON.stringify(hook.body)).toBe(201)
  const webhookId = hook.body.webhook.id as string
  const test = await api(rt, owner, 'POST', `${orgPath(org.id)}/webhooks/${webhookId}/test`)
  expect(test.status).toBe(202)
  return {
    owner,
    orgId: org.id,
    number,
    secret: key.body.secret as string,
    webhookId,
    deliveryId: test.body.delivery.id as string,
    path,
  }
}
type Equipped = Awaited<ReturnType<typeof equipped>>

/** Every gated action, each expected to answer `status` (402 → PLAN_REQUIRED naming the feature). */
async function gatedActions(o: Equipped) {
  const hooks = `${orgPath(o.orgId)}/webhooks`
  return {
    createKey: await api(rt, o.owner, 'POST', `${orgPath(o.orgId)}/api-keys`, {
      name: 'Another',
      scopes: ['stats:read'],
    }),
    useKey: await withKey(o.secret, 'GET', `${orgPath(o.orgId)}/stats`),
    useKeyV1: await withKey(o.secret, 'GET', `/api/v1/organizations/${o.orgId}/contacts`),
    createWebhook: await api(rt, o.owner, 'POST', hooks, {
      url: `${receiver.url}/another-${o.orgId}`,
      events: ['message.sent'],
    }),
    testEvent: await api(rt, o.owner, 'POST', `${hooks}/${o.webhookId}/test`),
    replay: await api(rt, o.owner, 'POST', `${hooks}/${o.webhookId}/deliveries/${o.deliveryId}/replay`),
  }
}

/** A customer writes to the number; resolves once the reply went out (the pipeline's events are written by then). */
async function customerWrites(o: Equipped, text: string) {
  const customer = uniquePhone()
  const res = await postTwilio(
    rt,
    '/api/whatsapp/webhook',
    inboundParams({ from: customer, to: o.number, body: text }),
  )
  expect(res.status).toBe(200)
  const conversationId = await waitFor(
    async () => {
      const [row] = await rt.services.db
        .select({ id: conversations.id })
        .from(conversations)
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .where(and(eq(conversations.organizationId, o.orgId), eq(contacts.waId, customer)))
      return row?.id
    },
    { what: 'the conversation' },
  )
  await waitFor(
    async () => {
      const rows = await rt.services.db
        .select()
        .from(messages)
        .where(eq(messages.conversationId, conversationId))
      return rows.some((m) => m.direction === 'outbound' && (m.providerMessageId || m.status === 'failed'))
    },
    { what: 'the reply' },
  )
}

/** Sets (or, with null, removes) an operator's feature override through the operator route. */
async function overrideFeature(orgId: string, features: Record<string, boolean | null>) {
  const operator = await factoryOperator(rt)
  const res = await api(rt, operator, 'PATCH', `/api/admin/organizations/${orgId}/plan`, {
    overrides: { features },
  })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
}

describe('API access and webhooks by plan', () => {
  it.each(['starter', 'business'] as const)(
    '%s: creating or using a key, creating a webhook, a test event and a replay answer 402 naming Enterprise',
    async (plan) => {
      const o = await equipped()
      await setPlan(rt, o.orgId, plan)
      const before = {
        keys: await count('api_keys', o.orgId),
        hooks: await count('webhook_endpoints', o.orgId),
        deliveries: await count('webhook_deliveries', o.orgId),
      }
      const r = await gatedActions(o)
      expect(r.createKey.status).toBe(402)
      expect(r.createKey.body).toEqual(planRequired('apiAccess', plan))
      for (const used of [r.useKey, r.useKeyV1]) {
        expect(used.status).toBe(402)
        expect(used.body).toEqual(planRequired('apiAccess', plan))
        // The key is valid: no invitation to authenticate again.
        expect(used.headers.get('www-authenticate')).toBeNull()
      }
      for (const res of [r.createWebhook, r.testEvent, r.replay]) {
        expect(res.status).toBe(402)
        expect(res.body).toEqual(planRequired('webhooks', plan))
      }
      // Even outside an organization's routes, the key's answer is the plan.
      expect((await withKey(o.secret, 'GET', '/api/me')).status).toBe(402)

      // Disabling (or editing) an endpoint stays possible; enabling it again needs the plan.
      const hook = `${orgPath(o.orgId)}/webhooks/${o.webhookId}`
      const off = await api(rt, o.owner, 'PATCH', hook, { enabled: false, description: 'paused' })
      expect(off.status).toBe(200)
      const on = await api(rt, o.owner, 'PATCH', hook, { enabled: true })
      expect(on.status).toBe(402)
      expect(on.body).toEqual(planRequired('webhooks', plan))
      expect((await api(rt, o.owner, 'GET', `${orgPath(o.orgId)}/webhooks`)).body.webhooks[0].enabled).toBe(
        false,
      )

      // Nothing was made; listing and revoking keys and deleting endpoints still work.
      expect(await count('api_keys', o.orgId)).toBe(before.keys)
      expect(await count('webhook_endpoints', o.orgId)).toBe(before.hooks)
      expect(await count('webhook_deliveries', o.orgId)).toBe(before.deliveries)
      expect((await api(rt, o.owner, 'GET', `${orgPath(o.orgId)}/api-keys`)).status).toBe(200)
    },
  )

  it('enterprise: every action is allowed', async () => {
    const o = await equipped()
    const r = await gatedActions(o)
    expect(r.createKey.status).toBe(201)
    expect(r.useKey.status).toBe(200)
    expect(r.useKeyV1.status).toBe(200)
    expect(r.createWebhook.status).toBe(201)
    expect(r.testEvent.status).toBe(202)
    expect(r.replay.status).toBe(202)
    const hook = `${orgPath(o.orgId)}/webhooks/${o.webhookId}`
    expect((await api(rt, o.owner, 'PATCH', hook, { enabled: false })).status).toBe(200)
    expect((await api(rt, o.owner, 'PATCH', hook, { enabled: true })).status).toBe(200)
  })

  it('checks who asks before the plan: no session 401, another tenant 404, a viewer 403', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const keys = `${orgPath(org.id)}/api-keys`
    const body = { name: 'k', scopes: ['stats:read'] }
    expect((await api(rt, undefined, 'POST', keys, body)).status).toBe(401)
    const stranger = await signUp(rt)
    expect((await api(rt, stranger, 'POST', keys, body)).status).toBe(404)
    const viewer = await signUp(rt)
    await addMember(rt, owner, org.id, viewer, 'viewer')
    expect((await api(rt, viewer, 'POST', keys, body)).status).toBe(403)
    expect(
      (
        await api(rt, viewer, 'POST', `${orgPath(org.id)}/webhooks`, {
          url: 'https://example.com/h',
          events: ['message.sent'],
        })
      ).status,
    ).toBe(403)
    expect((await api(rt, owner, 'POST', keys, body)).status).toBe(402)
  })
})

describe('a downgrade from Enterprise to Business, and back', () => {
  it('keys answer 402 (not 401), events stop being queued, pending deliveries stay; upgrading restores both', async () => {
    const o = await equipped(['message.received'])
    await waitFor(() => receiver.received.find((r) => r.path === o.path), { what: 'the test event' })
    // A delivery still waiting for its next attempt (brought forward by nothing in this test).
    const pendingId = await rt.database.db.transaction(async (tx) => {
      await emitEvent(tx, {
        organizationId: o.orgId,
        type: 'message.received',
        data: { text: 'queued before' },
      })
      const [row] = await queryRows<{ id: string }>(
        tx,
        sql`update webhook_deliveries set next_attempt_at = now() + interval '1 hour'
            where organization_id = ${o.orgId} and event_type = 'message.received' returning id`,
      )
      return row?.id
    })
    expect(pendingId).toBeDefined()
    const delivered = await count('webhook_deliveries', o.orgId)

    await setPlan(rt, o.orgId, 'business')
    const refused = await withKey(o.secret, 'GET', `${orgPath(o.orgId)}/stats`)
    expect(refused.status).toBe(402)
    expect(refused.body).toEqual(planRequired('apiAccess', 'business'))
    expect(refused.body.error.message).toMatch(/Enterprise plan/)

    await customerWrites(o, 'written while on Business')
    expect(await count('webhook_deliveries', o.orgId)).toBe(delivered)
    expect(
      await rt.database.db.transaction((tx) =>
        emitEvent(tx, { organizationId: o.orgId, type: 'message.received', data: {} }),
      ),
    ).toBe(0)
    const [pending] = await queryRows<{ status: string }>(
      rt.database.db,
      sql`select status from webhook_deliveries where id = ${pendingId ?? ''}`,
    )
    expect(pending?.status).toBe('pending')

    await setPlan(rt, o.orgId, 'enterprise')
    expect((await withKey(o.secret, 'GET', `${orgPath(o.orgId)}/stats`)).status).toBe(200)
    await customerWrites(o, 'written on Enterprise again')
    const event = await waitFor(
      () =>
        receiver.received.find(
          (r) => r.path === o.path && r.json?.data?.text === 'written on Enterprise again',
        ),
      { what: 'the message.received event after the upgrade' },
    )
    expect(event.json.type).toBe('message.received')
    expect(
      receiver.received.some((r) => r.path === o.path && r.json?.data?.text === 'written while on Business'),
    ).toBe(false)
  })
})

describe("an operator's override", () => {
  it('features.apiAccess on a Business organization lets its keys work; removing it stops them again', async () => {
    const o = await equipped()
    await setPlan(rt, o.orgId, 'business')
    expect((await withKey(o.secret, 'GET', `${orgPath(o.orgId)}/stats`)).status).toBe(402)

    await overrideFeature(o.orgId, { apiAccess: true })
    expect((await withKey(o.secret, 'GET', `${orgPath(o.orgId)}/stats`)).status).toBe(200)
    const created = await api(rt, o.owner, 'POST', `${orgPath(o.orgId)}/api-keys`, {
      name: 'Deal',
      scopes: ['stats:read'],
    })
    expect(created.status).toBe(201)
    // The override is for API access only: webhooks still need the plan.
    expect((await api(rt, o.owner, 'POST', `${orgPath(o.orgId)}/webhooks/${o.webhookId}/test`)).status).toBe(
      402,
    )

    await overrideFeature(o.orgId, { apiAccess: null })
    expect((await withKey(o.secret, 'GET', `${orgPath(o.orgId)}/stats`)).status).toBe(402)
    expect((await withKey(created.body.secret, 'GET', `${orgPath(o.orgId)}/stats`)).status).toBe(402)
  })

  it('features.webhooks on a Business organization queues events; false on Enterprise stops them', async () => {
    const o = await equipped(['message.received'])
    const emit = () =>
      rt.database.db.transaction((tx) =>
        emitEvent(tx, { organizationId: o.orgId, type: 'message.received', data: { text: 'x' } }),
      )
    await setPlan(rt, o.orgId, 'business')
    expect(await emit()).toBe(0)
    await overrideFeature(o.orgId, { webhooks: true })
    expect(await emit()).toBe(1)
    expect((await api(rt, o.owner, 'POST', `${orgPath(o.orgId)}/webhooks/${o.webhookId}/test`)).status).toBe(
      202,
    )

    await setPlan(rt, o.orgId, 'enterprise')
    await overrideFeature(o.orgId, { webhooks: false })
    expect(await emit()).toBe(0)
    const test = await api(rt, o.owner, 'POST', `${orgPath(o.orgId)}/webhooks/${o.webhookId}/test`)
    expect(test.status).toBe(402)
    expect(test.body.error.details).toMatchObject({ feature: 'webhooks', currentPlan: 'enterprise' })
  })
})

describe('the OpenAPI document', () => {
  it('documents the 402 on every gated route', async () => {
    const doc = (await (await rt.request('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
    }
    const gated: [string, string][] = [
      ['/api/organizations/{id}/api-keys', 'post'],
      ['/api/organizations/{id}/webhooks', 'post'],
      ['/api/organizations/{id}/webhooks/{webhookId}', 'patch'],
      ['/api/organizations/{id}/webhooks/{webhookId}/test', 'post'],
      ['/api/organizations/{id}/webhooks/{webhookId}/deliveries/{deliveryId}/replay', 'post'],
      ['/api/v1/organizations/{id}/messages', 'post'],
      ['/api/v1/organizations/{id}/contacts', 'get'],
    ]
    for (const [path, method] of gated) {
      expect(doc.paths[path]?.[method]?.responses, `${method} ${path}`).toHaveProperty('402')
    }
  })
})
