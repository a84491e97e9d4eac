import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../src/server/db/client.js'
import { nth } from './support/defined.js'
import { api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, uniquePhone } from './support/whatsapp.js'

// Generated junk to every write route of the OpenAPI document, as the owner of a real
// organization: every answer is a 4xx in the error shape, and none of the organization's or the
// owner's rows change. The generator is seeded, so a failure names a case that can be replayed.

const SEED = 0x5eed_2026

/** mulberry32: small, fast, deterministic. */
function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => {
      // `null` is a legitimate item to pick (junk values include it): only an index past the end fails.
      const index = Math.floor(next() * items.length)
      if (index >= items.length) throw new Error('a pick from an empty list')
      return items[index] as T
    },
  }
}
type Rng = ReturnType<typeof rng>

const NASTY_STRINGS = [
  '',
  ' ',
  'x',
  'a\u0000b',
  '\u0000',
  'a\uD800',
  '\uDFFFz',
  '😀'.repeat(50),
  '<script>alert(1)</script>',
  "' or 1=1 --",
  '../../etc/passwd',
  '%00',
  '\u202Eevil',
  '-1',
  '1e309',
  'null',
  'true',
  '{}',
  'x'.repeat(5000),
  'y'.repeat(70_000),
]
const NASTY_NUMBERS = [0, -1, -0.5, 0.5, 1e308, -1e308, 2 ** 53 + 1, 123456789012, Number.MAX_SAFE_INTEGER]

function junkValue(r: Rng, depth = 0): unknown {
  const kind = r.int(depth > 3 ? 4 : 7)
  switch (kind) {
    case 0:
      return null
    case 1:
      return r.next() < 0.5
    case 2:
      return r.pick(NASTY_NUMBERS)
    case 3:
      return r.pick(NASTY_STRINGS)
    case 4:
      return Array.from({ length: r.int(4) }, () => junkValue(r, depth + 1))
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(4) + 1 }, () => [
          r.pick(['a', 'name', 'id', '__proto__', 'constructor', 'x\u0000', 'kind', 'body']),
          junkValue(r, depth + 1),
        ]),
      )
  }
}

/** The part of an OpenAPI schema the generator looks at. */
interface Schema {
  type?: string | string[]
  enum?: unknown[]
  properties?: Record<string, Schema>
  required?: string[]
  $ref?: string
}
interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content?: Record<string, { schema: Schema }> }
        parameters?: { in: string; name: string }[]
      }
    >
  >
  components: { schemas: Record<string, Schema> }
}

const typesOf = (schema: Schema | undefined): string[] =>
  Array.isArray(schema?.type) ? schema.type : schema?.type ? [schema.type] : []

/** A value that no schema of the given OpenAPI type accepts. */
function wrongTypeFor(schema: Schema, r: Rng): unknown {
  const types = typesOf(schema)
  if (types.includes('object') || types.includes('array')) return r.pick(['not an object', 42, true])
  if (types.length === 0 && schema?.enum) return { not: 'an enum' }
  return r.pick([{ nested: junkValue(r) }, [junkValue(r)], { a: 1 }])
}

interface Operation {
  method: string
  path: string
  bodyType: 'json' | 'multipart' | null
  schema: Schema | undefined
  params: { in: string; name: string }[]
}

function resolveRef(doc: OpenApiDoc, schema: Schema | undefined): Schema | undefined {
  if (schema?.$ref) return resolveRef(doc, doc.components.schemas[schema.$ref.split('/').pop() ?? ''])
  return schema
}

interface Attempt {
  label: string
  path: string
  headers: Record<string, string>
  body?: string | FormData
}

