import { sql } from 'drizzle-orm'
import {
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
} from 'drizzle-orm/pg-core'
import { KNOWLEDGE_SOURCE_KINDS, KNOWLEDGE_SOURCE_STATUSES } from '../../../shared/enums.js'
import { organizations } from './organizations.js'

export const knowledgeSourceKind = pgEnum('knowledge_source_kind', KNOWLEDGE_SOURCE_KINDS)

/** An uploaded file is `processing` until a job has read its text: then `ready`, or `failed` with the reason. */
export const knowledgeSourceStatus = pgEnum('knowledge_source_status', KNOWLEDGE_SOURCE_STATUSES)

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' })

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
    /** Only files are ever `processing` or `failed`; training uses `ready` sources alone. */
    status: knowledgeSourceStatus('status').notNull().default('ready'),
    /** How far the extraction of an uploaded file has got, 0–100. */
    progress: integer('progress').notNull().default(100),
    /** Why the file could not be used (status = failed). */
    error: text('error'),
    /** The uploaded bytes, kept only until the extraction job has read them (any process may run it). */
    fileBytes: bytea('file_bytes'),
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
    /**
     * The passage's unit vector from the embedding model (null when none is configured), made by
     * the training job with the rest of the generation. A plain array, not pgvector's type: the
     * databases this runs on (embedded PGlite, a stock PostgreSQL) do not all have pgvector.
     */
    embedding: real('embedding').array(),
    /** The model that made `embedding` (`provider:model`): vectors of another model are not comparable. */
    embeddingModel: text('embedding_model'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('knowledge_chunks_org_gen_idx').on(t.organizationId, t.generation),
    index('knowledge_chunks_tsv_idx').using('gin', t.tsv),
  ],
)

/**
 * Term statistics of one knowledge generation, written when it is trained
 * (core/knowledge/term-stats.ts): per lexeme, how many passages contain it and, for a lexeme in
 * many passages, the few where it ranks highest, so retrieval weighs a question's words by their
 * rarity and ranks a common word's best passages without reading all of its passages.
 */
export const knowledgeTerms = pgTable(
  'knowledge_terms',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    generation: integer('generation').notNull(),
    lexeme: text('lexeme').notNull(),
    /** Passages of the generation containing the lexeme. */
    df: integer('df').notNull(),
    /** Ids of the passages where the lexeme alone ranks highest, best first; null when df is small. */
    best: text('best').array(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.generation, t.lexeme] })],
)
