import { and, asc, count, eq, inArray, lt, sql } from 'drizzle-orm'
import { E164, E164_MESSAGE } from '../../../shared/phone.js'
import { PLANS } from '../../../shared/plans.js'
import { oneRow, type Tx } from '../../db/client.js'
import {
  memberships,
  organizations,
  phoneNumbers,
  provisioningAttempts,
  user,
} from '../../db/schema/index.js'
import { TelephonyError } from '../../providers/telephony/types.js'
import { recordAudit } from '../audit/record-audit.js'
import { entitlementsOf, PlanRequired } from '../billing/entitlements.js'
import { enqueueExtraNumbersSync } from '../billing/sync-extra-numbers.js'
import type { ActorCtx, Ctx } from '../context.js'
import { AppError, BadRequest, Conflict, NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { emitEvent } from '../webhooks/emit.js'
import { numberStatusEvent } from '../webhooks/number-status-event.js'
import { reasonOf, toAppError } from './provider-errors.js'
import { registerSender } from './register-sender.js'
import { LIVE_STATUSES, phoneNumberView } from './view.js'
import { webhookUrls } from './webhook-urls.js'

/**
 * Buys `phoneNumber` for the organization and registers it as its WhatsApp sender.
 *
 * The number is first reserved in our database (a unique index over live numbers), so two
 * organizations racing for it cannot both buy it: the loser gets a 409 before any purchase.
 * The plan's number limit is checked under a lock on the organization row, then (operators
 * excepted) the owners' account cap and the organization's hourly purchase throttle. A purchase
 * the provider refuses leaves no row behind.
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
    throw new BadRequest('Invalid input', [{ path: 'phoneNumber', message: E164_MESSAGE }])
  }

  const reserved = await ctx.db.transaction(async (tx) => {
    const [org] = await tx
      .select()
      .from(organizations)
      .where(eq(organizations.id, organizationId))
      .for('update')
    if (!org) throw new NotFound('Organization')
    const { held } = oneRow(
      await tx
        .select({ held: count() })
        .from(phoneNumbers)
        .where(
          and(
            eq(phoneNumbers.organizationId, organizationId),
            inArray(phoneNumbers.status, [...LIVE_STATUSES]),
          ),
        ),
      'number count',
    )
    // The plan's numbers, plus those billing sells one by one on the subscription.
    const included = entitlementsOf(org).numbers
    const extra = Math.max(0, org.extraNumbersAllowance)
    if (held >= included + extra) {
      throw new PlanRequired(
        'numbers',
        org.planType,
        'enterprise',
        extra > 0
          ? `The ${PLANS[org.planType].label} plan holds ${included} number${included === 1 ? '' : 's'} and the subscription ${extra} more; release one to provision another`
          : `The ${PLANS[org.planType].label} plan holds ${included} number${included === 1 ? '' : 's'}; release one or upgrade to provision another`,
      )
    }
    if (!ctx.actor.isOperator) {
      await assertOwnersUnderNumberCap(ctx, tx, organizationId)
      await throttleAttempts(ctx, tx, organizationId)
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
    await tx.insert(provisioningAttempts).values({ organizationId, userId: ctx.actor.userId, e164 })
    // A number beyond the plan's is billed from now (the reservation counts as live).
    await enqueueExtraNumbersSync(ctx, organizationId, tx)
    return { row, org }
  })

  const { row, org } = reserved
  const { smsUrl, statusCallback } = webhookUrls(ctx.config)
  let sid: string
  try {
    const bought = await ctx.telephony.purchaseNumber({
      phoneNumber: e164,
      smsUrl,
      statusCallback,
      friendlyName: org.name,
    })
    sid = bought.sid
  } catch (err) {
    if (isRefusal(err)) {
      // Nothing was bought: forget the reservation instead of keeping a `failed` row per attempt.
      await ctx.db
        .delete(phoneNumbers)
        .where(and(eq(phoneNumbers.id, row.id), eq(phoneNumbers.organizationId, organizationId)))
      await enqueueExtraNumbersSync(ctx, organizationId)
    } else {
      // The outcome is unknown (Twilio down, network): keep the reason; GET /api/admin/numbers lists
      // any number the account holds that no live row knows.
      await markFailed(ctx, row.id, reasonOf(err))
    }
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
    await ctx.telephony
      .releaseNumber(sid)
      .catch((releaseErr) =>
        ctx.log.error(
          { err: releaseErr, sid, e164 },
          'releasing an unrecorded number failed; reconcile it with GET /api/admin/numbers',
        ),
      )
    throw err
  }
  // Bought and recorded: from here the organization holds (and pays for) the number.
  await recordAudit(ctx, {
    organizationId,
    action: 'number.provisioned',
    target: { type: 'number', id: row.id },
    details: { phoneNumber: e164 },
  })

  const settled = await registerSender(ctx, row.id)
  return phoneNumberView(settled)
}

/** The provider answered and said no (taken, invalid, throttled, credentials): nothing was bought. */
const isRefusal = (err: unknown) => err instanceof TelephonyError && err.kind !== 'unavailable'

/**
 * Every owner of the organization stays within MAX_NUMBERS_PER_USER live numbers across the
 * organizations they own. Their account rows are locked (in id order) so that two organizations of
 * one owner provisioning at once are counted one after the other.
 */
async function assertOwnersUnderNumberCap(ctx: ActorCtx, tx: Tx, organizationId: string) {
  const max = ctx.config.accountLimits.numbersPerUser
  const owners = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, 'owner')))
  const ownerIds = owners.map((o) => o.userId).sort()
  if (ownerIds.length === 0) return
  await tx
    .select({ id: user.id })
    .from(user)
    .where(inArray(user.id, ownerIds))
    .orderBy(asc(user.id))
    .for('update')
  const held = await tx
    .select({ userId: memberships.userId, n: count(phoneNumbers.id) })
    .from(memberships)
    .innerJoin(
      organizations,
      and(eq(organizations.id, memberships.organizationId), eq(organizations.kind, 'business')),
    )
    .innerJoin(
      phoneNumbers,
      and(
        eq(phoneNumbers.organizationId, memberships.organizationId),
        inArray(phoneNumbers.status, [...LIVE_STATUSES]),
      ),
    )
    .where(and(inArray(memberships.userId, ownerIds), eq(memberships.role, 'owner')))
    .groupBy(memberships.userId)
  if (held.some((h) => h.n >= max)) {
    throw new Conflict(
      `An account can hold at most ${max} live number${max === 1 ? '' : 's'} across the organizations it owns; release one or ask the platform operator for more`,
      { limit: 'MAX_NUMBERS_PER_USER', max },
    )
  }
}

