import { sql } from 'drizzle-orm'
import { authThrottles } from '../../db/schema/index.js'
import { countThrottleHit, forgetIdleThrottles, type ThrottleCtx } from './sign-in-throttle.js'

/**
 * Counts a sign-up attempt from a client address in a fixed one-hour window; returns the seconds
 * to wait when the address is over `perHour`, else null. Every attempt counts, for new and
 * existing emails alike, so probing which addresses have accounts costs the same as signing up.
 */
export async function countSignUpAttempt({
  ctx,
  input,
}: {
  ctx: Pick<ThrottleCtx, 'db'>
  input: { address: string; perHour: number }
}): Promise<number | null> {
  const row = await countThrottleHit(
    ctx,
    `sign-up:${input.address}`,
    sql`${authThrottles.windowStart} <= now() - interval '1 hour'`,
  )
  if (row.count === 1) await forgetIdleThrottles(ctx)
  if (row.count <= input.perHour) return null
  return Math.max(1, Math.ceil(3600 - row.windowAgeSeconds))
}
