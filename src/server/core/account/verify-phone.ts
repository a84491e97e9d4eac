import { and, desc, eq, isNull, lt, ne, sql } from 'drizzle-orm'
import { phoneVerifications, user } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { AppError, BadRequest, Conflict } from '../errors.js'
import { accountView } from './account.js'
import { phoneMovedEmail } from './emails.js'
import { PHONE_CODE, phoneCodeMatches } from './phone-code.js'

/**
 * Links `phone` to the account when `code` is the latest one sent to it for this account.
 * Proof of possession wins: a number linked to another account moves to this one (numbers are
 * recycled; whoever receives the code holds it now) and that account is told by email.
 */
export async function verifyPhone({ ctx, input }: { ctx: ActorCtx; input: { phone: string; code: string } }) {
  const userId = ctx.actor.userId
  const [pending] = await ctx.db
    .select()
    .from(phoneVerifications)
    .where(and(eq(phoneVerifications.userId, userId), isNull(phoneVerifications.verifiedAt)))
    .orderBy(desc(phoneVerifications.createdAt))
    .limit(1)
  if (!pending || pending.phone !== input.phone) {
    throw new BadRequest('No code was sent to this number for your account; ask for a code first', [
      { path: 'phone', message: 'ask for a code for this number first' },
    ])
  }
  if (pending.expiresAt.getTime() <= Date.now()) {
    throw new BadRequest('This code has expired; ask for a new one', [{ path: 'code', message: 'expired' }])
  }
  // Count the attempt before checking, in one statement, so parallel guesses cannot exceed the limit.
  const [counted] = await ctx.db
    .update(phoneVerifications)
    .set({ attempts: sql`${phoneVerifications.attempts} + 1` })
    .where(
      and(eq(phoneVerifications.id, pending.id), lt(phoneVerifications.attempts, PHONE_CODE.maxAttempts)),
    )
    .returning({ attempts: phoneVerifications.attempts })
  if (!counted) {
    throw new AppError('RATE_LIMITED', 'Too many wrong codes; ask for a new code')
  }
  if (!phoneCodeMatches(ctx.config.authSecret, userId, input.phone, input.code, pending.codeHash)) {
    const left = PHONE_CODE.maxAttempts - counted.attempts
    throw new BadRequest(
      left > 0
        ? `Wrong code; ${left} ${left === 1 ? 'try' : 'tries'} left`
        : 'Wrong code; ask for a new code',
      [{ path: 'code', message: 'wrong code' }],
    )
  }

  const previous = await ctx.db
    .transaction(async (tx) => {
      const used = await tx
        .update(phoneVerifications)
        .set({ verifiedAt: sql`now()` })
        .where(and(eq(phoneVerifications.id, pending.id), isNull(phoneVerifications.verifiedAt)))
        .returning({ id: phoneVerifications.id })
      if (used.length === 0)
        throw new BadRequest('This code was already used; ask for a new one', [
          { path: 'code', message: 'already used' },
        ])
      const moved = await tx
        .update(user)
        .set({ phone: null, updatedAt: sql`now()` })
        .where(and(eq(user.phone, input.phone), ne(user.id, userId)))
        .returning({ id: user.id, email: user.email, name: user.name })
      await tx.update(user).set({ phone: input.phone, updatedAt: sql`now()` }).where(eq(user.id, userId))
      return moved
    })
    .catch((err: unknown) => {
      // Two accounts proving the same number at the same instant: the other one won.
      const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code
      if (code === '23505')
        throw new Conflict('This number was linked by another account at the same moment; ask for a new code')
      throw err
    })
  for (const p of previous) {
    ctx.log.info({ userId, previousUserId: p.id }, 'verified WhatsApp number moved from another account')
    await ctx.mailer
      .send(phoneMovedEmail({ to: p.email, name: p.name, phone: input.phone }))
      .catch((err: unknown) =>
        ctx.log.error({ err, userId: p.id }, 'could not tell the previous holder of a number'),
      )
  }
  return accountView(ctx)
}
