import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ORGANIZATION_ROUTE, PEOPLE_ONLY, ROUTE_PERMISSIONS } from '../src/server/http/openapi-security.js'
import { API_SCOPES, type ApiScope } from '../src/shared/enums.js'
import { api, createOrganization, signUp } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { ENTERPRISE } from './support/setups.js'

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

interface Parameter {
  name: string
  in: string
  required?: boolean
  schema?: { enum?: string[]; example?: unknown; type?: string }
}
interface Operation {
  security?: Record<string, string[]>[]
  description?: string
  parameters?: Parameter[]
}
type Paths = Record<string, Record<string, Operation>>

const METHODS = ['get', 'put', 'post', 'delete', 'patch']

async function servedDocument() {
  const res = await rt.request('/api/openapi.json')
  expect(res.status).toBe(200)
  return (await res.json()) as { paths: Paths; components: { securitySchemes: Record<string, unknown> } }
}

/** What an operation says an API key needs: a scope, any key (null), or no key at all (undefined). */
function declaredScope(op: Operation): ApiScope | null | undefined {
  const requirement = op.security?.find((s) => 'apiKey' in s)
  if (!requirement) return undefined
  const scopes = requirement.apiKey ?? []
  expect(scopes.length).toBeLessThanOrEqual(1)
  return (scopes[0] as ApiScope | undefined) ?? null
}

/** A concrete URL for a documented path: the organization's id, made-up ids, the required query filled in. */
function concreteUrl(path: string, op: Operation, orgId: string) {
  const url = path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    name === 'id' ? orgId : name === 'phone' ? encodeURIComponent('+15550001111') : crypto.randomUUID(),
  )
  const query = new URLSearchParams()
  for (const p of op.parameters ?? []) {
    if (p.in !== 'query' || !p.required) continue
    const value = p.schema?.enum?.[0] ?? p.schema?.example ?? 'x'
    query.set(p.name, String(value))
  }
  const qs = query.toString()
  return qs ? `${url}?${qs}` : url
}

describe('the OpenAPI document’s security', () => {
  it('declares the session cookie and the API key schemes, and the docs page keeps a pasted key', async () => {
    const doc = await servedDocument()
    expect(doc.components.securitySchemes).toMatchObject({
      session: { type: 'apiKey', in: 'cookie', name: 'better-auth.session_token' },
      apiKey: { type: 'http', scheme: 'bearer' },
    })
    const init = await (await rt.request('/api/docs/init.js')).text()
    expect(init).toContain('persistAuthorization: true')
  })

  it('says, for every organization route, which scope a key needs or that keys cannot use it', async () => {
    const doc = await servedDocument()
    const documented: string[] = []
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!ORGANIZATION_ROUTE.test(path)) continue
      for (const method of METHODS) {
        const op = item[method]
        if (!op) continue
        const route = `${method.toUpperCase()} ${path}`
        documented.push(route)
        expect(op.security?.[0], route).toEqual({ session: [] })
        if (declaredScope(op) === undefined) expect(op.description, route).toContain(PEOPLE_ONLY)
      }
    }
    const missing = documented.filter((route) => !(route in ROUTE_PERMISSIONS))
    expect(missing, 'organization routes without an entry in ROUTE_PERMISSIONS').toEqual([])
    const stale = Object.keys(ROUTE_PERMISSIONS).filter((route) => !documented.includes(route))
    expect(stale, 'ROUTE_PERMISSIONS entries for routes that do not exist').toEqual([])
  })

  it('holds for real keys: every GET lets a key with the declared scope in and refuses one without it', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, ENTERPRISE)
    const makeKey = async (scopes: readonly ApiScope[]) => {
      const res = await api(rt, owner, 'POST', `/api/organizations/${org.id}/api-keys`, {
        name: 'walk',
        scopes,
      })
      expect(res.status).toBe(201)
      return res.body.secret as string
    }
    const only = new Map<ApiScope, string>()
    const allBut = new Map<ApiScope, string>()
    for (const scope of API_SCOPES) {
      only.set(scope, await makeKey([scope]))
      allBut.set(scope, await makeKey(API_SCOPES.filter((s) => s !== scope)))
    }
    const everything = await makeKey(API_SCOPES)
    const get = (secret: string | undefined, url: string) =>
      api(rt, undefined, 'GET', url, undefined, { authorization: `Bearer ${secret}` })

    const doc = await servedDocument()
    const failures: string[] = []
    let walked = 0
    for (const [path, item] of Object.entries(doc.paths)) {
      const op = item.get
      if (!op || !ORGANIZATION_ROUTE.test(path)) continue
      walked++
      const url = concreteUrl(path, op, org.id)
      const scope = declaredScope(op)
      if (scope === undefined) {
        const res = await get(everything, url)
        if (res.status !== 403)
          failures.push(`GET ${path}: people-only, but a key with every scope got ${res.status}`)
      } else if (scope === null) {
        const res = await get(only.get('stats:read'), url)
        if (res.status === 403 || res.status === 401)
          failures.push(`GET ${path}: any key, but one got ${res.status} ${JSON.stringify(res.body)}`)
      } else {
        const allowed = await get(only.get(scope), url)
        if (allowed.status === 403 || allowed.status === 401)
          failures.push(
            `GET ${path}: a key with ${scope} got ${allowed.status} ${JSON.stringify(allowed.body)}`,
          )
        const refused = await get(allBut.get(scope), url)
        if (refused.status !== 403) failures.push(`GET ${path}: a key without ${scope} got ${refused.status}`)
      }
    }
    expect(walked).toBeGreaterThan(20)
    expect(failures).toEqual([])
  })
})
