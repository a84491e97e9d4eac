import { randomBytes } from 'node:crypto'
import { readOutbox } from '../../src/server/providers/mail/log-outbox.js'
import { FACTORY_OPERATOR_EMAIL, type TestRuntime } from './runtime.js'
import { waitFor } from './wait.js'

export interface TestUser {
  id: string
  email: string
  password: string
  cookie: string
}

let seq = 0
const unique = () => `${Date.now().toString(36)}${(seq++).toString(36)}${randomBytes(3).toString('hex')}`

/** Signs a new user up through better-auth's real route and keeps the session cookie. */
export async function signUp(
  rt: TestRuntime,
  overrides: { email?: string; name?: string; password?: string } = {},
) {
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
  return session.replace(/;.*$/s, '')
}

/**
 * A request as a signed-in user (or anonymous when user is undefined): a JSON body (or a string,
 * or multipart FormData as is), plus any extra headers (Origin, Sec-Fetch-Site, …).
 */
export async function api(
  rt: TestRuntime,
  user: Pick<TestUser, 'cookie'> | undefined,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
) {
  const headers: Record<string, string> = { ...extraHeaders }
  if (user) headers.cookie = user.cookie
  if (body !== undefined && !(body instanceof FormData)) headers['content-type'] ??= 'application/json'
  const res = await rt.request(path, {
    method,
    headers,
    body:
      body === undefined
        ? undefined
        : body instanceof FormData || typeof body === 'string'
          ? body
          : JSON.stringify(body),
  })
  const text = await res.text()
  // biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read field by field in tests
  let json: any
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = text
  }
  return { status: res.status, body: json, headers: res.headers }
}

/**
 * Creates an organization as `user`. `planType` and `monthlyMessageLimit` are not the owner's to
 * set: when given, the factory's operator sets them afterwards (setPlan) and the returned
 * organization shows them.
 */
export async function createOrganization(
  rt: TestRuntime,
  user: TestUser,
  input: Record<string, unknown> = {},
) {
  const { planType, monthlyMessageLimit, ...settings } = input
  const res = await api(rt, user, 'POST', '/api/organizations', { name: `Org ${unique()}`, ...settings })
  if (res.status !== 201)
    throw new Error(`create organization failed: ${res.status} ${JSON.stringify(res.body)}`)
  const org = res.body.organization as { id: string; name: string } & Record<string, any>
  if (planType === undefined && monthlyMessageLimit === undefined) return org
  const plan = await setPlan(
    rt,
    org.id,
    planType as string | undefined,
    monthlyMessageLimit as number | null | undefined,
  )
  return { ...org, planType: plan.planType, monthlyMessageLimit: plan.monthlyMessageLimit }
}

const factoryOperators = new WeakMap<TestRuntime, Promise<TestUser>>()

/** The factories' operator (FACTORY_OPERATOR_EMAIL, always in the test runtime's OPERATOR_EMAILS), signed up and verified once per runtime. */
export function factoryOperator(rt: TestRuntime): Promise<TestUser> {
  let op = factoryOperators.get(rt)
  if (!op) {
    op = (async () => {
      const user = await signUp(rt, { email: FACTORY_OPERATOR_EMAIL, name: 'Platform Operator' })
      await verifyEmail(rt, user)
      return user
    })()
    factoryOperators.set(rt, op)
  }
  return op
}

/**
 * Sets an organization's plan and/or monthly limit (null: back to the plan's limit) the only way
 * there is: an operator through `PATCH /api/admin/organizations/:id/plan`.
 */
export async function setPlan(
  rt: TestRuntime,
  orgId: string,
  planType?: string,
  monthlyMessageLimit?: number | null,
) {
  const operator = await factoryOperator(rt)
  const res = await api(rt, operator, 'PATCH', `/api/admin/organizations/${orgId}/plan`, {
    ...(planType !== undefined && { planType }),
    ...(monthlyMessageLimit !== undefined && { monthlyMessageLimit }),
  })
  if (res.status !== 200) throw new Error(`set plan failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.organization as {
    id: string
    planType: string
    monthlyMessageLimit: number
    monthlyMessageLimitOverride: number | null
  }
}

/** The last email to `to` in the log transport's outbox (DATA_DIR/mail-outbox), waiting for it. */
export async function lastMailTo(rt: TestRuntime, to: string, match: (text: string) => boolean = () => true) {
  if (rt.config.mail.transport !== 'log')
    throw new Error('lastMailTo reads the log outbox; this runtime sends by SMTP')
  return waitFor(
    async () => {
      const mails = (await readOutbox(rt.config.dataDir)).filter(
        (m) => m.to.toLowerCase() === to.toLowerCase() && match(m.text),
      )
      return mails[mails.length - 1]
    },
    { what: `an email to ${to}` },
  )
}

/** The verification link in an email's text, as a path to request in-process. */
export function verificationPath(text: string) {
  const url = /https?:\/\/\S+\/api\/auth\/verify-email\?token=\S+/.exec(text)?.[0]
  if (!url) throw new Error(`no verification link in: ${text}`)
  const u = new URL(url)
  return u.pathname + u.search
}

/**
 * Verifies the user's email the way a person does: the link from the email sent at sign-up (a
 * new one is asked for when none is there) is opened. `readMail` finds the email's text when the
 * runtime sends by SMTP.
 */
export async function verifyEmail(
  rt: TestRuntime,
  user: TestUser,
  readMail?: (email: string) => Promise<string>,
) {
  const read =
    readMail ??
    (async (email: string) => (await lastMailTo(rt, email, (t) => t.includes('/verify-email?'))).text)
  const res = await rt.request(verificationPath(await read(user.email)), { headers: { cookie: user.cookie } })
  if (res.status !== 302 && res.status !== 200)
    throw new Error(`verify-email failed: ${res.status} ${await res.text()}`)
  const me = await api(rt, user, 'GET', '/api/me')
  if (!me.body?.account?.emailVerified)
    throw new Error(`email not verified after opening the link: ${JSON.stringify(me.body)}`)
}

/**
 * Adds `member` to the organization with `role`, acting as `owner`, through the whole path a
 * person takes: the owner invites the email, the member verifies their email (when not yet) and
 * accepts the invitation from their own session.
 */
export async function addMember(
  rt: TestRuntime,
  owner: TestUser,
  orgId: string,
  member: TestUser,
  role: string,
) {
  const invited = await api(rt, owner, 'POST', `/api/organizations/${orgId}/members`, {
    email: member.email,
    role,
  })
  if (invited.status !== 201)
    throw new Error(`invite failed: ${invited.status} ${JSON.stringify(invited.body)}`)
  const me = await api(rt, member, 'GET', '/api/me')
  if (!me.body?.account?.emailVerified) await verifyEmail(rt, member)
  const accepted = await api(rt, member, 'POST', `/api/me/invitations/${invited.body.invitation.id}/accept`)
  if (accepted.status !== 200)
    throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`)
}
