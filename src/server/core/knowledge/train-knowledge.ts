import { and, asc, eq, gt, inArray, ne, sql } from 'drizzle-orm'
import { knowledgeChunks, knowledgeSources, organizations } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { chunkText, type TextChunk } from './chunk-text.js'
import { FILE_MIME_TYPES } from './extract-text.js'
import { FTS_CONFIG_NAMES, ftsConfigFor, searchableText } from './language.js'
import { profileLabelsFor } from './save-profile.js'
import type { PROFILE_FIELDS } from './schemas.js'

type SourceRow = typeof knowledgeSources.$inferSelect

interface PendingChunk extends TextChunk {
  sourceId: string
  question: string | null
}

const INSERT_BATCH = 200

/** The passages one source contributes. */
export function sourceChunks(source: SourceRow, language?: string): PendingChunk[] {
  const of = (chunks: TextChunk[], question: string | null = null) =>
    chunks.map((c) => ({ ...c, sourceId: source.id, question }))
  switch (source.kind) {
    case 'profile': {
      // One passage per field, so "when are you open?" finds the opening hours alone.
      const fields = source.fields ?? {}
      const labels = profileLabelsFor(language)
      return Object.entries(fields).flatMap(([key, value]) =>
        value?.trim() ? of(chunkText(value, { title: labels[key as (typeof PROFILE_FIELDS)[number]] ?? key })) : [],
      )
    }
    case 'faq':
      return of(chunkText(source.content, { maxChars: 1500 }), source.question ?? source.title)
    case 'text':
      return of(chunkText(source.content, { title: source.title }))
    case 'file':
      return of(
        chunkText(source.content, { title: source.title, atomicLines: source.mimeType === FILE_MIME_TYPES.csv }),
      )
  }
}

/** The text-search configuration for the organization's language, if this server has it. */
async function searchConfig(ctx: Ctx, language: string | undefined) {
  const wanted = ftsConfigFor(language)
  if (!FTS_CONFIG_NAMES.has(wanted)) return 'simple'
  const found = await ctx.db.execute(sql`select 1 as ok from pg_ts_config where cfgname = ${wanted}`)
  const rows = (found as unknown as { rows: unknown[] }).rows
  return rows.length > 0 ? wanted : 'simple'
}

/**
 * Builds the next generation of chunks from every source, then switches the organization to it
 * in one transaction and drops the older generations: until that commit, customers are answered
 * from the previous generation.
 */
export async function trainKnowledge({ ctx, input }: { ctx: Ctx; input: { organizationId: string } }) {
  const db = ctx.db
  const [org] = await db.select().from(organizations).where(eq(organizations.id, input.organizationId)).limit(1)
  if (!org) return { trained: false as const, reason: 'organization deleted' }
  const current = org.knowledgeGeneration
  const next = current + 1
  const setProgress = (progress: number) =>
    db
      .update(organizations)
      .set({ trainingStatus: 'training', trainingProgress: progress, trainingError: null })
      .where(eq(organizations.id, org.id))
  await setProgress(5)

  // Leftovers of an attempt that failed before switching.
  await db
    .delete(knowledgeChunks)
    .where(and(eq(knowledgeChunks.organizationId, org.id), gt(knowledgeChunks.generation, current)))

  const config = await searchConfig(ctx, org.ai.language)
  const sources = await db
    .select()
    .from(knowledgeSources)
    .where(eq(knowledgeSources.organizationId, org.id))
    .orderBy(asc(knowledgeSources.createdAt), asc(knowledgeSources.id))
  const pending = sources.flatMap((source) => sourceChunks(source, org.ai.language))
  await setProgress(15)

  let lastReported = 15
  const inserted: string[] = []
  const dropOwnChunks = async () => {
    for (let i = 0; i < inserted.length; i += 1000) {
      await db.delete(knowledgeChunks).where(inArray(knowledgeChunks.id, inserted.slice(i, i + 1000)))
    }
  }
  try {
    for (let i = 0; i < pending.length; i += INSERT_BATCH) {
      const batch = pending.slice(i, i + INSERT_BATCH)
      const rows = await db.insert(knowledgeChunks).values(
        batch.map((c, j) => ({
          organizationId: org.id,
          sourceId: c.sourceId,
          generation: next,
          position: i + j,
          heading: c.heading,
          content: c.content,
          question: c.question,
          language: config,
          // FAQ question weighs most, then the headings, then the passage itself.
          tsv: sql`setweight(to_tsvector(${config}::regconfig, ${searchableText(c.question ?? '')}), 'A') || setweight(to_tsvector(${config}::regconfig, ${searchableText(c.heading)}), 'B') || setweight(to_tsvector(${config}::regconfig, ${searchableText(c.content)}), 'C')`,
        })),
      ).returning({ id: knowledgeChunks.id })
      inserted.push(...rows.map((r) => r.id))
      // Embedded PGlite runs on this thread: let requests (and customers' answers) in between batches.
      await new Promise((resolve) => setImmediate(resolve))
      const progress = 15 + Math.floor((80 * Math.min(i + INSERT_BATCH, pending.length)) / pending.length)
      if (progress - lastReported >= 10) {
        await setProgress(progress)
        lastReported = progress
      }
    }
  } catch (err) {
    await dropOwnChunks().catch(() => {})
    throw err
  }

  const switched = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(organizations)
      .set({
        knowledgeGeneration: next,
        trainingStatus: 'trained',
        trainingProgress: 100,
        trainingError: null,
        trainedAt: new Date(),
      })
      .where(and(eq(organizations.id, org.id), eq(organizations.knowledgeGeneration, current)))
      .returning({ id: organizations.id })
    if (!row) return false
    await tx
      .delete(knowledgeChunks)
      .where(and(eq(knowledgeChunks.organizationId, org.id), ne(knowledgeChunks.generation, next)))
    return true
  })
  if (!switched) {
    // Another training (another worker process) switched first; its generation stays.
    await dropOwnChunks()
    return { trained: false as const, reason: 'superseded' }
  }
  ctx.log.info({ organizationId: org.id, generation: next, chunks: pending.length, config }, 'knowledge trained')
  return { trained: true as const, generation: next, chunks: pending.length }
}

/** Records a training that will not be retried. */
export async function markTrainingFailed({
  ctx,
  input,
}: {
  ctx: Ctx
  input: { organizationId: string; reason: string }
}) {
  await ctx.db
    .update(organizations)
    .set({ trainingStatus: 'failed', trainingError: input.reason.slice(0, 1000), trainingProgress: 0 })
    .where(eq(organizations.id, input.organizationId))
}
