import type { knowledgeSources, organizations } from '../../db/schema/index.js'

type SourceRow = typeof knowledgeSources.$inferSelect
type OrganizationRow = typeof organizations.$inferSelect

/** A knowledge source as the API shows it (API.md, Knowledge). */
export function sourceView(row: SourceRow) {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    question: row.question,
    content: row.content,
    fields: row.fields,
    fileName: row.fileName,
    mimeType: row.mimeType,
    sizeBytes: row.sizeBytes,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export type SourceView = ReturnType<typeof sourceView>

export function trainingView(
  org: Pick<OrganizationRow, 'trainingStatus' | 'trainingProgress' | 'trainingError' | 'trainedAt'>,
) {
  return {
    status: org.trainingStatus,
    progress: org.trainingProgress,
    error: org.trainingError,
    trainedAt: org.trainedAt?.toISOString() ?? null,
  }
}

export type TrainingView = ReturnType<typeof trainingView>