function jsonAttempts(op: Operation, path: string, r: Rng, count: number): Attempt[] {
  const props: Record<string, Schema> = op.schema?.properties ?? {}
  const typed = Object.entries(props).filter(([, s]) => s && (s.type || s.enum || s.$ref))
  const required: string[] = op.schema?.required ?? []
  const json = (label: string, value: unknown): Attempt => ({
    label,
    path,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  })
  const strategies: ((r: Rng) => Attempt)[] = [
    // Not an object at all.
    (r) =>
      json('top-level junk', r.pick([null, 42, 'text', true, [], [1, 2], [{ name: 'x' }], junkValue(r)])),
    // Every known field of the wrong type, plus stray fields.
    (r) => {
      const body: Record<string, unknown> = Object.fromEntries(typed.map(([k, s]) => [k, wrongTypeFor(s, r)]))
      if (typed.length === 0) body.unexpected = junkValue(r)
      if (r.next() < 0.5) body[r.pick(['extra', 'role', 'organizationId', 'isOperator'])] = junkValue(r)
      return json('wrong types', body)
    },
    // One field with a NUL or an unpaired surrogate, the others junk or absent.
    (r) => {
      const key = typed.length ? r.pick(typed)[0] : 'field'
      const body: Record<string, unknown> = {}
      for (const [k] of typed) if (r.next() < 0.5) body[k] = r.pick(NASTY_STRINGS)
      body[key] = r.pick(['a\u0000b', 'x\uD800', '\uDC00', 'ok\u0000'])
      return json('NUL or surrogate', body)
    },
    // Required fields missing, unknown ones present (or, with nothing required, a nested junk array).
    (r) =>
      required.length
        ? json('missing required', { [`unknown_${r.int(100)}`]: junkValue(r) })
        : json('array of junk', [junkValue(r), junkValue(r)]),
    // An array where the object goes, or an object where a field's array goes.
    (r) => json('array for object', [Object.fromEntries(typed.map(([k]) => [k, r.pick(NASTY_STRINGS)]))]),
    // Numbers out of range where numbers go, numbers where anything else goes.
    (r) =>
      json(
        'numbers',
        Object.fromEntries(
          (typed.length ? typed : [['n', {} as Schema] as const]).map(([k, schema]) => [
            k,
            typesOf(schema).some((t) => t === 'number' || t === 'integer')
              ? r.pick([1e308, -1e308, 0.5, -1])
              : r.pick(NASTY_NUMBERS),
          ]),
        ),
      ),
    // Deeper than any body nests.
    (r) => {
      let deep: unknown = r.pick(NASTY_STRINGS)
      for (let i = 0; i < 40 + r.int(200); i++) deep = r.next() < 0.5 ? [deep] : { k: deep }
      return json('deep nesting', { [typed.length ? r.pick(typed)[0] : 'x']: deep })
    },
    // Over the 1 MB body limit.
    () => json('over 1 MB', { [typed[0]?.[0] ?? 'x']: 'z'.repeat(1024 * 1024 + 10) }),
    // Not JSON, or not declared as JSON.
    (r) => ({
      label: 'malformed JSON',
      path,
      headers: { 'content-type': 'application/json' },
      body: r.pick(['{', '{"a":', 'nul', '[1,]', '\u0000', '{"a":"\\ud800"']),
    }),
    (r) => ({
      label: 'wrong content type',
      path,
      headers: {
        'content-type': r.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml']),
      },
      body: r.pick(['name=x', '<a/>', JSON.stringify({ name: 'x' })]),
    }),
  ]
  return Array.from({ length: count }, (_, i) => nth(strategies, i % strategies.length)(r))
}

function multipartAttempts(path: string, r: Rng, count: number): Attempt[] {
  return Array.from({ length: count }, (_, i): Attempt => {
    if (i % 3 === 2) {
      return {
        label: 'broken multipart',
        path,
        headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
        body: r.pick(['--zzz\r\n', 'garbage', '']),
      }
    }
    const form = new FormData()
    // Never a file part named "file": fields only, or the file under the wrong type/name.
    form.set(r.pick(['file', 'name', 'x\u0000']), r.pick(NASTY_STRINGS.filter((s) => s.length < 1000)))
    if (r.next() < 0.5)
      form.set(
        'other',
        new File(['hello'], r.pick(['a.txt', 'a\u0000.pdf', '../x.csv']), { type: 'text/plain' }),
      )
    return { label: 'multipart without a file', path, headers: {}, body: form }
  })
}

