import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from 'better-auth/api'
import { passwordProblem } from './core/account/password-policy.js'
import {
  clearSignInFailures,
  recordSignInFailure,
  signInBlock,
  type ThrottleCtx,
} from './core/account/sign-in-throttle.js'

const text = (value: unknown) => (typeof value === 'string' ? value : undefined)

function refuseWeakPassword(password: unknown, email?: string) {
  if (typeof password !== 'string') return
  const problem = passwordProblem(password, email)
  if (problem) throw new APIError('BAD_REQUEST', { code: 'WEAK_PASSWORD', message: problem })
}

/**
 * better-auth `hooks`: the password policy at sign-up, change and reset; sign-up with an email
 * that already has an account answered like a new one (without a session); failed sign-ins
 * throttled per account (core/account/sign-in-throttle.ts), whatever address they come from.
 */
export function authHooks(ctx: ThrottleCtx) {
  return {
    before: createAuthMiddleware(async (c) => {
      const body = (c.body ?? {}) as Record<string, unknown>
      switch (c.path) {
        case '/sign-up/email': {
          const email = text(body.email)
          refuseWeakPassword(body.password, email)
          if (!email || typeof body.password !== 'string') return
          const existing = await c.context.internalAdapter.findUserByEmail(email.toLowerCase())
          if (!existing?.user) return
          // Same status and body shape as a new account, minus the session; hashing keeps the
          // time close to a real sign-up. The README (Security) says why this is the choice.
          await c.context.password.hash(body.password)
          const now = new Date()
          return c.json({
            token: null,
            user: {
              id: crypto.randomUUID(),
              email: email.toLowerCase(),
              name: text(body.name) ?? '',
              image: text(body.image) ?? null,
              emailVerified: false,
              phone: null,
              createdAt: now,
              updatedAt: now,
            },
          })
        }
        case '/sign-in/email': {
          const email = text(body.email)
          if (!email) return
          const block = await signInBlock({ ctx, input: { email } })
          if (block) {
            throw new APIError(
              'TOO_MANY_REQUESTS',
              { code: block.locked ? 'ACCOUNT_LOCKED' : 'SIGN_IN_BACKOFF', message: block.message },
              { 'Retry-After': String(block.retryAfter) },
            )
          }
          return
        }
        case '/change-password': {
          const session = await getSessionFromCtx(c)
          refuseWeakPassword(body.newPassword, session?.user.email)
          return
        }
        case '/reset-password':
          refuseWeakPassword(body.newPassword)
          return
      }
    }),
    after: createAuthMiddleware(async (c) => {
      if (c.path !== '/sign-in/email') return
      const email = text((c.body as Record<string, unknown> | undefined)?.email)
      if (!email) return
      const returned = c.context.returned
      if (isAPIError(returned)) {
        if (returned.statusCode === 401) await recordSignInFailure({ ctx, input: { email } })
      } else if (c.context.newSession) {
        await clearSignInFailures({ ctx, input: { email } })
      }
    }),
  }
}
