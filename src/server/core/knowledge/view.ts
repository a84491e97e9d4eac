import { sql } from 'drizzle-orm'
import { knowledgeSources, type organizations } from '../../db/schema/index.js'

/** A source row without the uploaded bytes (which only the extraction job reads). */
type SourceRow = Omit<typeof knowledgeSources.$inferSelect, 'fileBytes'>
type OrganizationRow = typeof organizations.$inferSelect

/** How much of a source's text the knowledge list carries; GET …/knowledge/:sourceId has all of it. */
export const CONTENT_PREVIEW_CHARS = 1_000

/** Every column but the uploaded bytes: what reads of sources select. */
export const sourceColumns = {
  id: knowledgeSources.id,
  organizationId: knowledgeSources.organizationId,
  kind: knowledgeSources.kind,
  title: knowledgeSources.title,
  question: knowledgeSources.question,
  content: knowledgeSources.content,
  fields: knowledgeSources.fields,
  fileName: knowledgeSources.fileName,
  mimeType: knowledgeSources.mimeType,
  sizeBytes: knowledgeSources.sizeBytes,
  status: knowledgeSources.status,
  progress: knowledgeSources.progress,
  error: knowledgeSources.error,
  createdAt: knowledgeSources.createdAt,
  updatedAt: knowledgeSources.updatedAt,
}

/** The same, with the text cut to its preview by the database and its full length, so a listing stays small. */
export const sourcePreviewColumns = {
  ...sourceColumns,
  content: sql<string>`left(${knowledgeSources.content}, ${sql.raw(String(CONTENT_PREVIEW_CHARS))})`.as(
    'content',
  ),
  contentLength: sql<number>`char_length(${knowledgeSources.content})::int`.as('content_length'),
}

/**
 * A knowledge source as the API shows it. `content` is whole unless `contentTruncated` (the
 * listing sends a preview; `contentLength` is the length of the whole text).
 */
export function sourceView(row: SourceRow & { contentLength?: number }) {
  const contentLength = row.contentLength ?? row.content.length
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    question: row.question,
    content: row.content,
    contentLength,
    contentTruncated: contentLength > row.content.length,
    fields: row.fields,
    fileName: row.fileName,
    mimeType: row.mimeType,
    sizeBytes: row.sizeBytes,
    status: row.status,
    progress: row.progress,
    error: row.error,
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
