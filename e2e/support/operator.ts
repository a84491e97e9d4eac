import { readOutbox } from '../../src/server/providers/mail/log-outbox'
import { waitFor } from '../../test/support/wait'
import { type RunningServer, signUpViaApi } from './server'

/**
 * Signs up an account whose email is in the server's OPERATOR_EMAILS and verifies it through the
 * link in the verification email (the log transport keeps it in DATA_DIR/mail-outbox): operator
 * rights need a verified email. Returns the session cookie.
 */
export async function signUpOperator(
  server: RunningServer,
  user: { name: string; email: string; password: string },
) {
  const cookie = await signUpViaApi(server, user)
  const link = await waitFor(
    async () =>
      (await readOutbox(server.dataDir))
        .filter((m) => m.to.toLowerCase() === user.email.toLowerCase())
        .map((m) => /https?:\/\/\S+\/api\/auth\/verify-email\?token=\S+/.exec(m.text)?.[0])
        .find(Boolean),
    { timeoutMs: 15_000, intervalMs: 200, what: `a verification email for ${user.email}` },
  )
  const url = new URL(link)
  const res = await server.request(url.pathname + url.search, { cookie, redirect: 'manual' })
  if (res.status >= 400) throw new Error(`verify-email failed: ${res.status} ${await res.text()}`)
  const me = await server.request('/api/me', { cookie })
  const body = (await me.json()) as { account?: { isOperator?: boolean } }
  if (!body.account?.isOperator)
    throw new Error(`${user.email} is not an operator after verifying: ${JSON.stringify(body)}`)
  return cookie
}

/** Sets an organization's plan and/or limit as an operator (PATCH /api/admin/organizations/:id/plan). */
export async function setPlanViaApi(
  server: RunningServer,
  operatorCookie: string,
  orgId: string,
  change: { planType?: string; monthlyMessageLimit?: number | null },
) {
  const res = await server.request(`/api/admin/organizations/${orgId}/plan`, {
    method: 'PATCH',
    cookie: operatorCookie,
    body: JSON.stringify(change),
  })
  if (res.status !== 200) throw new Error(`set plan failed: ${res.status} ${await res.text()}`)
}
