import type { MiddlewareHandler } from 'hono'
import { type ApiKeyRefusal, resolveApiKey } from '../../core/api-keys/resolve-api-key.js'
import { requireFeature } from '../../core/billing/entitlements.js'
import { Forbidden, Unauthorized } from '../../core/errors.js'
import { isUuid } from '../../core/members/permissions.js'
import { clientIp, NO_SOCKET } from '../client-ip.js'
import type { AppEnv } from '../env.js'
import { sessionMiddleware } from './session.js'

const refusals: Record<ApiKeyRefusal, string> = {
  unknown: 'Unknown key: no API key has this secret',
  revoked: 'This API key was revoked',
  expired: 'This API key has expired',
}

/** The paths an API key may call: one organization's routes, the dashboard's and the public v1. */
const ORGANIZATION_PATH = /^\/api\/(?:v1\/)?organizations\/([^/]+)(?:\/|$)/

/** Paths that never look at `Authorization`: the sign-in routes (better-auth) and the public API documents. */
const ignoresBearer = (path: string) =>
  path.startsWith('/api/auth/') || path === '/api/openapi.json' || path.startsWith('/api/docs')

/** The token of `Authorization: Bearer <token>`, or undefined when the request carries none. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer(?:\s+(.*))?$/i.exec(header?.trim() ?? '')
  if (!match) return undefined
  return match[1]?.trim() ?? ''
}

/**
 * Who is asking, then the rate limit (`limiter`), then the route. With `Authorization: Bearer
 * <key>` the key alone decides, never the cookie: an unknown, revoked or expired key is a 401,
 * and a valid key only reaches the routes of an organization (which one, and what within it,
 * core's authorizeOrganization checks against the key's organization and scopes) — anything else
 * (the account, the list of organizations, operator routes) is a 403. Refusals come after the
 * limiter has counted the address, so guessing keys is rate limited like anything else. Without
 * a bearer token, the session cookie (sessionMiddleware).
 */
export function authentication(limiter: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = ignoresBearer(c.req.path) ? undefined : bearerToken(c.req.header('authorization'))
    if (token === undefined) {
      return sessionMiddleware(c, async () => {
        await limiter(c, next)
      })
    }
    const resolved = await resolveApiKey(c.get('services').db, token)
    if (!resolved.ok) {
      c.header('WWW-Authenticate', 'Bearer error="invalid_token"')
      const refusal = new Unauthorized(refusals[resolved.reason])
      return limiter(c, () => Promise.reject(refusal))
    }
    // A valid key of an organization whose plan lacks API access (a downgrade): 402, on every request.
    try {
      requireFeature(resolved.plan, 'apiAccess')
    } catch (refusal) {
      return limiter(c, () => Promise.reject(refusal))
    }
    const orgId = ORGANIZATION_PATH.exec(c.req.path)?.[1]
    if (orgId === undefined || !isUuid(orgId)) {
      const refusal = new Forbidden("API keys only work on an organization's routes")
      return limiter(c, () => Promise.reject(refusal))
    }
    const ip = clientIp(c)
    c.set('actor', {
      userId: resolved.createdBy ?? '',
      email: `apikey:${resolved.key.prefix}`,
      emailVerified: false,
      isOperator: false,
      apiKey: resolved.key,
      ip: ip === NO_SOCKET ? undefined : ip,
      userAgent: c.req.header('user-agent'),
    })
    return limiter(c, next)
  }
}
