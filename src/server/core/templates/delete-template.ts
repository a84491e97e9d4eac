import { and, eq } from 'drizzle-orm'
import { broadcasts, templates } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { toAppError } from '../numbers/provider-errors.js'
import { findTemplate } from './find-template.js'

/**
 * Deletes a template here and its Content in Twilio. Refused (409) while a broadcast uses it:
 * one scheduled or sending would fail, and a finished one keeps its template as its record.
 * Messages already queued with it fail with the reason when their turn comes.
 */
export async function deleteTemplate({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; templateId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'templates:manage')
  const template = await findTemplate(ctx.db, input.organizationId, input.templateId)
  const users = await ctx.db
    .select({ id: broadcasts.id, name: broadcasts.name, status: broadcasts.status })
    .from(broadcasts)
    .where(and(eq(broadcasts.organizationId, input.organizationId), eq(broadcasts.templateId, template.id)))
  const active = users.filter((b) => b.status === 'scheduled' || b.status === 'sending')
  if (active.length > 0) {
    throw new Conflict(`The template is used by a broadcast that is ${active[0]?.status}: cancel it first`, {
      reason: 'TEMPLATE_IN_USE',
      broadcastIds: active.map((b) => b.id),
    })
  }
  if (users.length > 0) {
    throw new Conflict('The template is the record of past broadcasts and is kept with them', {
      reason: 'TEMPLATE_IN_USE',
      broadcastIds: users.map((b) => b.id),
    })
  }
  if (template.contentSid) {
    try {
      await ctx.telephony.deleteTemplate(template.contentSid)
    } catch (err) {
      throw toAppError(err)
    }
  }
  await ctx.db.transaction(async (tx) => {
    await tx
      .delete(templates)
      .where(and(eq(templates.id, template.id), eq(templates.organizationId, input.organizationId)))
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'template.deleted',
        target: { type: 'template', id: template.id },
        details: { name: template.name, language: template.language },
      },
      tx,
    )
  })
}
