import { and, count, eq, inArray, sql } from 'drizzle-orm'
import { organizations, phoneNumbers } from '../../db/schema/index.js'
import { E164 } from '../../providers/telephony/types.js'
import type { ActorCtx, Ctx } from '../context.js'
import { BadRequest, Conflict, NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { PLAN_NUMBER_LIMITS } from '../organizations/schemas.js'
import { reasonOf, toAppError } from './provider-errors.js'
import { registerSender } from './register-sender.js'
import { LIVE_STATUSES, phoneNumberView } from './view.js'
import { webhookUrls } from './webhook-urls.js'


/**
 * Buys `phoneNumber` for the organization and registers it as its WhatsApp sender.
 *
 * The number is first reserved in our database (a unique index over live numbers), so two
 * organizations racing for it cannot both buy it: the loser gets a 409 before any purchase.
 * The plan's number limit is checked under a lock on the organization row.
 */
export async function provisionNumber({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; phoneNumber: string }
}) {
  const { organizationId } = input
  await authorizeOrganization(ctx, organizationId, 'numbers:manage')
  const e164 = input.phoneNumber.replace(/^whatsapp:/, '').replace(/[\s()-]/g, '')
  if (!E164.test(e164)) {
    throw new BadRequest('Invalid input', [{ path: 'phoneNumber', message: 'must be an E.164 number like +14155550123' }])
  }

  const reserved = await ctx.db.transaction(async (tx) => {
    const [org] = await tx.select().from(organizations).where(eq(organizations.id, organizationId)).for('update')
    if (!org) throw new NotFound('Organization')
    const [{ held }] = await tx
      .select({ held: count() })
      .from(phoneNumbers)
      .where(and(eq(phoneNumbers.organizationId, organizationId), inArray(phoneNumbers.status, [...LIVE_STATUSES])))
    const allowed = PLAN_NUMBER_LIMITS[org.planType]
    if (held >= allowed) {
      throw new Conflict(
        `The ${org.planType} plan holds ${allowed} number${allowed === 1 ? '' : 's'}; release one or upgrade to provision another`,
      )
    }
    const [row] = await tx
      .insert(phoneNumbers)
      .values({
        organizationId,
        e164,
        provider: ctx.telephony.kind,
        status: 'purchasing',
        isPrimary: held === 0,
      })
      .onConflictDoNothing()
      .returning()
    if (!row) throw new Conflict('That number is already taken on the platform')
    return { row, org }
  })

  const { row, org } = reserved
  const { smsUrl, statusCallback } = webhookUrls(ctx.config)
  let sid: string
  try {
    const bought = await ctx.telephony.purchaseNumber({ phoneNumber: e164, smsUrl, statusCallback, friendlyName: org.name })
    sid = bought.sid
  } catch (err) {
    await markFailed(ctx, row.id, reasonOf(err))
    throw toAppError(err)
  }

  try {
    await ctx.db
      .update(phoneNumbers)
      .set({ providerNumberSid: sid, status: 'registering', updatedAt: sql`now()` })
      .where(and(eq(phoneNumbers.id, row.id), eq(phoneNumbers.organizationId, organizationId)))
  } catch (err) {
    // Bought but not recorded: give the number back rather than leave it billed and unknown.
    ctx.log.error({ err, sid, e164 }, 'recording a purchased number failed; releasing it')
    await ctx.telephony.releaseNumber(sid).catch((releaseErr) =>
      ctx.log.error({ err: releaseErr, sid, e164 }, 'releasing an unrecorded number failed; reconcile it with GET /api/admin/numbers'),
    )
    throw err
  }

  const settled = await registerSender(ctx, row.id)
  return phoneNumberView(settled)
}

export async function markFailed(ctx: Ctx, numberId: string, reason: string) {
  const [row] = await ctx.db
    .update(phoneNumbers)
    .set({ status: 'failed', failureReason: reason.slice(0, 500), updatedAt: sql`now()` })
    .where(eq(phoneNumbers.id, numberId))
    .returning()
  return row
}
