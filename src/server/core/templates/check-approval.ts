import { and, eq, sql } from 'drizzle-orm'
import { oneRow } from '../../db/client.js'
import { templates } from '../../db/schema/index.js'
import { TelephonyError, type TemplateApproval } from '../../providers/telephony/types.js'
import type { Ctx } from '../context.js'
import type { TemplateRow } from './view.js'

/**
 * Seconds between looks at a template WhatsApp is still reviewing: soon at first (most reviews
 * take minutes), then hourly. Meta may take up to a day or two.
 */
export const APPROVAL_CHECK_DELAYS = [60, 120, 300, 600, 1800, 3600]
/** About a week of hourly looks; after that the Refresh button asks. */
export const APPROVAL_CHECK_MAX_ATTEMPTS = 180

const DECIDED = new Set<TemplateRow['status']>(['approved', 'rejected', 'paused', 'disabled'])

export const approvalCheckDelay = (attempt: number) =>
  APPROVAL_CHECK_DELAYS[Math.min(attempt, APPROVAL_CHECK_DELAYS.length - 1)] ?? 3600

/** Records what the provider says of a template's review. */
export async function recordApproval(ctx: Ctx, template: TemplateRow, approval: TemplateApproval) {
  return oneRow(
    await ctx.db
      .update(templates)
      .set({
        status: approval.status,
        rejectionReason: approval.status === 'approved' ? null : (approval.rejectionReason ?? null),
        statusCheckedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(templates.id, template.id), eq(templates.organizationId, template.organizationId)))
      .returning(),
    'template',
  )
}

/** Asks the provider where the review stands and records it; a Content gone from Twilio is disabled. */
export async function fetchApproval(ctx: Ctx, template: TemplateRow & { contentSid: string }) {
  try {
    return await recordApproval(ctx, template, await ctx.telephony.getTemplateApproval(template.contentSid))
  } catch (err) {
    if (err instanceof TelephonyError && err.kind === 'not_found') {
      return recordApproval(ctx, template, {
        status: 'disabled',
        rejectionReason: 'The template no longer exists in Twilio (deleted there)',
      })
    }
    throw err
  }
}

export async function scheduleApprovalCheck(ctx: Ctx, template: TemplateRow, attempt: number) {
  await ctx.jobs.send(
    'templates.check-approval',
    { organizationId: template.organizationId, templateId: template.id, attempt },
    { startAfter: approvalCheckDelay(attempt), singletonKey: `template:${template.id}:${attempt}` },
  )
}

/**
 * The `templates.check-approval` job: one look at a template under review, then another later
 * while it is still pending. Provider outages count as a look and are tried again later.
 */
export async function checkTemplateApproval(
  ctx: Ctx,
  input: { organizationId: string; templateId: string; attempt: number },
) {
  const [template] = await ctx.db
    .select()
    .from(templates)
    .where(and(eq(templates.id, input.templateId), eq(templates.organizationId, input.organizationId)))
  // Deleted, or decided meanwhile (a refresh): nothing to follow.
  if (!template?.contentSid || DECIDED.has(template.status)) return
  let status = template.status
  try {
    status = (await fetchApproval(ctx, { ...template, contentSid: template.contentSid })).status
  } catch (err) {
    if (!(err instanceof TelephonyError && err.retryable)) throw err
    ctx.log.warn({ err, templateId: template.id }, 'template approval check failed; trying later')
  }
  if (DECIDED.has(status)) {
    ctx.log.info({ templateId: template.id, status }, 'template review decided')
    return
  }
  if (input.attempt + 1 >= APPROVAL_CHECK_MAX_ATTEMPTS) {
    ctx.log.warn({ templateId: template.id }, 'template still under review; no longer following it')
    return
  }
  await scheduleApprovalCheck(ctx, template, input.attempt + 1)
}
