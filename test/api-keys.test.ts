import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../src/server/db/client.js'
import { defined, first } from './support/defined.js'
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

const keysPath = (orgId: string) => `/api/organizations/${orgId}/api-keys`

/** A request made with an API key only (no cookie). */
const withKey = (secret: string, method: string, path: string, body?: unknown) =>
  api(rt, undefined, method, path, body, { authorization: `Bearer ${secret}` })

async function makeKey(owner: TestUser, orgId: string, input: Record<string, unknown> = {}) {
  const res = await api(rt, owner, 'POST', keysPath(orgId), {
    name: 'Integration',
    scopes: ['contacts:read'],
    ...input,
  })
  if (res.status !== 201) throw new Error(`create key failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as { key: { id: string; prefix: string }; secret: string }
}

const keyRow = async (id: string) =>
  first(
    await queryRows<{ secret_hash: string; prefix: string; last_used_at: unknown; revoked_at: unknown }>(
      rt.database.db,
      sql`select * from api_keys where id = ${id}`,
    ),
    'the api_keys row',
  )

const keyCount = async (orgId: string) =>
  Number(
    first(
      await queryRows<{ n: number }>(
        rt.database.db,
        sql`select count(*)::int as n from api_keys where organization_id = ${orgId}`,
      ),
    ).n,
  )

describe('API keys: create, list, revoke', () => {
  it('shows the secret once, stores only its hash, lists keys without secrets, and audits both changes', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const created = await api(
      rt,
      owner,
      'POST',
      keysPath(org.id),
      { name: '  CRM sync  ', scopes: ['contacts:read', 'contacts:write'] },
      { 'user-agent': 'key-test-browser/1.0' },
    )
    expect(created.status).toBe(201)
    expect(created.headers.get('cache-control')).toBe('no-store')
    const secret: string = created.body.secret
    expect(secret).toMatch(/^wak_[0-9A-Za-z]{40}$/)
    expect(created.body.key).toMatchObject({
      name: 'CRM sync',
      prefix: secret.slice(0, 12),
      scopes: ['contacts:read', 'contacts:write'],
      status: 'active',
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
      createdByEmail: owner.email,
    })

    const row = await keyRow(created.body.key.id)
    expect(row.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'))
    expect(JSON.stringify(row)).not.toContain(secret.slice(12))

    const list = await api(rt, owner, 'GET', keysPath(org.id))
    expect(list.status).toBe(200)
    expect(list.body.keys).toHaveLength(1)
    expect(first(list.body.keys)).toMatchObject({ id: created.body.key.id, status: 'active' })
    expect(JSON.stringify(list.body)).not.toContain(secret.slice(12))
    expect(list.body.keys[0]).not.toHaveProperty('secret')

    const revoked = await api(rt, owner, 'DELETE', `${keysPath(org.id)}/${created.body.key.id}`)
    expect(revoked.status).toBe(200)
    expect(revoked.body.key.status).toBe('revoked')
    expect(revoked.body.key.revokedAt).toEqual(expect.any(String))
    // Revoking again is fine and changes nothing.
    const again = await api(rt, owner, 'DELETE', `${keysPath(org.id)}/${created.body.key.id}`)
    expect(again.status).toBe(200)
    expect(again.body.key.revokedAt).toBe(revoked.body.key.revokedAt)

    const audit = await queryRows<{
      action: string
      details: Record<string, unknown>
      actor_label: string
      user_agent: string | null
    }>(
      rt.database.db,
      sql`select action, details, actor_label, user_agent from audit_log
          where organization_id = ${org.id} and action like 'api_key.%' order by created_at`,
    )
    expect(audit.map((a) => a.action)).toEqual(['api_key.created', 'api_key.revoked'])
    expect(first(audit).details).toMatchObject({
      name: 'CRM sync',
      scopes: ['contacts:read', 'contacts:write'],
      prefix: secret.slice(0, 12),
    })
    expect(first(audit)).toMatchObject({ actor_label: owner.email, user_agent: 'key-test-browser/1.0' })
    expect(JSON.stringify(audit)).not.toContain(secret.slice(12))
  })

  it('refuses bad input with a 400 and stores nothing', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const bad: [unknown, RegExp][] = [
      [{ name: '', scopes: ['contacts:read'] }, /name/],
      [{ name: 'x'.repeat(101), scopes: ['contacts:read'] }, /name/],
      [{ name: 'k', scopes: [] }, /scopes/],
      [{ name: 'k', scopes: ['contacts:read', 'contacts:read'] }, /scopes/],
      [{ name: 'k', scopes: ['members:manage'] }, /scopes/],
      [{ name: 'k', scopes: ['contacts:read'], expiresAt: 'tomorrow' }, /expiresAt/],
      [{ name: 'k', scopes: ['contacts:read'], expiresAt: '2020-01-01T00:00:00Z' }, /expiresAt/],
      [{ scopes: ['contacts:read'] }, /name/],
    ]
    for (const [body, field] of bad) {
      const res = await api(rt, owner, 'POST', keysPath(org.id), body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
      expect(JSON.stringify(res.body.error.details)).toMatch(field)
    }
    expect(await keyCount(org.id)).toBe(0)
    expect((await api(rt, owner, 'DELETE', `${keysPath(org.id)}/not-a-uuid`)).status).toBe(404)
    expect((await api(rt, owner, 'DELETE', `${keysPath(org.id)}/${crypto.randomUUID()}`)).status).toBe(404)
  })

  it('is for owners and admins: viewers and agents 403, no session 401, another tenant 404', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const admin = await signUp(rt)
    const agent = await signUp(rt)
    const viewer = await signUp(rt)
    await addMember(rt, owner, org.id, admin, 'admin')
    await addMember(rt, owner, org.id, agent, 'agent')
    await addMember(rt, owner, org.id, viewer, 'viewer')
    const { key } = await makeKey(owner, org.id)

    const byAdmin = await api(rt, admin, 'POST', keysPath(org.id), {
      name: 'admin key',
      scopes: ['stats:read'],
    })
    expect(byAdmin.status).toBe(201)
    expect((await api(rt, admin, 'GET', keysPath(org.id))).body.keys).toHaveLength(2)

    for (const person of [agent, viewer]) {
      expect((await api(rt, person, 'GET', keysPath(org.id))).status).toBe(403)
      const post = await api(rt, person, 'POST', keysPath(org.id), { name: 'n', scopes: ['stats:read'] })
      expect(post.status).toBe(403)
      expect((await api(rt, person, 'DELETE', `${keysPath(org.id)}/${key.id}`)).status).toBe(403)
    }
    expect((await api(rt, undefined, 'GET', keysPath(org.id))).status).toBe(401)
    expect(
      (await api(rt, undefined, 'POST', keysPath(org.id), { name: 'n', scopes: ['stats:read'] })).status,
    ).toBe(401)

    const stranger = await signUp(rt)
    const theirs = await createOrganization(rt, stranger)
    expect((await api(rt, stranger, 'GET', keysPath(org.id))).status).toBe(404)
    expect((await api(rt, stranger, 'DELETE', `${keysPath(org.id)}/${key.id}`)).status).toBe(404)
    // Their own organization does not reach our key either.
    expect((await api(rt, stranger, 'DELETE', `${keysPath(theirs.id)}/${key.id}`)).status).toBe(404)
    expect(await keyCount(org.id)).toBe(2)
    expect((await keyRow(key.id)).revoked_at).toBeNull()
  })
})

describe('Bearer authentication', () => {
  it('works on the organization’s routes within its scopes, and records when it was last used', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const { key, secret } = await makeKey(owner, org.id, { scopes: ['contacts:read'] })
    expect((await keyRow(key.id)).last_used_at).toBeNull()

    const contacts = await withKey(secret, 'GET', `/api/organizations/${org.id}/contacts`)
    expect(contacts.status).toBe(200)
    expect((await keyRow(key.id)).last_used_at).not.toBeNull()
    const listed = await api(rt, owner, 'GET', keysPath(org.id))
    expect(first(listed.body.keys)).toMatchObject({ lastUsedAt: expect.any(String) })
    // Any key reads the organization itself.
    expect((await withKey(secret, 'GET', `/api/organizations/${org.id}`)).status).toBe(200)

    // Outside its scopes: 403 naming the scope.
    const conversations = await withKey(secret, 'GET', `/api/organizations/${org.id}/conversations`)
    expect(conversations.status).toBe(403)
    expect(conversations.body.error.message).toContain('conversations:read')
    const write = await withKey(secret, 'POST', `/api/organizations/${org.id}/contacts`, {
      phone: '+14155550123',
    })
    expect(write.status).toBe(403)
    expect(write.body.error.message).toContain('contacts:write')
  })

  it('never reaches people-only routes, whatever its scopes', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const { secret } = await makeKey(owner, org.id, {
      scopes: ['conversations:read', 'messages:send', 'contacts:read', 'contacts:write', 'knowledge:write'],
    })
    for (const [method, path, body] of [
      ['GET', `/api/organizations/${org.id}/members`],
      ['GET', keysPath(org.id)],
      ['POST', keysPath(org.id), { name: 'escalate', scopes: ['stats:read'] }],
      ['PATCH', `/api/organizations/${org.id}`, { name: 'Renamed' }],
      ['DELETE', `/api/organizations/${org.id}`],
      ['GET', `/api/organizations/${org.id}/audit-log`],
    ] as const) {
      const res = await withKey(secret, method, path, body)
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(res.body.error.code).toBe('FORBIDDEN')
    }
    expect(await keyCount(org.id)).toBe(1)
  })

  it('is refused on the account routes and everything outside an organization', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const { secret } = await makeKey(owner, org.id)
    for (const [method, path] of [
      ['GET', '/api/me'],
      ['GET', '/api/organizations'],
      ['POST', '/api/organizations'],
      ['GET', '/api/me/invitations'],
      ['GET', '/api/admin/organizations'],
      ['GET', '/api/training/knowledge-base'],
      ['GET', '/api/organizations/search-numbers'],
    ] as const) {
      const res = await withKey(secret, method, path, method === 'POST' ? { name: 'Via key' } : undefined)
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(res.body.error.message).toBe("API keys only work on an organization's routes")
    }
    // The sign-in routes ignore the header: the cookie's session is still the one read there.
    const session = await api(rt, owner, 'GET', '/api/auth/get-session', undefined, {
      authorization: `Bearer ${secret}`,
    })
    expect(session.status).toBe(200)
    expect(session.body.user.email).toBe(owner.email)
  })

  it('never reaches another organization: 404', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const other = await createOrganization(rt, owner, ENTERPRISE)
    const { secret } = await makeKey(owner, other.id, { scopes: ['contacts:read'] })
    const res = await withKey(secret, 'GET', `/api/organizations/${org.id}/contacts`)
    expect(res.status).toBe(404)
    expect((await withKey(secret, 'GET', `/api/organizations/${org.id}`)).status).toBe(404)
    expect((await withKey(secret, 'GET', `/api/organizations/${crypto.randomUUID()}/contacts`)).status).toBe(
      404,
    )
  })

  it('answers 401 for revoked, expired and unknown keys, and never falls back to the cookie', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const path = `/api/organizations/${org.id}/contacts`
    const revoked = await makeKey(owner, org.id)
    expect((await withKey(revoked.secret, 'GET', path)).status).toBe(200)
    await api(rt, owner, 'DELETE', `${keysPath(org.id)}/${revoked.key.id}`)
    const afterRevoke = await withKey(revoked.secret, 'GET', path)
    expect(afterRevoke.status).toBe(401)
    expect(afterRevoke.body.error).toMatchObject({ code: 'UNAUTHORIZED' })
    expect(afterRevoke.body.error.message).toContain('revoked')
    expect(afterRevoke.headers.get('www-authenticate')).toContain('Bearer')

    const expiring = await makeKey(owner, org.id, {
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    })
    expect((await withKey(expiring.secret, 'GET', path)).status).toBe(200)
    // A day later, as far as the key is concerned.
    await rt.database.db.execute(
      sql`update api_keys set expires_at = now() - interval '1 second' where id = ${expiring.key.id}`,
    )
    const afterExpiry = await withKey(expiring.secret, 'GET', path)
    expect(afterExpiry.status).toBe(401)
    expect(afterExpiry.body.error.message).toContain('expired')
    const listed = await api(rt, owner, 'GET', keysPath(org.id))
    const statuses = Object.fromEntries(
      listed.body.keys.map((k: { id: string; status: string }) => [k.id, k.status]),
    )
    expect(statuses).toEqual({ [revoked.key.id]: 'revoked', [expiring.key.id]: 'expired' })

    for (const token of [`wak_${'A'.repeat(40)}`, 'not-a-key', '']) {
      const unknown = await withKey(token, 'GET', path)
      expect(unknown.status, token).toBe(401)
      expect(unknown.body.error.message).toContain('nknown key')
    }
    // A valid cookie beside a bad key does not help.
    const both = await api(rt, owner, 'GET', path, undefined, { authorization: `Bearer ${revoked.secret}` })
    expect(both.status).toBe(401)
  })

  it('writes within its scopes', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const { secret } = await makeKey(owner, org.id, { name: 'Ops bot', scopes: ['contacts:write'] })
    const res = await withKey(secret, 'POST', `/api/organizations/${org.id}/contacts`, {
      phone: '+14155550177',
    })
    expect(res.status).toBe(201)
    expect(res.body.contact.phone).toBe('+14155550177')
  })
})

describe('API key rate limit', () => {
  it('counts each key on its own budget: over API_KEY_RATE_LIMIT_PER_MINUTE → 429, the session unaffected', async () => {
    const limited = await startTestRuntime({ env: { API_KEY_RATE_LIMIT_PER_MINUTE: '3' } })
    try {
      const owner = await signUp(limited)
      const org = await createOrganization(limited, owner, ENTERPRISE)
      const created = await api(limited, owner, 'POST', keysPath(org.id), {
        name: 'k',
        scopes: ['stats:read'],
      })
      const secret: string = created.body.secret
      const path = `/api/organizations/${org.id}/stats`
      // Three a minute: within ten requests one is refused, even if a minute turns over on the way.
      let refused: Awaited<ReturnType<typeof api>> | undefined
      for (let i = 0; i < 10 && !refused; i++) {
        const res = await api(limited, undefined, 'GET', path, undefined, {
          authorization: `Bearer ${secret}`,
        })
        if (res.status === 429) refused = res
        else expect(res.status).toBe(200)
      }
      const got = defined(refused, 'a 429 within ten requests')
      expect(got.body.error.code).toBe('RATE_LIMITED')
      expect(Number(got.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(got.headers.get('ratelimit-limit')).toBe('3')
      // The person who made the key keeps their own budget.
      expect((await api(limited, owner, 'GET', path)).status).toBe(200)
      const { rows } = await limited.database.sql.executeSql(
        `select key from rate_limits where key like 'key:%'`,
      )
      expect(rows.map((r) => r.key)).toContain(`key:${created.body.key.id}`)
    } finally {
      await limited.close()
    }
  })
})
