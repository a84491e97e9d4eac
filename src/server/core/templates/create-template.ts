import { and, eq, sql } from 'drizzle-orm'
import { templateTextErrors } from '../../../shared/template-text.js'
import { oneRow } from '../../db/client.js'
import { templates } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { BadRequest, Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { toAppError } from '../numbers/provider-errors.js'
import { scheduleApprovalCheck } from './check-approval.js'
import type { CreateTemplateInput } from './schemas.js'
import { templateView } from './view.js'

/**
 * Writes a template, creates its Content in Twilio and submits it for WhatsApp's review. The row
 * is written first (the unique name + language makes a duplicate a 409 before Twilio is asked);
 * when Twilio refuses, both the row and any Content made are removed, so nothing is left half done.
 * A review still pending is followed by the `templates.check-approval` job.
 */
export async function createTemplate({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: CreateTemplateInput & { organizationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'templates:manage')
  const examples = Object.fromEntries(Object.entries(input.examples).map(([k, v]) => [k, v.trim()]))
  const errors = templateTextErrors(input.body, examples)
  if (errors.length > 0) throw new BadRequest(errors.map((e) => e.message).join('; '), errors)

  const duplicate = () =>
    new Conflict(`There is already a template "${input.name}" in ${input.language}`, {
      reason: 'DUPLICATE',
    })
  const [existing] = await ctx.db
    .select({ id: templates.id })
    .from(templates)
    .where(
      and(
        eq(templates.organizationId, input.organizationId),
        eq(templates.name, input.name),
        eq(templates.language, input.language),
      ),
    )
  if (existing) throw duplicate()
  const inserted = await ctx.db
    .insert(templates)
    .values({
      organizationId: input.organizationId,
      name: input.name,
      language: input.language,
      category: input.category,
      body: input.body,
      examples,
      status: 'draft',
      createdBy: ctx.actor.userId,
    })
    .onConflictDoNothing()
    .returning()
  const draft = inserted[0]
  if (!draft) throw duplicate()

  let contentSid: string | undefined
  try {
    contentSid = (
      await ctx.telephony.createTemplate({
        name: input.name,
        language: input.language,
        body: input.body,
        examples,
      })
    ).sid
    const approval = await ctx.telephony.submitTemplate(contentSid, {
      name: input.name,
      category: input.category,
    })
    const saved = oneRow(
      await ctx.db
        .update(templates)
        .set({
          contentSid,
          status: approval.status,
          rejectionReason: approval.status === 'approved' ? null : (approval.rejectionReason ?? null),
          submittedAt: sql`now()`,
          statusCheckedAt: sql`now()`,
          updatedAt: sql`now()`,
        })
        .where(eq(templates.id, draft.id))
        .returning(),
      'template',
    )
    await recordAudit(ctx, {
      organizationId: input.organizationId,
      action: 'template.created',
      target: { type: 'template', id: saved.id },
      details: { name: saved.name, language: saved.language, category: saved.category },
    })
    if (saved.status === 'pending') await scheduleApprovalCheck(ctx, saved, 0)
    return templateView(saved)
  } catch (err) {
    if (contentSid) {
      await ctx.telephony.deleteTemplate(contentSid).catch((cleanup: unknown) => {
        ctx.log.error({ err: cleanup, contentSid }, 'could not remove the Content of a failed template')
      })
    }
    await ctx.db.delete(templates).where(eq(templates.id, draft.id))
    throw toAppError(err)
  }
}
