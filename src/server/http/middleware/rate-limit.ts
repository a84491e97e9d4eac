import type { MiddlewareHandler } from 'hono'
import type { Config } from '../../config.js'
import { countSignUpAttempt } from '../../core/account/sign-up-throttle.js'
import { AppError, RateLimited } from '../../core/errors.js'
import type { SqlExecutor } from '../../db/client.js'
import { addressKey, clientIp } from '../client-ip.js'
import type { AppEnv } from '../env.js'

const WINDOW_SECONDS = 60

/** Requests that try a password or create an account: limited per address far below the API's rate. */
const isAuthAttempt = (method: string, path: string) =>
  method === 'POST' &&
  /^\/api\/auth\/(sign-in|sign-up|change-password|reset-password|request-password-reset|forget-password|send-verification-email|change-email)(\/|$)/.test(
    path,
  )

/**
 * Fixed one-minute windows counted in PostgreSQL (`rate_limits`), so every web process shares
 * them. Keys come only from what the client cannot choose: its address as resolved under
 * TRUST_PROXY (an IPv6 client by its /64) and the signed-in user or the API key. So one client
 * makes at most three rows a minute (`ip:`, `auth:` on sign-in/sign-up, `user:` or `key:`), whatever
 * headers it sends.
 * Any key over its limit → 429 with Retry-After. Sign-ups are also counted per address per hour.
 */
export function rateLimitMiddleware(
  sqlExec: SqlExecutor,
  config: Pick<
    Config,
    'rateLimitPerMinute' | 'authRateLimitPerMinute' | 'signUpsPerHour' | 'apiKeyRateLimitPerMinute'
  >,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const now = Date.now()
    const windowStart = new Date(Math.floor(now / (WINDOW_SECONDS * 1000)) * WINDOW_SECONDS * 1000)
    const address = addressKey(clientIp(c))
    const actor = c.get('actor')
    // A valid API key is counted on its own budget (API_KEY_RATE_LIMIT_PER_MINUTE) alone, apart
    // from its maker's and from its server's address (which may be higher than the address limit).
    const ownKey = actor?.apiKey ? `key:${actor.apiKey.id}` : actor ? `user:${actor.userId}` : undefined
    const ownLimit = actor?.apiKey ? config.apiKeyRateLimitPerMinute : config.rateLimitPerMinute
    const limits = new Map<string, number>(
      actor?.apiKey ? [] : [[`ip:${address}`, config.rateLimitPerMinute]],
    )
    const authAttempt = isAuthAttempt(c.req.method, c.req.path)
    if (authAttempt) limits.set(`auth:${address}`, config.authRateLimitPerMinute)
    if (ownKey) limits.set(ownKey, ownLimit)
    const { rows } = await sqlExec.executeSql(
      `insert into rate_limits (key, window_start, count)
       select k, $2::timestamptz, 1 from unnest($1::text[]) as k
       on conflict (key, window_start) do update set count = rate_limits.count + 1
       returning key, count`,
      [[...limits.keys()], windowStart.toISOString()],
    )
    const over = rows.some((r) => Number(r.count) > (limits.get(String(r.key)) ?? 0))
    const remaining = Math.min(
      ...rows
        .filter((r) => !String(r.key).startsWith('auth:'))
        .map((r) => (limits.get(String(r.key)) ?? 0) - Number(r.count)),
    )
    c.header('RateLimit-Limit', String(ownKey ? ownLimit : config.rateLimitPerMinute))
    c.header('RateLimit-Remaining', String(Math.max(0, remaining)))
    if (over) {
      throw new RateLimited(
        Math.max(1, Math.ceil((windowStart.getTime() + WINDOW_SECONDS * 1000 - now) / 1000)),
      )
    }
    if (authAttempt && c.req.path.startsWith('/api/auth/sign-up/')) {
      const wait = await countSignUpAttempt({
        ctx: c.get('services'),
        input: { address, perHour: config.signUpsPerHour },
      })
      if (wait !== null) {
        throw new AppError(
          'RATE_LIMITED',
          'Too many sign-ups from your network. Try again later.',
          undefined,
          wait,
        )
      }
    }
    await next()
  }
}
