import type { MiddlewareHandler } from 'hono'
import { clientIp, NO_SOCKET } from '../client-ip.js'
import type { AppEnv } from '../env.js'

/** Resolves the better-auth session cookie (if any) into `actor`; never rejects by itself. */
export const sessionMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  const auth = c.get('auth')
  const { config } = c.get('services')
  const result = await auth.api.getSession({ headers: c.req.raw.headers })
  if (result?.user) {
    const email = result.user.email.toLowerCase()
    const emailVerified = result.user.emailVerified === true
    const ip = clientIp(c)
    c.set('actor', {
      userId: result.user.id,
      email,
      emailVerified,
      isOperator: emailVerified && config.operatorEmails.includes(email),
      // Where the request came from, for the audit log.
      ip: ip === NO_SOCKET ? undefined : ip,
      userAgent: c.req.header('user-agent'),
    })
  }
  await next()
}
