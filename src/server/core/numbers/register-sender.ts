import { eq, sql } from 'drizzle-orm'
import { oneRow } from '../../db/client.js'
import { organizations, phoneNumbers } from '../../db/schema/index.js'
import type { Sender } from '../../providers/telephony/types.js'
import { TelephonyError } from '../../providers/telephony/types.js'
import { enqueueExtraNumbersSync } from '../billing/sync-extra-numbers.js'
import type { Ctx } from '../context.js'
import { emitEvent } from '../webhooks/emit.js'
import { numberStatusEvent } from '../webhooks/number-status-event.js'
import { reasonOf } from './provider-errors.js'
import { FAILED_SENDER_STATUSES } from './view.js'
import { webhookUrls } from './webhook-urls.js'

type PhoneNumberRow = typeof phoneNumbers.$inferSelect

/** How long the refresh job waits between looks at a sender still being registered (seconds). */
export const SENDER_REFRESH_DELAYS = [3, 10, 30, 60, 120, 300, 600, 900]
/** After this many looks the registration is given up (about a day). */
export const SENDER_REFRESH_MAX_ATTEMPTS = 100

/** Registers the (bought) number as a WhatsApp sender and settles it, or schedules a refresh. */
export async function registerSender(ctx: Ctx, numberId: string): Promise<PhoneNumberRow> {
  const row = oneRow(
    await ctx.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, numberId)),
    'phone number',
  )
  const org = oneRow(
    await ctx.db.select().from(organizations).where(eq(organizations.id, row.organizationId)),
    'organization',
  )
  const { smsUrl, statusCallback } = webhookUrls(ctx.config)
  let sender: Sender
  try {
    sender = await ctx.telephony.registerSender({
      phoneNumber: row.e164,
      profileName: org.whatsappDisplayName ?? org.name,
      webhookUrl: smsUrl,
      statusCallbackUrl: statusCallback,
    })
  } catch (err) {
    if (err instanceof TelephonyError && err.retryable) {
      // Twilio hiccup: the number stays registering; the refresh job tries the registration again.
      await ctx.jobs.send(
        'numbers.refresh-sender',
        { numberId, attempt: 1 },
        { startAfter: SENDER_REFRESH_DELAYS[0] },
      )
      return row
    }
    return failAndRelease(ctx, row, `WhatsApp sender registration failed: ${reasonOf(err)}`)
  }
  const updated = oneRow(
    await ctx.db
      .update(phoneNumbers)
      .set({ senderSid: sender.sid, senderStatus: sender.status, updatedAt: sql`now()` })
      .where(eq(phoneNumbers.id, numberId))
      .returning(),
    'phone number',
  )
  return settle(ctx, updated, sender, 0)
}

/** One look at a sender still registering (the `numbers.refresh-sender` job). */
export async function refreshSender(ctx: Ctx, numberId: string, attempt: number) {
  const [row] = await ctx.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, numberId))
  if (row?.status !== 'registering') return
  if (!row.senderSid) {
    await registerSender(ctx, numberId)
    return
  }
  let sender: Sender
  try {
    sender = await ctx.telephony.getSender(row.senderSid)
  } catch (err) {
    if (err instanceof TelephonyError && err.retryable) {
      await scheduleRefresh(ctx, row, attempt)
      return
    }
    await failAndRelease(ctx, row, `WhatsApp sender lookup failed: ${reasonOf(err)}`)
    return
  }
  await ctx.db
    .update(phoneNumbers)
    .set({ senderStatus: sender.status, updatedAt: sql`now()` })
    .where(eq(phoneNumbers.id, numberId))
  await settle(ctx, { ...row, senderStatus: sender.status }, sender, attempt)
}

async function settle(
  ctx: Ctx,
  row: PhoneNumberRow,
  sender: Sender,
  attempt: number,
): Promise<PhoneNumberRow> {
  if (sender.status === 'ONLINE') {
    const active = await ctx.db.transaction(async (tx) => {
      const updated = oneRow(
        await tx
          .update(phoneNumbers)
          .set({ status: 'active', failureReason: null, updatedAt: sql`now()` })
          .where(eq(phoneNumbers.id, row.id))
          .returning(),
        'phone number',
      )
      if (row.status !== 'active') await emitEvent(tx, numberStatusEvent(updated), ctx.jobs)
      return updated
    })
    ctx.log.info({ numberId: row.id, e164: row.e164 }, 'WhatsApp number active')
    return active
  }
  if (FAILED_SENDER_STATUSES.includes(sender.status)) {
    return failAndRelease(
      ctx,
      row,
      `WhatsApp sender is ${sender.status}${sender.reason ? `: ${sender.reason}` : ''}`,
    )
  }
  return scheduleRefresh(ctx, row, attempt)
}

async function scheduleRefresh(ctx: Ctx, row: PhoneNumberRow, attempt: number) {
  if (attempt >= SENDER_REFRESH_MAX_ATTEMPTS) {
    return failAndRelease(
      ctx,
      row,
      `WhatsApp sender still ${row.senderStatus ?? 'pending'} after ${attempt} checks`,
    )
  }
  const delay = SENDER_REFRESH_DELAYS[Math.min(attempt, SENDER_REFRESH_DELAYS.length - 1)]
  await ctx.jobs.send(
    'numbers.refresh-sender',
    { numberId: row.id, attempt: attempt + 1 },
    { startAfter: delay },
  )
  return row
}

/** Registration failed for good: record why, and give the number back so it is not billed. */
async function failAndRelease(ctx: Ctx, row: PhoneNumberRow, reason: string): Promise<PhoneNumberRow> {
  ctx.log.warn({ numberId: row.id, e164: row.e164, reason }, 'number failed')
  if (row.senderSid) await ctx.telephony.deleteSender(row.senderSid).catch(() => {})
  let note = ''
  if (row.providerNumberSid) {
    try {
      await ctx.telephony.releaseNumber(row.providerNumberSid)
    } catch (err) {
      ctx.log.error({ err, sid: row.providerNumberSid }, 'releasing a failed number failed; reconcile it')
      note = ' (the number could not be released yet; the operator will reconcile it)'
    }
  }
  return ctx.db.transaction(async (tx) => {
    const failed = oneRow(
      await tx
        .update(phoneNumbers)
        .set({ status: 'failed', failureReason: (reason + note).slice(0, 500), updatedAt: sql`now()` })
        .where(eq(phoneNumbers.id, row.id))
        .returning(),
      'phone number',
    )
    await emitEvent(tx, numberStatusEvent(failed), ctx.jobs)
    await enqueueExtraNumbersSync(ctx, failed.organizationId, tx)
    return failed
  })
}
