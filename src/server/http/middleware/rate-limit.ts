import type { MiddlewareHandler } from 'hono'
import type { SqlExecutor } from '../../db/client.js'
import { RateLimited } from '../../core/errors.js'
import type { AppEnv } from '../env.js'

const WINDOW_SECONDS = 60

/**
 * Fixed one-minute windows counted in PostgreSQL (`rate_limits`), so every web process shares
 * them. One key per client IP and one per signed-in user; either over the limit → 429.
 */
export function rateLimitMiddleware(sqlExec: SqlExecutor, perMinute: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const now = Date.now()
    const windowStart = new Date(Math.floor(now / (WINDOW_SECONDS * 1000)) * WINDOW_SECONDS * 1000)
    const ip = clientIp(c.req.raw.headers, c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
    const keys = [`ip:${ip}`]
    const actor = c.get('actor')
    if (actor) keys.push(`user:${actor.userId}`)
    const { rows } = await sqlExec.executeSql(
      `insert into rate_limits (key, window_start, count)
       select k, $2::timestamptz, 1 from unnest($1::text[]) as k
       on conflict (key, window_start) do update set count = rate_limits.count + 1
       returning count`,
      [keys, windowStart.toISOString()],
    )
    const worst = Math.max(...rows.map((r) => Number(r.count)))
    const remaining = Math.max(0, perMinute - worst)
    c.header('RateLimit-Limit', String(perMinute))
    c.header('RateLimit-Remaining', String(remaining))
    if (worst > perMinute) {
      const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + WINDOW_SECONDS * 1000 - now) / 1000))
      throw new RateLimited(retryAfter)
    }
    await next()
  }
}

function clientIp(headers: Headers, env?: { incoming?: { socket?: { remoteAddress?: string } } }) {
  // Behind a load balancer the first X-Forwarded-For hop is the client.
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim()
  return forwarded || env?.incoming?.socket?.remoteAddress || 'unknown'
}
