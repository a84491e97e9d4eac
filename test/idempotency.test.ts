import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../src/server/db/client.js'
import { idempotencyRequestHash } from '../src/server/http/middleware/idempotency.js'
import { systemHandlers } from '../src/server/jobs/handlers/system.js'
import { first } from './support/defined.js'
import { addMember, api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { ENTERPRISE } from './support/setups.js'

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

const contactsPath = (orgId: string) => `/api/organizations/${orgId}/contacts`

const contactCount = async (orgId: string) =>
  Number(
    first(
      await queryRows<{ n: number }>(
        rt.database.db,
        sql`select count(*)::int as n from contacts where organization_id = ${orgId}`,
      ),
    ).n,
  )

async function keySecret(owner: TestUser, orgId: string, scopes: string[]) {
  const res = await api(rt, owner, 'POST', `/api/organizations/${orgId}/api-keys`, { name: 'idem', scopes })
  if (res.status !== 201) throw new Error(`create key failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as { key: { id: string }; secret: string }
}

describe('Idempotency-Key', () => {
  it('does a retried POST once and replays its answer (session)', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const body = { phone: '+14155550140', name: 'Ida' }
    const headers = { 'idempotency-key': 'create-ida-1' }
    const firstTry = await api(rt, owner, 'POST', contactsPath(org.id), body, headers)
    expect(firstTry.status).toBe(201)
    expect(firstTry.headers.get('idempotency-key')).toBe('create-ida-1')
    expect(firstTry.headers.get('idempotent-replayed')).toBeNull()

    const retry = await api(rt, owner, 'POST', contactsPath(org.id), body, headers)
    expect(retry.status).toBe(201)
    expect(retry.body).toEqual(firstTry.body)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(retry.headers.get('content-type')).toContain('application/json')
    expect(await contactCount(org.id)).toBe(1)
    // The kept answer quotes the customer: encrypted at rest like the contact itself.
    const stored = await queryRows<{ response_body: string }>(
      rt.database.db,
      sql`select response_body from idempotency_keys where key = 'create-ida-1'`,
    )
    expect(stored[0]?.response_body).toMatch(/^enc1:/)
    expect(stored[0]?.response_body).not.toContain('Ida')

    // Without the header the same request is a new one (and conflicts with the contact made).
    const plain = await api(rt, owner, 'POST', contactsPath(org.id), body)
    expect(plain.status).toBe(409)
    expect(await contactCount(org.id)).toBe(1)
  })

  it('refuses the same key for a different request: 409 IDEMPOTENCY_KEY_REUSED', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const headers = { 'idempotency-key': 'reused-key' }
    expect(
      (await api(rt, owner, 'POST', contactsPath(org.id), { phone: '+14155550141' }, headers)).status,
    ).toBe(201)
    const other = await api(rt, owner, 'POST', contactsPath(org.id), { phone: '+14155550142' }, headers)
    expect(other.status).toBe(409)
    expect(other.body.error).toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'IDEMPOTENCY_KEY_REUSED' },
    })
    // Another path with the same key is another request too.
    const tag = await api(rt, owner, 'POST', `/api/organizations/${org.id}/tags`, { name: 'vip' }, headers)
    expect(tag.status).toBe(409)
    expect(tag.body.error.details.reason).toBe('IDEMPOTENCY_KEY_REUSED')
    expect(await contactCount(org.id)).toBe(1)
  })

  it('answers 409 IDEMPOTENCY_KEY_IN_USE while the first request is still running', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const body = { phone: '+14155550143' }
    const path = contactsPath(org.id)
    // The row the first request writes before it starts, with no answer yet.
    await rt.database.db.execute(
      sql`insert into idempotency_keys (scope, key, method, path, request_hash)
          values (${`user:${owner.id}`}, 'running-key', 'POST', ${path},
                  ${idempotencyRequestHash('POST', path, new TextEncoder().encode(JSON.stringify(body)))})`,
    )
    const res = await api(rt, owner, 'POST', path, body, { 'idempotency-key': 'running-key' })
    expect(res.status).toBe(409)
    expect(res.body.error.details.reason).toBe('IDEMPOTENCY_KEY_IN_USE')
    expect(await contactCount(org.id)).toBe(0)

    // A first request that died (no answer after a minute) is taken over by the retry.
    await rt.database.db.execute(
      sql`update idempotency_keys set created_at = now() - interval '2 minutes' where key = 'running-key'`,
    )
    const retry = await api(rt, owner, 'POST', path, body, { 'idempotency-key': 'running-key' })
    expect(retry.status).toBe(201)
    expect(await contactCount(org.id)).toBe(1)
  })

  it('lets one of several concurrent identical requests do the work', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const body = { phone: '+14155550152' }
    const headers = { 'idempotency-key': 'burst' }
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => api(rt, owner, 'POST', contactsPath(org.id), body, headers)),
    )
    // Each is the work done, its replay, or "still running" — never a second contact.
    for (const res of answers) {
      if (res.status === 409) expect(res.body.error.details.reason).toBe('IDEMPOTENCY_KEY_IN_USE')
      else expect(res.status).toBe(201)
    }
    expect(answers.filter((r) => r.status === 201 && !r.headers.get('idempotent-replayed'))).toHaveLength(1)
    expect(await contactCount(org.id)).toBe(1)
  })

  it('keeps each caller’s keys apart: another user’s or another API key’s same key is independent', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const agent = await signUp(rt)
    await addMember(rt, owner, org.id, agent, 'agent')
    const headers = { 'idempotency-key': 'shared-name' }
    const mine = await api(rt, owner, 'POST', contactsPath(org.id), { phone: '+14155550144' }, headers)
    expect(mine.status).toBe(201)
    const theirs = await api(rt, agent, 'POST', contactsPath(org.id), { phone: '+14155550145' }, headers)
    expect(theirs.status).toBe(201)
    expect(theirs.headers.get('idempotent-replayed')).toBeNull()
    expect(theirs.body.contact.id).not.toBe(mine.body.contact.id)

    const keyA = await keySecret(owner, org.id, ['contacts:write'])
    const keyB = await keySecret(owner, org.id, ['contacts:write'])
    const viaA = await api(
      rt,
      undefined,
      'POST',
      contactsPath(org.id),
      { phone: '+14155550146' },
      {
        ...headers,
        authorization: `Bearer ${keyA.secret}`,
      },
    )
    expect(viaA.status).toBe(201)
    const viaB = await api(
      rt,
      undefined,
      'POST',
      contactsPath(org.id),
      { phone: '+14155550147' },
      {
        ...headers,
        authorization: `Bearer ${keyB.secret}`,
      },
    )
    expect(viaB.status).toBe(201)
    expect(await contactCount(org.id)).toBe(4)
  })

  it('replays for an API key too', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const { secret } = await keySecret(owner, org.id, ['contacts:write'])
    const headers = { 'idempotency-key': crypto.randomUUID(), authorization: `Bearer ${secret}` }
    const body = { phone: '+14155550148', tags: ['api'] }
    const once = await api(rt, undefined, 'POST', contactsPath(org.id), body, headers)
    const twice = await api(rt, undefined, 'POST', contactsPath(org.id), body, headers)
    expect(once.status).toBe(201)
    expect(twice.status).toBe(201)
    expect(twice.body).toEqual(once.body)
    expect(twice.headers.get('idempotent-replayed')).toBe('true')
    expect(await contactCount(org.id)).toBe(1)
  })

  it('replays a 204 and does not keep refusals (a corrected retry with the same key runs)', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const tag = await api(rt, owner, 'POST', `/api/organizations/${org.id}/tags`, { name: 'gone' })
    const path = `/api/organizations/${org.id}/tags/${tag.body.tag.id}`
    const headers = { 'idempotency-key': 'delete-tag' }
    expect((await api(rt, owner, 'DELETE', path, undefined, headers)).status).toBe(204)
    const again = await api(rt, owner, 'DELETE', path, undefined, headers)
    expect(again.status).toBe(204)
    expect(again.headers.get('idempotent-replayed')).toBe('true')

    const fixHeaders = { 'idempotency-key': 'fix-me' }
    const invalid = await api(rt, owner, 'POST', contactsPath(org.id), { phone: 'nope' }, fixHeaders)
    expect(invalid.status).toBe(400)
    const fixed = await api(rt, owner, 'POST', contactsPath(org.id), { phone: '+14155550149' }, fixHeaders)
    expect(fixed.status).toBe(201)
  })

  it('refuses a malformed key with a 400 and changes nothing; anonymous requests ignore the header', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    for (const key of ['x'.repeat(256), 'tab\there']) {
      const res = await api(
        rt,
        owner,
        'POST',
        contactsPath(org.id),
        { phone: '+14155550150' },
        {
          'idempotency-key': key,
        },
      )
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
    }
    expect(await contactCount(org.id)).toBe(0)
    const anonymous = await api(
      rt,
      undefined,
      'POST',
      contactsPath(org.id),
      { phone: '+14155550150' },
      {
        'idempotency-key': 'anon',
      },
    )
    expect(anonymous.status).toBe(401)
    const rows = await queryRows(rt.database.db, sql`select 1 from idempotency_keys where key = 'anon'`)
    expect(rows).toHaveLength(0)
  })

  it('is forgotten after a day by system.cleanup', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const headers = { 'idempotency-key': 'old-key' }
    expect(
      (await api(rt, owner, 'POST', contactsPath(org.id), { phone: '+14155550151' }, headers)).status,
    ).toBe(201)
    await rt.database.db.execute(
      sql`update idempotency_keys set created_at = now() - interval '25 hours' where scope = ${`user:${owner.id}`}`,
    )
    await systemHandlers['system.cleanup']({}, rt.services, {
      id: 'cleanup-now',
      retryCount: 0,
      retryLimit: 0,
      isLastAttempt: true,
    })
    const rows = await queryRows(
      rt.database.db,
      sql`select 1 from idempotency_keys where scope = ${`user:${owner.id}`}`,
    )
    expect(rows).toHaveLength(0)
  })
})
