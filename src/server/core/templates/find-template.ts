import { and, eq } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { templates } from '../../db/schema/index.js'
import { Conflict, NotFound } from '../errors.js'
import { isUuid } from '../members/permissions.js'
import type { TemplateRow } from './view.js'

/** The organization's template; another organization's (or none) is a 404. */
export async function findTemplate(db: Tx, organizationId: string, templateId: string): Promise<TemplateRow> {
  if (!isUuid(templateId)) throw new NotFound('Template')
  const [row] = await db
    .select()
    .from(templates)
    .where(and(eq(templates.id, templateId), eq(templates.organizationId, organizationId)))
  if (!row) throw new NotFound('Template')
  return row
}

/** A template that may be sent now: approved by WhatsApp, else 409 with its status. */
export function requireApproved(template: TemplateRow): TemplateRow & { contentSid: string } {
  const { contentSid } = template
  if (template.status !== 'approved' || !contentSid) {
    throw new Conflict(
      `The template "${template.name}" is ${template.status}: only templates WhatsApp approved can be sent`,
      { reason: 'TEMPLATE_NOT_APPROVED', status: template.status },
    )
  }
  return { ...template, contentSid }
}
