import type { knowledgeSources } from '../../db/schema/index.js'
import { chunkText, type TextChunk } from './chunk-text.js'

/** What chunking needs of a source: no bytes, no dates, so it can be posted to a worker thread. */
export type ChunkableSource = Pick<
  typeof knowledgeSources.$inferSelect,
  'id' | 'kind' | 'title' | 'question' | 'content' | 'fields' | 'mimeType'
>

export interface PendingChunk extends TextChunk {
  sourceId: string
  question: string | null
}

const CSV_MIME = 'text/csv'

/** The passages one source contributes; `labels` name the profile fields in the knowledge base's language. */
export function sourceChunks(source: ChunkableSource, labels: Record<string, string>): PendingChunk[] {
  const of = (chunks: TextChunk[], question: string | null = null) =>
    chunks.map((c) => ({ ...c, sourceId: source.id, question }))
  switch (source.kind) {
    case 'profile': {
      // One passage per field, so "when are you open?" finds the opening hours alone.
      const fields = source.fields ?? {}
      return Object.entries(fields).flatMap(([key, value]) =>
        value?.trim() ? of(chunkText(value, { title: labels[key] ?? key })) : [],
      )
    }
    case 'faq':
      return of(chunkText(source.content, { maxChars: 1500 }), source.question ?? source.title)
    case 'text':
      return of(chunkText(source.content, { title: source.title }))
    case 'file':
      return of(chunkText(source.content, { title: source.title, atomicLines: source.mimeType === CSV_MIME }))
  }
}
