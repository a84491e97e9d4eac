import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import { oneRow } from '../../db/client.js'
import { phoneNumbers } from '../../db/schema/index.js'
import { TelephonyError } from '../../providers/telephony/types.js'
import { recordAudit } from '../audit/record-audit.js'
import { enqueueExtraNumbersSync } from '../billing/sync-extra-numbers.js'
import type { ActorCtx, Ctx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { emitEvent } from '../webhooks/emit.js'
import { numberStatusEvent } from '../webhooks/number-status-event.js'
import { toAppError } from './provider-errors.js'
import { LIVE_STATUSES, phoneNumberView } from './view.js'

type PhoneNumberRow = typeof phoneNumbers.$inferSelect

/** Releases the organization's number (the given one, else its primary): releasing → released. */
export async function releaseNumber({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; numberId?: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'numbers:manage')
  const held = await heldNumbers(ctx, input.organizationId)
  const target = input.numberId ? held.find((n) => n.id === input.numberId) : held[0]
  if (!target) throw new NotFound('Number')
  let released: PhoneNumberRow
  try {
    released = await releaseAtProvider(ctx, target)
  } catch (err) {
    throw toAppError(err)
  }
  await recordAudit(ctx, {
    organizationId: input.organizationId,
    action: 'number.released',
    target: { type: 'number', id: released.id },
    details: { phoneNumber: released.e164 },
  })
  return phoneNumberView(released)
}

/** The numbers an organization holds (not released or failed), primary first. */
export function heldNumbers(ctx: Ctx, organizationId: string) {
  return ctx.db
    .select()
    .from(phoneNumbers)
    .where(
      and(eq(phoneNumbers.organizationId, organizationId), inArray(phoneNumbers.status, [...LIVE_STATUSES])),
    )
    .orderBy(desc(phoneNumbers.isPrimary), desc(phoneNumbers.createdAt))
}

/**
 * Deletes the sender and releases the number at the provider, then records it released.
 * A provider failure leaves it `releasing` and throws; calling again continues.
 */
export async function releaseAtProvider(ctx: Ctx, row: PhoneNumberRow): Promise<PhoneNumberRow> {
  await ctx.db
    .update(phoneNumbers)
    .set({ status: 'releasing', updatedAt: sql`now()` })
    .where(eq(phoneNumbers.id, row.id))
  const gone = (err: unknown) => err instanceof TelephonyError && err.kind === 'not_found'
  try {
    if (row.senderSid) await ctx.telephony.deleteSender(row.senderSid)
  } catch (err) {
    if (!gone(err)) throw err
  }
  try {
    if (row.providerNumberSid) await ctx.telephony.releaseNumber(row.providerNumberSid)
  } catch (err) {
    if (!gone(err)) throw err
  }
  const released = await ctx.db.transaction(async (tx) => {
    const updated = oneRow(
      await tx
        .update(phoneNumbers)
        .set({ status: 'released', isPrimary: false, releasedAt: sql`now()`, updatedAt: sql`now()` })
        .where(eq(phoneNumbers.id, row.id))
        .returning(),
      'phone number',
    )
    await emitEvent(tx, numberStatusEvent(updated), ctx.jobs)
    // A number beyond the plan's stops being billed.
    await enqueueExtraNumbersSync(ctx, updated.organizationId, tx)
    return updated
  })
  ctx.log.info({ numberId: row.id, e164: row.e164 }, 'number released')
  return released
}