const JUNK_IDS = [
  'x',
  '0',
  '-1',
  'null',
  '%00',
  'a%00b',
  '%ED%A0%80',
  'x'.repeat(3000),
  '..%2F..%2Fadmin',
  '%F0%9F%98%80',
  '1e309',
  '00000000-0000-0000-0000-000000000000',
]

/** Paths where at least one parameter is junk (or an id of nothing), for routes without a body. */
function pathAttempts(op: Operation, ids: Record<string, string>, r: Rng, count: number): Attempt[] {
  const names = op.params.filter((p) => p.in === 'path').map((p) => p.name)
  const headerNames = op.params.filter((p) => p.in === 'header').map((p) => p.name)
  return Array.from({ length: count }, () => {
    const junkName = names.length ? r.pick(names) : undefined
    let path = op.path
    for (const name of names) {
      const value = name === junkName ? r.pick([...JUNK_IDS, randomUUID()]) : (ids[name] ?? randomUUID())
      path = path.replace(`{${name}}`, value)
    }
    const headers: Record<string, string> = {}
    for (const h of headerNames) headers[h] = r.pick(['x', '-1', 'null', randomUUID(), 'a'.repeat(3000)])
    const withBody = r.next() < 0.5
    if (withBody) headers['content-type'] = 'application/json'
    return {
      label: `junk ${junkName ?? headerNames.join(',') ?? 'nothing'}`,
      path,
      headers,
      body: withBody ? JSON.stringify(junkValue(r)) : undefined,
    }
  })
}

let rt: TestRuntime
let owner: TestUser
let orgId: string
let ids: Record<string, string>

/** Every row of the organization and of its owner, in every table that has either column. */
async function snapshot() {
  const tables = await queryRows<{ table_name: string; by_org: boolean; by_user: boolean }>(
    rt.services.db,
    sql`
    select table_name, bool_or(column_name = 'organization_id') as by_org, bool_or(column_name = 'user_id') as by_user
    from information_schema.columns
    where table_schema = 'public' and column_name in ('organization_id', 'user_id')
      and table_name not in ('sessions', 'session', 'rate_limits')
    group by table_name order by table_name`,
  )
  const out: Record<string, unknown> = {}
  for (const t of tables) {
    const where = [
      t.by_org ? sql`organization_id::text = ${orgId}` : undefined,
      t.by_user ? sql`user_id::text = ${owner.id}` : undefined,
    ].filter(Boolean)
    const rows = await queryRows<{ row: unknown }>(
      rt.services.db,
      sql`select to_jsonb(t) as row from ${sql.identifier(t.table_name)} t where ${sql.join(where as ReturnType<typeof sql>[], sql` or `)}`,
    )
    out[t.table_name] = rows.map((x) => JSON.stringify(x.row)).sort()
  }
  out.organizations = await queryRows(
    rt.services.db,
    sql`select to_jsonb(o) as row from organizations o where id::text = ${orgId}`,
  )
  out.users = await queryRows(
    rt.services.db,
    sql`select to_jsonb(u) as row from users u where id::text = ${owner.id}`,
  )
  return out
}

beforeAll(async () => {
  rt = await startTestRuntime()
  owner = await signUp(rt)
  const org = await createOrganization(rt, owner, { name: 'Fuzzed' })
  orgId = org.id
  // Real rows for the ids in paths: a conversation, a knowledge source.
  const number = await giveActiveNumber(rt, orgId)
  const params = inboundParams({ from: uniquePhone(), to: number, body: 'hello' })
  expect((await postTwilio(rt, '/api/whatsapp/webhook', params)).status).toBe(200)
  const conversationId = await waitFor(
    async () => {
      const res = await api(rt, owner, 'GET', `/api/organizations/${orgId}/conversations`)
      return res.body.conversations?.[0]?.id as string | undefined
    },
    { what: 'the conversation' },
  )
  const source = await api(rt, owner, 'POST', `/api/organizations/${orgId}/knowledge`, {
    kind: 'faq',
    question: 'Open?',
    content: 'Yes',
  })
  expect(source.status).toBe(201)
  ids = { id: orgId, conversationId, sourceId: source.body.source.id, userId: owner.id }
  // Let the replies to the customer message settle, so the snapshot only changes if we change it.
  await waitFor(
    async () => {
      const res = await api(rt, owner, 'GET', `/api/organizations/${orgId}/conversations/${conversationId}`)
      const msgs: { status: string }[] = res.body.messages ?? res.body.conversation?.messages ?? []
      return msgs.length >= 2 && msgs.every((m) => m.status !== 'queued') ? true : null
    },
    { what: 'the replies to settle' },
  )
})
afterAll(async () => {
  await rt?.close()
})

