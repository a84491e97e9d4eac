import { createHmac } from 'node:crypto'
import { and, eq, gt, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm'
import type { Config } from '../../config.js'
import { type Db, oneRow } from '../../db/client.js'
import { authThrottles } from '../../db/schema/index.js'

/** What the throttle needs: it runs inside better-auth's hooks, before any actor exists. */
export interface ThrottleCtx {
  db: Db
  config: Pick<Config, 'authSecret'>
}

/** Failures allowed before any wait. */
export const FREE_FAILURES = 5
/** From this many consecutive failures on, the account is locked for LOCK_SECONDS after each one. */
export const LOCK_AFTER_FAILURES = 10
export const LOCK_SECONDS = 15 * 60
/** Failures are forgotten a day after the last one (and rows idle that long are deleted). */
const FORGET_AFTER = sql`interval '1 day'`

/**
 * Seconds to wait after the `failures`-th consecutive failure: none for the first few, then
 * 2, 4, 8, 16, 32 s, then the lock.
 */
export function waitAfterFailures(failures: number): number {
  if (failures < FREE_FAILURES) return 0
  if (failures >= LOCK_AFTER_FAILURES) return LOCK_SECONDS
  return 2 ** (failures - FREE_FAILURES + 1)
}

/**
 * The key of an email: an HMAC, so the table never holds the addresses people typed (most of an
 * attacker's are not accounts). Known and unknown emails are keyed and throttled alike.
 */
function accountKey(ctx: ThrottleCtx, email: string) {
  const digest = createHmac('sha256', ctx.config.authSecret).update(email.trim().toLowerCase()).digest('hex')
  return `account:${digest.slice(0, 40)}`
}

export interface SignInBlock {
  retryAfter: number
  locked: boolean
  message: string
}

/** Whether sign-in for this email must wait, and for how long. */
export async function signInBlock({
  ctx,
  input,
}: {
  ctx: ThrottleCtx
  input: { email: string }
}): Promise<SignInBlock | null> {
  const [row] = await ctx.db
    .select({
      seconds: sql<string>`extract(epoch from ${authThrottles.blockedUntil} - now())`,
      count: authThrottles.count,
    })
    .from(authThrottles)
    .where(
      and(eq(authThrottles.key, accountKey(ctx, input.email)), gt(authThrottles.blockedUntil, sql`now()`)),
    )
  if (!row) return null
  const retryAfter = Math.max(1, Math.ceil(Number(row.seconds)))
  const locked = row.count >= LOCK_AFTER_FAILURES
  const message = locked
    ? `Too many failed sign-ins for this account. It is locked for ${Math.ceil(retryAfter / 60)} minute${retryAfter > 60 ? 's' : ''}; try again later.`
    : `Too many failed sign-ins for this account. Wait ${retryAfter} second${retryAfter === 1 ? '' : 's'} and try again.`
  return { retryAfter, locked, message }
}

/**
 * One more hit on a throttle's counter, in one statement: the counter and its window start again
 * when `stale` (a condition on the stored row) holds. Returns the count and the window's age.
 */
export async function countThrottleHit(ctx: Pick<ThrottleCtx, 'db'>, key: string, stale: SQL) {
  const row = oneRow(
    await ctx.db
      .insert(authThrottles)
      .values({ key, count: 1 })
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
        windowAgeSeconds: sql<string>`extract(epoch from now() - ${authThrottles.windowStart})`,
      }),
    `throttle ${key}`,
  )
  return { count: row.count, windowAgeSeconds: Number(row.windowAgeSeconds) }
}

/** Counts one more consecutive failure and sets the wait it earns. */
export async function recordSignInFailure({ ctx, input }: { ctx: ThrottleCtx; input: { email: string } }) {
  const key = accountKey(ctx, input.email)
  const row = await countThrottleHit(ctx, key, sql`${authThrottles.updatedAt} < now() - ${FORGET_AFTER}`)
  const wait = waitAfterFailures(row.count)
  if (wait > 0) {
    await ctx.db
      .update(authThrottles)
      .set({
        blockedUntil: sql`greatest(coalesce(${authThrottles.blockedUntil}, now()), now() + make_interval(secs => ${wait}))`,
      })
      .where(eq(authThrottles.key, key))
  }
  await forgetIdleThrottles(ctx)
  return { failures: row.count, wait }
}

/** A successful sign-in clears the account's failures. */
export async function clearSignInFailures({ ctx, input }: { ctx: ThrottleCtx; input: { email: string } }) {
  await ctx.db.delete(authThrottles).where(eq(authThrottles.key, accountKey(ctx, input.email)))
}

/** Deletes a bounded batch of rows idle for a day and no longer blocking, so the table cannot only grow. */
export async function forgetIdleThrottles(ctx: Pick<ThrottleCtx, 'db'>) {
  const idle = ctx.db
    .select({ key: authThrottles.key })
    .from(authThrottles)
    .where(
      and(
        lt(authThrottles.updatedAt, sql`now() - ${FORGET_AFTER}`),
        or(isNull(authThrottles.blockedUntil), lt(authThrottles.blockedUntil, sql`now()`)),
      ),
    )
    .limit(100)
  await ctx.db.delete(authThrottles).where(inArray(authThrottles.key, idle))
}
