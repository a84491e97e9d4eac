import { sql } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { MAX_ATTEMPTS, purgeDeliveryLog } from '../src/server/core/webhooks/deliver-webhooks.js'
import { emitEvent } from '../src/server/core/webhooks/emit.js'
import { queryRows } from '../src/server/db/client.js'
import { defined, first } from './support/defined.js'
import { api, lastMailTo, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { ENTERPRISE, ownerWithOrganization } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js'

// Delivery through the outbox to a local endpoint (private addresses allowed for the test):
// signatures, retries, ordering, disabling, replay, the test event. No test waits out a backoff:
// the next attempt is brought forward in the database and the dispatcher woken.

let rt: TestRuntime
let receiver: WebhookReceiver
beforeAll(async () => {
  rt = await startTestRuntime({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_DISABLE_AFTER_HOURS: '72' } })
  receiver = await startWebhookReceiver()
})
afterAll(async () => {
  await rt?.close()
  await receiver?.close()
})
beforeEach(() => {
  receiver.defaultStatus = 200
})

const hooks = (orgId: string) => `/api/organizations/${orgId}/webhooks`

async function subscribe(owner: TestUser, orgId: string, path: string, events = ['message.received']) {
  const res = await api(rt, owner, 'POST', hooks(orgId), { url: `${receiver.url}${path}`, events })
  expect(res.status).toBe(201)
  return { id: res.body.webhook.id as string, secret: res.body.secret as string, path }
}

const receivedAt = (path: string) => receiver.received.filter((r) => r.path === path)

/** Makes every pending delivery of the endpoint due now and runs the dispatcher. */
async function hurry(endpointId: string) {
  await rt.database.db.execute(
    sql`update webhook_deliveries set next_attempt_at = now() where endpoint_id = ${endpointId} and status = 'pending'`,
  )
  await rt.services.jobs.send('webhooks.deliver', {})
}

async function emit(
  orgId: string,
  type: 'message.received' | 'message.status',
  data: Record<string, unknown>,
  orderingKey?: string,
) {
  await rt.database.db.transaction((tx) =>
    emitEvent(tx, { organizationId: orgId, type, data, orderingKey }, rt.services.jobs),
  )
}

const deliveriesOf = (endpointId: string) =>
  queryRows<{ id: string; status: string; attempts: number; data: string }>(
    rt.database.db,
    sql`select id, status, attempts from webhook_deliveries where endpoint_id = ${endpointId} order by seq`,
  )

