import { sql } from 'drizzle-orm'
import { oneRow } from '../../db/client.js'
import { authThrottles } from '../../db/schema/index.js'
import { forgetIdleThrottles, type ThrottleCtx } from './sign-in-throttle.js'

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
  const stale = sql`${authThrottles.windowStart} <= now() - interval '1 hour'`
  const row = oneRow(
    await ctx.db
      .insert(authThrottles)
      .values({ key: `sign-up:${input.address}`, count: 1 })
      .onConflictDoUpdate({
        target: authThrottles.key,
        set: {
          count: sql`case when ${stale} then 1 else ${authThrottles.count} + 1 end`,
          windowStart: sql`case when ${stale} then now() else ${authThrottles.windowStart} end`,
          updatedAt: sql`now()`,
        },
      })
      .returning({
        count: authThrottles.count,
        seconds: sql<string>`extract(epoch from ${authThrottles.windowStart} + interval '1 hour' - now())`,
      }),
    'sign-up throttle',
  )
  if (row.count === 1) await forgetIdleThrottles(ctx)
  if (row.count <= input.perHour) return null
  return Math.max(1, Math.ceil(Number(row.seconds)))
}
