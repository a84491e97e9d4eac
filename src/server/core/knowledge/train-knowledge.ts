import { and, asc, eq, gt, inArray, lt, ne, sql } from 'drizzle-orm'
import { queryRows } from '../../db/client.js'
import { knowledgeChunks, knowledgeSources, organizations } from '../../db/schema/index.js'
import { embedderFor, embedTexts } from '../../providers/ai/embed-texts.js'
import type { Ctx } from '../context.js'
import { emitEvent } from '../webhooks/emit.js'
import { FAQ_ANSWER_PLACEHOLDER } from './draft-answer.js'
import { FTS_CONFIG_NAMES, ftsConfigFor, searchableText } from './language.js'
import { profileLabelsFor } from './save-profile.js'
import { recordTermStatistics } from './term-stats.js'
import { chunkSourcesOffThread } from './text-thread.js'

// Small enough that one batch (to_tsvector on each passage) holds embedded PGlite's thread, which
// is the event loop, for a few dozen milliseconds at a time, not hundreds.
const INSERT_BATCH = 50

/** The text-search configuration for the organization's language, if this server has it. */
async function searchConfig(ctx: Ctx, language: string | undefined) {
  const wanted = ftsConfigFor(language)
  if (!FTS_CONFIG_NAMES.has(wanted)) return 'simple'
  const rows = await queryRows<{ ok: number }>(
    ctx.db,
    sql`select 1 as ok from pg_ts_config where cfgname = ${wanted}`,
  )
  return rows.length > 0 ? wanted : 'simple'
}

/**
 * Builds the next generation of chunks from every source, then switches the organization to it
 * in one transaction: until that commit, customers are answered from the previous generation.
 * The generation just replaced is kept (until the next training drops it): an answer that read
 * the organization's generation an instant before the switch still finds its passages, instead
 * of an empty knowledge base and "I don't have that information".
 */
export async function trainKnowledge({ ctx, input }: { ctx: Ctx; input: { organizationId: string } }) {
  const db = ctx.db
  const [org] = await db
    .select()
    .from(organizations)
    .where(eq(organizations.id, input.organizationId))
    .limit(1)
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
  const labels = profileLabelsFor(org.ai.language)
  // Files still being read, or that could not be read, are not knowledge yet.
  const sources = await db
    .select({
      id: knowledgeSources.id,
      kind: knowledgeSources.kind,
      title: knowledgeSources.title,
      question: knowledgeSources.question,
      content: knowledgeSources.content,
      fields: knowledgeSources.fields,
      mimeType: knowledgeSources.mimeType,
    })
    .from(knowledgeSources)
    .where(
      and(
        eq(knowledgeSources.organizationId, org.id),
        eq(knowledgeSources.status, 'ready'),
        // A drafted FAQ whose answer is still to be written never reaches customers.
        ne(knowledgeSources.content, FAQ_ANSWER_PLACEHOLDER),
      ),
    )
    .orderBy(asc(knowledgeSources.createdAt), asc(knowledgeSources.id))
  // Splitting megabytes of text is CPU work: it runs in a worker thread, never on the event loop.
  const pending = await chunkSourcesOffThread(sources, labels)
  await setProgress(15)

  // With an embedding model configured, every passage of the generation gets its vector here, so
  // it is switched to together with the full-text index. When the model fails (after its retries)
  // the training fails with the reason and the previous generation keeps answering: a generation
  // switched to without vectors would silently lose the paraphrases only vector search finds,
  // while a failed training says so on the dashboard and the job tries again.
  const embedder = embedderFor(ctx.config)
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
      const vectors = embedder ? await embedTexts(embedder, batch.map(embeddingText)) : []
      const rows = await db
        .insert(knowledgeChunks)
        .values(
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
            embedding: vectors[j] ?? null,
            embeddingModel: embedder ? embedder.label : null,
          })),
        )
        .returning({ id: knowledgeChunks.id })
      inserted.push(...rows.map((r) => r.id))
      // Embedded PGlite runs on this thread: let requests (and customers' answers) in between batches.
      await new Promise((resolve) => setImmediate(resolve))
      const progress = 15 + Math.floor((80 * Math.min(i + INSERT_BATCH, pending.length)) / pending.length)
      if (progress - lastReported >= 10) {
        await setProgress(progress)
        lastReported = progress
      }
    }
    await recordTermStatistics(ctx, { organizationId: org.id, generation: next })
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
      .where(and(eq(knowledgeChunks.organizationId, org.id), lt(knowledgeChunks.generation, current)))
    await emitEvent(
      tx,
      {
        organizationId: org.id,
        type: 'training.completed',
        data: {
          generation: next,
          sources: sources.length,
          passages: pending.length,
          trainedAt: new Date().toISOString(),
        },
      },
      ctx.jobs,
    )
    return true
  })
  if (!switched) {
    // Another training (another worker process) switched first; its generation stays.
    await dropOwnChunks()
    return { trained: false as const, reason: 'superseded' }
  }
  ctx.log.info(
    { organizationId: org.id, generation: next, chunks: pending.length, config, embeddings: embedder?.label },
    'knowledge trained',
  )
  return { trained: true as const, generation: next, chunks: pending.length }
}

/** What the embedding model reads of a passage: the FAQ question, the headings above it, its text. */
const embeddingText = (c: { question: string | null; heading: string; content: string }) =>
  [c.question, c.heading, c.content].filter(Boolean).join('\n').slice(0, 8000)

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