/** At most PROVISIONING_ATTEMPTS_PER_HOUR purchases per organization in any hour (the org row is locked). */
async function throttleAttempts(ctx: ActorCtx, tx: Tx, organizationId: string) {
  const max = ctx.config.accountLimits.provisioningAttemptsPerHour
  await tx
    .delete(provisioningAttempts)
    .where(
      and(
        eq(provisioningAttempts.organizationId, organizationId),
        lt(provisioningAttempts.createdAt, sql`now() - interval '1 hour'`),
      ),
    )
  const recent = await tx
    .select({ at: provisioningAttempts.createdAt })
    .from(provisioningAttempts)
    .where(eq(provisioningAttempts.organizationId, organizationId))
    .orderBy(asc(provisioningAttempts.createdAt))
  // At the limit, the attempt that has to leave the hour before another fits (max is at least 1).
  const oldestCounted = recent.length >= max ? recent.at(-max) : undefined
  if (oldestCounted) {
    const retryAfter = Math.max(1, Math.ceil((oldestCounted.at.getTime() + HOUR_MS - Date.now()) / 1000))
    throw new AppError(
      'RATE_LIMITED',
      `At most ${max} number purchases per organization per hour; try again in ${Math.ceil(retryAfter / 60)} minute${retryAfter > 60 ? 's' : ''}`,
      { limit: 'PROVISIONING_ATTEMPTS_PER_HOUR', max },
      retryAfter,
    )
  }
}

const HOUR_MS = 60 * 60 * 1000

export async function markFailed(ctx: Ctx, numberId: string, reason: string) {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(phoneNumbers)
      .set({ status: 'failed', failureReason: reason.slice(0, 500), updatedAt: sql`now()` })
      .where(eq(phoneNumbers.id, numberId))
      .returning()
    if (row) {
      await emitEvent(tx, numberStatusEvent(row), ctx.jobs)
      await enqueueExtraNumbersSync(ctx, row.organizationId, tx)
    }
    return row
  })
}