describe('fuzzing every write route', () => {
  it('answers generated junk with a 4xx in the error shape and changes nothing', async () => {
    const doc = (await (await rt.request('/api/openapi.json')).json()) as OpenApiDoc
    const operations: Operation[] = []
    for (const [path, item] of Object.entries(doc.paths)) {
      // Twilio's webhooks are signed forms (their own tests) and cron takes a bearer token.
      if (path.startsWith('/api/whatsapp/') || path.startsWith('/api/cron/')) continue
      for (const [method, op] of Object.entries(item)) {
        if (!['post', 'put', 'patch', 'delete'].includes(method)) continue
        const content = op.requestBody?.content ?? {}
        const jsonBody = content['application/json']
        const bodyType = jsonBody ? 'json' : content['multipart/form-data'] ? 'multipart' : null
        // No body and no parameter (DELETE /api/me/phone): there is no input to fuzz.
        if (bodyType === null && (op.parameters ?? []).length === 0) continue
        operations.push({
          method: method.toUpperCase(),
          path,
          bodyType,
          schema: jsonBody ? resolveRef(doc, jsonBody.schema) : undefined,
          params: op.parameters ?? [],
        })
      }
    }
    expect(operations.length).toBeGreaterThan(20)

    const before = await snapshot()
    const r = rng(SEED)
    const failures: string[] = []
    let sent = 0
    const statusCounts: Record<number, number> = {}
    for (const op of operations) {
      let realPath = op.path
      for (const [name, value] of Object.entries(ids)) realPath = realPath.replace(`{${name}}`, value)
      const attempts =
        op.bodyType === 'json'
          ? [...jsonAttempts(op, realPath, r, 20), ...pathAttempts(op, ids, r, 3)]
          : op.bodyType === 'multipart'
            ? [...multipartAttempts(realPath, r, 9), ...pathAttempts(op, ids, r, 2)]
            : pathAttempts(op, ids, r, 10)
      for (const attempt of attempts) {
        sent += 1
        const res = await rt.request(attempt.path, {
          method: op.method,
          headers: { ...attempt.headers, cookie: owner.cookie },
          body: attempt.body,
        })
        const text = await res.text()
        let body: { error?: { code?: unknown; message?: unknown } } | undefined
        try {
          body = JSON.parse(text)
        } catch {
          body = undefined
        }
        statusCounts[res.status] = (statusCounts[res.status] ?? 0) + 1
        const statusOk = res.status >= 400 && res.status < 500
        const shapeOk =
          res.status < 400 ||
          (typeof body?.error?.code === 'string' &&
            typeof body?.error?.message === 'string' &&
            body.error.code !== 'INTERNAL')
        if (!statusOk || !shapeOk) {
          failures.push(
            `${op.method} ${attempt.path.slice(0, 120)} [${attempt.label}] ${String(attempt.body ?? '').slice(0, 120)} → ${res.status} ${text.slice(0, 200)}`,
          )
        }
      }
    }
    expect(sent).toBeGreaterThan(400)
    // Most reached validation (not merely refused for the role or a missing row).
    expect(statusCounts[400]).toBeGreaterThan(sent / 2)
    expect(failures).toEqual([])
    expect(await snapshot()).toEqual(before)
  })
})