describe('webhook delivery', () => {
  it('sends a test event signed per Standard Webhooks, verified by the reference library', async () => {
    const { owner, org } = await ownerWithOrganization(rt, ENTERPRISE)
    const hook = await subscribe(owner, org.id, '/signed')
    const sent = await api(rt, owner, 'POST', `${hooks(org.id)}/${hook.id}/test`)
    expect(sent.status).toBe(202)
    expect(sent.body.delivery).toMatchObject({ eventType: 'webhook.test', status: 'pending', attempts: 0 })
    expect(sent.body.delivery.id).toMatch(/^msg_/)

    const got = await waitFor(() => receivedAt('/signed')[0], { what: 'the test event' })
    expect(got.headers['content-type']).toBe('application/json')
    expect(got.headers['user-agent']).toMatch(/WhatsApp-AI-Assistants-Webhooks/)
    expect(got.headers['webhook-id']).toBe(sent.body.delivery.id)
    expect(Number(got.headers['webhook-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 60)
    // The reference implementation verifies the signature (and the timestamp's freshness).
    const verified = new Webhook(hook.secret).verify(got.body, {
      'webhook-id': String(got.headers['webhook-id']),
      'webhook-timestamp': String(got.headers['webhook-timestamp']),
      'webhook-signature': String(got.headers['webhook-signature']),
    })
    expect(verified).toMatchObject({
      type: 'webhook.test',
      data: { webhookId: hook.id, organizationId: org.id },
    })
    // Another secret does not verify.
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(24, 1).toString('base64')}`).verify(got.body, {
        'webhook-id': String(got.headers['webhook-id']),
        'webhook-timestamp': String(got.headers['webhook-timestamp']),
        'webhook-signature': String(got.headers['webhook-signature']),
      }),
    ).toThrow()
    expect(Date.parse(got.json.timestamp)).toBeGreaterThan(Date.now() - 60_000)

    const detail = await waitFor(async () => {
      const res = await api(
        rt,
        owner,
        'GET',
        `${hooks(org.id)}/${hook.id}/deliveries/${sent.body.delivery.id}`,
      )
      return res.body.delivery?.status === 'delivered' ? res.body.delivery : null
    })
    expect(detail).toMatchObject({ attempts: 1, lastStatusCode: 200, lastError: null, payload: got.json })
    expect(detail.log).toEqual([
      expect.objectContaining({
        attempt: 1,
        url: `${receiver.url}/signed`,
        statusCode: 200,
        responseBody: 'ok',
        error: null,
        requestHeaders: expect.objectContaining({ 'webhook-id': sent.body.delivery.id }),
      }),
    ])
    // The stored event is encrypted.
    const [raw] = await queryRows<{ payload: string }>(
      rt.database.db,
      sql`select payload from webhook_deliveries where id = ${sent.body.delivery.id}`,
    )
    expect(raw?.payload).toMatch(/^enc1:/)
  })

  it('retries an endpoint that fails, then delivers when it recovers, logging every attempt', async () => {
    const { owner, org } = await ownerWithOrganization(rt, ENTERPRISE)
    const hook = await subscribe(owner, org.id, '/flaky')
    receiver.script(500, 503)
    await emit(org.id, 'message.received', { messageId: 'm1', text: 'hello' })

    await waitFor(() => receivedAt('/flaky').length >= 1, { what: 'the first attempt' })
    const failing = await waitFor(async () => {
      const [d] = await deliveriesOf(hook.id)
      return d?.attempts === 1 ? d : null
    })
    expect(failing.status).toBe('pending')
    const [state] = await queryRows<{ failing_since: Date | null; wait: number }>(
      rt.database.db,
      sql`select e.failing_since, extract(epoch from d.next_attempt_at - now())::float as wait
          from webhook_endpoints e join webhook_deliveries d on d.endpoint_id = e.id where e.id = ${hook.id}`,
    )
    expect(state?.failing_since).not.toBeNull()
    // The first retry is due about 5 s later.
    expect(defined(state, 'state').wait).toBeLessThanOrEqual(5)
    const listed = await api(rt, owner, 'GET', hooks(org.id))
    expect(first(listed.body.webhooks)).toMatchObject({ pendingCount: 1, failingSince: expect.any(String) })

    await hurry(hook.id)
    await waitFor(async () => (await deliveriesOf(hook.id))[0]?.attempts === 2, {
      what: 'the second attempt',
    })
    await hurry(hook.id)
    const delivered = await waitFor(async () => {
      const [d] = await deliveriesOf(hook.id)
      return d?.status === 'delivered' ? d : null
    })
    expect(delivered.attempts).toBe(3)
    const got = receivedAt('/flaky')
    expect(got).toHaveLength(3)
    // Every attempt carries the same webhook-id.
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set([delivered.id]))

    const detail = await api(rt, owner, 'GET', `${hooks(org.id)}/${hook.id}/deliveries/${delivered.id}`)
    expect(detail.body.delivery.log.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 503, 200])
    expect(detail.body.delivery.log[0].error).toBe('The endpoint answered HTTP 500')
    expect(detail.body.delivery.log[0].responseBody).toBe('scripted failure 500')
    const after = await api(rt, owner, 'GET', hooks(org.id))
    expect(first(after.body.webhooks)).toMatchObject({ pendingCount: 0, failedCount: 0, failingSince: null })

    const page = await api(rt, owner, 'GET', `${hooks(org.id)}/${hook.id}/deliveries?status=delivered`)
    expect(page.body).toMatchObject({
      deliveries: [{ id: delivered.id, status: 'delivered' }],
      nextCursor: null,
    })
    expect(
      (await api(rt, owner, 'GET', `${hooks(org.id)}/${hook.id}/deliveries?cursor=nonsense`)).status,
    ).toBe(400)
  })

  it('fails a delivery after the last attempt of the backoff', async () => {
    const { owner, org } = await ownerWithOrganization(rt, ENTERPRISE)
    const hook = await subscribe(owner, org.id, '/dead')
    receiver.defaultStatus = 500
    await rt.database.db.execute(sql`update webhook_endpoints set enabled = false where id = ${hook.id}`)
    await emit(org.id, 'message.received', { messageId: 'm-dead' })
    // (Disabled endpoints get no events.)
    expect(await deliveriesOf(hook.id)).toEqual([])
    await api(rt, owner, 'PATCH', `${hooks(org.id)}/${hook.id}`, { enabled: true })
    await emit(org.id, 'message.received', { messageId: 'm-dead' })
    await waitFor(async () => (await deliveriesOf(hook.id))[0]?.attempts === 1)
    await rt.database.db.execute(
      sql`update webhook_deliveries set attempts = ${MAX_ATTEMPTS - 1} where endpoint_id = ${hook.id}`,
    )
    await hurry(hook.id)
    const failed = await waitFor(async () => {
      const [d] = await deliveriesOf(hook.id)
      return d?.status === 'failed' ? d : null
    })
    expect(failed.attempts).toBe(MAX_ATTEMPTS)
    const page = await api(rt, owner, 'GET', `${hooks(org.id)}/${hook.id}/deliveries?status=failed`)
    expect(page.body.deliveries).toEqual([expect.objectContaining({ id: failed.id, nextAttemptAt: null })])
  })

  it("keeps one conversation's events in order: the second waits for the first", async () => {
    const { owner, org } = await ownerWithOrganization(rt, ENTERPRISE)
    const hook = await subscribe(owner, org.id, '/ordered', ['message.received'])
    receiver.script(500)
    await emit(org.id, 'message.received', { n: 1 }, 'conv-A')
    await waitFor(async () => (await deliveriesOf(hook.id))[0]?.attempts === 1, { what: 'the first attempt' })
    // Its retry is an hour away: nothing below can race it.
    await rt.database.db.execute(
      sql`update webhook_deliveries set next_attempt_at = now() + interval '1 hour' where endpoint_id = ${hook.id}`,
    )
    await emit(org.id, 'message.received', { n: 2 }, 'conv-A')
    await emit(org.id, 'message.received', { n: 3 }, 'conv-B')
    // Another conversation goes ahead (in a dispatcher run after event 2 was due) …
    await waitFor(async () => (await deliveriesOf(hook.id))[2]?.status === 'delivered', { what: 'conv-B' })
    await emit(org.id, 'message.received', { n: 4 })
    await waitFor(async () => (await deliveriesOf(hook.id))[3]?.status === 'delivered', { what: 'unordered' })
    // … while the same conversation's next event waits for the first.
    const [one, two] = await deliveriesOf(hook.id)
    expect(one).toMatchObject({ status: 'pending', attempts: 1 })
    expect(two).toMatchObject({ status: 'pending', attempts: 0 })
    expect(receivedAt('/ordered').map((r) => r.json.data.n)).toEqual([1, 3, 4])

    await hurry(hook.id)
    await waitFor(async () => (await deliveriesOf(hook.id)).every((d) => d.status === 'delivered'), {
      what: 'all delivered',
    })
    const order = receivedAt('/ordered')
      .map((r) => r.json.data.n)
      .filter((n: number) => n === 1 || n === 2)
    expect(order).toEqual([1, 1, 2])
  })

  it('disables an endpoint failing for too long, tells the owner, and re-enables on request', async () => {
    const { owner, org } = await ownerWithOrganization(rt, { ...ENTERPRISE, name: 'Failing Bakery' })
    const hook = await subscribe(owner, org.id, '/down', ['message.received'])
    receiver.defaultStatus = 502
    await emit(org.id, 'message.received', { n: 1 })
    await emit(org.id, 'message.received', { n: 2 }, 'conv-down')
    await emit(org.id, 'message.received', { n: 3 }, 'conv-down')
    await waitFor(async () => (await deliveriesOf(hook.id)).some((d) => d.attempts >= 1))
    // Failing for longer than WEBHOOK_DISABLE_AFTER_HOURS without a success.
    await rt.database.db.execute(
      sql`update webhook_endpoints set failing_since = now() - interval '73 hours' where id = ${hook.id}`,
    )
    await hurry(hook.id)
    const disabled = await waitFor(async () => {
      const res = await api(rt, owner, 'GET', hooks(org.id))
      const w: { enabled: boolean; disabledReason: string; pendingCount: number; failedCount: number } =
        first(res.body.webhooks)
      return w.enabled ? null : w
    })
    expect(disabled.disabledReason).toMatch(/more than 72 hours/)
    expect(disabled.pendingCount).toBe(0)
    expect(disabled.failedCount).toBe(3)
    const mail = await lastMailTo(rt, owner.email, (t) => t.includes(`${receiver.url}/down`))
    expect(mail.subject).toBe('A webhook of Failing Bakery was disabled')
    const [audit] = await queryRows<{ actor_label: string; target_id: string }>(
      rt.database.db,
      sql`select actor_label, target_id from audit_log where organization_id = ${org.id} and action = 'webhook.disabled'`,
    )
    expect(audit).toEqual({ actor_label: 'system', target_id: hook.id })
    // No new events while disabled; the test button says why.
    await emit(org.id, 'message.received', { n: 4 })
    expect(await deliveriesOf(hook.id)).toHaveLength(3)
    const test = await api(rt, owner, 'POST', `${hooks(org.id)}/${hook.id}/test`)
    expect(test.status).toBe(409)
    expect(test.body.error.details.reason).toBe('WEBHOOK_DISABLED')

    const enabled = await api(rt, owner, 'PATCH', `${hooks(org.id)}/${hook.id}`, { enabled: true })
    expect(enabled.body.webhook).toMatchObject({ enabled: true, disabledReason: null, failingSince: null })
  })

  it('replays a delivery with the same webhook-id', async () => {
    const { owner, org } = await ownerWithOrganization(rt, ENTERPRISE)
    const hook = await subscribe(owner, org.id, '/replay')
    await emit(org.id, 'message.received', { n: 'again' })
    const [d] = await waitFor(async () => {
      const rows = await deliveriesOf(hook.id)
      return rows[0]?.status === 'delivered' ? rows : null
    })
    const id = defined(d, 'delivery').id
    const replayed = await api(rt, owner, 'POST', `${hooks(org.id)}/${hook.id}/deliveries/${id}/replay`)
    expect(replayed.status).toBe(202)
    expect(replayed.body.delivery).toMatchObject({ id, status: 'pending', attempts: 0, deliveredAt: null })
    await waitFor(() => receivedAt('/replay').length === 2, { what: 'the replay' })
    const [a, b] = receivedAt('/replay')
    expect(b?.headers['webhook-id']).toBe(a?.headers['webhook-id'])
    expect(b?.body).toBe(a?.body)
    const unknown = await api(rt, owner, 'POST', `${hooks(org.id)}/${hook.id}/deliveries/msg_nope/replay`)
    expect(unknown.status).toBe(404)
  })

  it('forgets finished deliveries after 30 days, never pending ones', async () => {
    const { owner, org } = await ownerWithOrganization(rt, ENTERPRISE)
    const hook = await subscribe(owner, org.id, '/old')
    await emit(org.id, 'message.received', { n: 'old' })
    await waitFor(async () => (await deliveriesOf(hook.id))[0]?.status === 'delivered')
    await rt.database.db.execute(
      sql`update webhook_deliveries set status = 'pending', next_attempt_at = now() + interval '1 day' where endpoint_id = ${hook.id}`,
    )
    await rt.database.db.execute(
      sql`update webhook_deliveries set created_at = now() - interval '31 days' where endpoint_id = ${hook.id}`,
    )
    await purgeDeliveryLog(rt.services)
    expect(await deliveriesOf(hook.id)).toHaveLength(1)
    await rt.database.db.execute(
      sql`update webhook_deliveries set status = 'delivered' where endpoint_id = ${hook.id}`,
    )
    await purgeDeliveryLog(rt.services)
    expect(await deliveriesOf(hook.id)).toEqual([])
    const [attempts] = await queryRows<{ n: number }>(
      rt.database.db,
      sql`select count(*)::int as n from webhook_attempts a where not exists (select 1 from webhook_deliveries d where d.id = a.delivery_id)`,
    )
    expect(attempts?.n).toBe(0)
  })
})
