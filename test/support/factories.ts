import { randomBytes } from 'node:crypto'
import type { TestRuntime } from './runtime.js'

export interface TestUser {
  id: string
  email: string
  password: string
  cookie: string
}

let seq = 0
const unique = () => `${Date.now().toString(36)}${(seq++).toString(36)}${randomBytes(3).toString('hex')}`

/** Signs a new user up through better-auth's real route and keeps the session cookie. */
export async function signUp(rt: TestRuntime, overrides: { email?: string; name?: string; password?: string } = {}) {
  const email = overrides.email ?? `user-${unique()}@example.test`
  const password = overrides.password ?? `pw-${unique()}`
  const res = await rt.request('/api/auth/sign-up/email', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, name: overrides.name ?? 'Test User' }),
  })
  if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`)
  const body = (await res.json()) as { user: { id: string } }
  return { id: body.user.id, email, password, cookie: sessionCookie(res) } satisfies TestUser
}

export function sessionCookie(res: Response): string {
  const cookies = res.headers.getSetCookie()
  const session = cookies.find((c) => c.includes('session_token='))
  if (!session) throw new Error('no session cookie in response')
  return session.split(';')[0]
}

/** JSON request as a signed-in user (or anonymous when user is undefined). */
export async function api(
  rt: TestRuntime,
  user: Pick<TestUser, 'cookie'> | undefined,
  method: string,
  path: string,
  body?: unknown,
) {
  const headers: Record<string, string> = {}
  if (user) headers.cookie = user.cookie
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await rt.request(path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  let json: any
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = text
  }
  return { status: res.status, body: json, headers: res.headers }
}

export async function createOrganization(rt: TestRuntime, user: TestUser, input: Record<string, unknown> = {}) {
  const res = await api(rt, user, 'POST', '/api/organizations', { name: `Org ${unique()}`, ...input })
  if (res.status !== 201) throw new Error(`create organization failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.organization as { id: string; name: string } & Record<string, any>
}

/** Adds `member` to the organization with `role`, acting as `owner`. */
export async function addMember(rt: TestRuntime, owner: TestUser, orgId: string, member: TestUser, role: string) {
  const res = await api(rt, owner, 'POST', `/api/organizations/${orgId}/members`, { email: member.email, role })
  if (res.status !== 201) throw new Error(`add member failed: ${res.status} ${JSON.stringify(res.body)}`)
}
