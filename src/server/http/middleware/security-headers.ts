import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env.js'

/**
 * What the dashboard and /api/docs need and nothing more: scripts, styles, images and fetches
 * from this origin only (both are built without inline script; the API docs' start-up script is a
 * file too), `data:` images and fonts (Swagger UI's icons), no plugins, no framing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** Security headers on every response (pages, API, static files and errors alike). */
export function securityHeaders(appUrl: string): MiddlewareHandler<AppEnv> {
  const headers: [string, string][] = [
    ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
    ['X-Frame-Options', 'DENY'],
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ]
  // Only when the public URL is https: over plain http the header is ignored by browsers, and
  // sending it from a development machine would pin localhost to https.
  if (new URL(appUrl).protocol === 'https:') headers.push(['Strict-Transport-Security', 'max-age=31536000'])
  return async (c, next) => {
    await next()
    for (const [name, value] of headers) {
      try {
        c.res.headers.set(name, value)
      } catch {
        // Immutable headers (a proxied response): nothing to add to.
      }
    }
  }
}
