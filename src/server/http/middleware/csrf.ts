import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env.js'
import { errorBody } from '../errors.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Cross-site request forgery guard for state-changing API requests (cookie sessions, the auth
 * routes, multipart uploads). Browsers send `Origin` on every such request and `Sec-Fetch-Site`
 * on modern ones; a request from another site is refused with 403. Requests carrying neither
 * header (curl, server-to-server clients) cannot ride on a victim's cookies and are allowed.
 *
 * The accepted origins are APP_URL's and the origin the request itself was addressed to (its
 * `Host`): a page cannot make the browser send another site's Host, so that is still same-origin,
 * and it keeps http://127.0.0.1:3000 working when APP_URL says http://localhost:3000.
 */
export function csrfGuard(appUrl: string): MiddlewareHandler<AppEnv> {
  const appOrigin = new URL(appUrl).origin
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next()
    const origin = c.req.header('origin')
    const fetchSite = c.req.header('sec-fetch-site')
    if (
      fetchSite === 'cross-site' ||
      (origin !== undefined && !isSameOrigin(origin, appOrigin, c.req.header('host')))
    ) {
      return c.json(
        errorBody(
          'FORBIDDEN',
          `Cross-site request refused: this API only accepts changes from pages served at ${appOrigin}` +
            (origin ? ` (the request came from ${origin})` : ''),
        ),
        403,
      )
    }
    return next()
  }
}

function isSameOrigin(origin: string, appOrigin: string, host: string | undefined): boolean {
  if (origin === appOrigin) return true
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase()
  } catch {
    return false // "null" (sandboxed frames, some redirects) or garbage
  }
}
