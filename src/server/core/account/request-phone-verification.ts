import { and, desc, eq, gt, sql } from 'drizzle-orm'
import { oneRow } from '../../db/client.js'
import { phoneVerifications, user } from '../../db/schema/index.js'
import { TelephonyError } from '../../providers/telephony/types.js'
import type { ActorCtx } from '../context.js'
import { AppError, BadRequest, Conflict, ProviderFailed } from '../errors.js'
import { hashPhoneCode, newPhoneCode, PHONE_CODE, phoneCodeMessage } from './phone-code.js'

const throttled = (message: string, retryAfter: number) =>
  new AppError('RATE_LIMITED', message, undefined, Math.max(1, Math.ceil(retryAfter)))

/**
 * Sends a 6-digit code by WhatsApp from the platform's shared number to `phone`. Whether the
 * number is linked to anyone else is never told: the code only proves who holds the phone.
 */
export async function requestPhoneVerification({ ctx, input }: { ctx: ActorCtx; input: { phone: string } }) {
  const sender = ctx.config.sharedNumber
  if (!sender) {
    throw new Conflict(
      "Linking a WhatsApp number needs the platform's shared number (TWILIO_PHONE_NUMBER), and this deployment has none",
    )
  }
  const userId = ctx.actor.userId
  const [me] = await ctx.db.select({ phone: user.phone }).from(user).where(eq(user.id, userId))
  if (me?.phone === input.phone) throw new Conflict('This number is already linked to your account')

  const hourAgo = sql`now() - interval '1 hour'`
  const [last] = await ctx.db
    .select({ createdAt: phoneVerifications.createdAt })
    .from(phoneVerifications)
    .where(eq(phoneVerifications.userId, userId))
    .orderBy(desc(phoneVerifications.createdAt))
    .limit(1)
  const sinceLast = last ? (Date.now() - last.createdAt.getTime()) / 1000 : Number.POSITIVE_INFINITY
  if (sinceLast < PHONE_CODE.resendAfterSeconds) {
    throw throttled(
      'A code was sent less than a minute ago; wait before asking for another',
      PHONE_CODE.resendAfterSeconds - sinceLast,
    )
  }
  const [counts] = await ctx.db
    .select({
      mine: sql<number>`count(*) filter (where ${phoneVerifications.userId} = ${userId})::int`,
      toNumber: sql<number>`count(*) filter (where ${phoneVerifications.phone} = ${input.phone})::int`,
    })
    .from(phoneVerifications)
    .where(
      and(
        gt(phoneVerifications.createdAt, hourAgo),
        sql`(${phoneVerifications.userId} = ${userId} or ${phoneVerifications.phone} = ${input.phone})`,
      ),
    )
  if ((counts?.mine ?? 0) >= PHONE_CODE.maxPerHour || (counts?.toNumber ?? 0) >= PHONE_CODE.maxPerHour) {
    throw throttled('Too many codes requested in the last hour; try again later', 3600)
  }

  const code = newPhoneCode()
  const expiresAt = new Date(Date.now() + PHONE_CODE.ttlMs)
  const row = oneRow(
    await ctx.db
      .insert(phoneVerifications)
      .values({
        userId,
        phone: input.phone,
        codeHash: hashPhoneCode(ctx.config.authSecret, userId, input.phone, code),
        expiresAt,
      })
      .returning({ id: phoneVerifications.id }),
    'phone verification',
  )

  const body = phoneCodeMessage(code)
  try {
    await ctx.telephony.sendMessage({ from: sender, to: input.phone, body })
  } catch (err) {
    // Nothing reached the phone: the code is void and does not count against the limits.
    await ctx.db.delete(phoneVerifications).where(eq(phoneVerifications.id, row.id))
    ctx.log.warn({ err, userId }, 'phone verification code not sent')
    if (err instanceof TelephonyError && (err.kind === 'invalid' || err.kind === 'rejected')) {
      throw new BadRequest(
        `WhatsApp did not accept a message to this number (${err.message}). If it is a WhatsApp number, send any message to ${sender} from it first, then ask for a new code.`,
        [{ path: 'phone', message: 'could not receive a WhatsApp message' }],
      )
    }
    throw new ProviderFailed('The code could not be sent right now; try again in a moment')
  }
  ctx.log.info({ userId }, 'phone verification code sent')
  return {
    phone: input.phone,
    from: sender,
    expiresAt: expiresAt.toISOString(),
    resendAfterSeconds: PHONE_CODE.resendAfterSeconds,
    // The sandbox sends nothing anywhere: the message the phone would have received is shown instead.
    ...(ctx.telephony.kind === 'sandbox' ? { sandboxMessage: body } : {}),
  }
}
