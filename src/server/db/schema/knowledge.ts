import { sql } from 'drizzle-orm'
import { customType, index, integer, jsonb, pgEnum, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import { organizations } from './organizations.js'

export const knowledgeSourceKind = pgEnum('knowledge_source_kind', ['profile', 'faq', 'text', 'file'])

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })

/** What an organization (or a user's personal knowledge base, kind = personal) knows. */
export const knowledgeSources = pgTable(
  'knowledge_sources',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: knowledgeSourceKind('kind').notNull(),
    title: text('title').notNull().default(''),
    /** FAQ question (kind = faq). */
    question: text('question'),
    /** Text, FAQ answer, the profile as text, or a file's extracted text. */
    content: text('content').notNull(),
    /** Structured fields of the profile (kind = profile). */
    fields: jsonb('fields').$type<Record<string, string>>(),
    fileName: text('file_name'),
    mimeType: text('mime_type'),
    sizeBytes: integer('size_bytes'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('knowledge_sources_org_idx').on(t.organizationId)],
)

export const knowledgeChunks = pgTable(
  'knowledge_chunks',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    sourceId: text('source_id')
      .notNull()
      .references(() => knowledgeSources.id, { onDelete: 'cascade' }),
    generation: integer('generation').notNull(),
    position: integer('position').notNull().default(0),
    heading: text('heading').notNull().default(''),
    content: text('content').notNull(),
    /** FAQ question when the chunk is an FAQ pair, matched against the customer's message. */
    question: text('question'),
    /** Full-text configuration the chunk was indexed with (english, french, simple, …). */
    language: text('language').notNull().default('simple'),
    tsv: tsvector('tsv').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('knowledge_chunks_org_gen_idx').on(t.organizationId, t.generation),
    index('knowledge_chunks_tsv_idx').using('gin', t.tsv),
  ],
)
