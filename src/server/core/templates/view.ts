import { templateVariables } from '../../../shared/template-text.js'
import type { templates } from '../../db/schema/index.js'

export type TemplateRow = typeof templates.$inferSelect

export const templateView = (t: TemplateRow) => ({
  id: t.id,
  name: t.name,
  language: t.language,
  category: t.category,
  body: t.body,
  examples: t.examples,
  variables: templateVariables(t.body),
  status: t.status,
  rejectionReason: t.rejectionReason,
  contentSid: t.contentSid,
  submittedAt: t.submittedAt?.toISOString() ?? null,
  statusCheckedAt: t.statusCheckedAt?.toISOString() ?? null,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
})

export type TemplateView = ReturnType<typeof templateView>
