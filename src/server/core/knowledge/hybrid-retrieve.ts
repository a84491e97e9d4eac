import type { LanguageModel } from 'ai'
import { sql } from 'drizzle-orm'
import { rowsOf } from '../../db/client.js'
import { type Embedder, embedderFor, embedQuery } from '../../providers/ai/embed-texts.js'
import type { Ctx } from '../context.js'
import { dbOf } from '../context.js'
import { passageOfRow, type RetrievedPassage, retrievePassages } from './retrieve-passages.js'
import { rewriteQuery } from './rewrite-query.js'
import { pgTextArray } from './term-stats.js'

/** Reciprocal rank fusion's constant: a passage's share is 1 / (k + its rank) in each list. */
export const RRF_K = 60
/** Passages each search contributes to the fusion. */
const CANDIDATES = 20
/**
 * Below both of these the first search is weak and the question is rewritten. Full text: one
 * common word in a passage's text scores about 0.1, a rare one 0.2 and more, a question matching
 * an FAQ's question over 1. Vectors: current embedding models (OpenAI's text-embedding-3 among
 * them) give a question and an unrelated passage a cosine similarity of 0.1 to 0.3, and the
 * passage that answers it more.
 */
export const WEAK_TEXT_SCORE = 0.15
const WEAK_SIMILARITY = 0.35

/**
 * The passages of one organization's current generation for a customer message when its knowledge
 * is too large to go to the model whole: full-text search (retrievePassages, unchanged) and, when
 * the generation has vectors of the configured embedding model, vector search, fused by
 * reciprocal rank. When that first search is weak (nothing found, or neither search sure), the
 * chat model rewrites the message into search terms once and both searches run again on it, all
 * results fused. Without vectors for the generation this is the full-text search alone. Only this
 * organization's chunks of this generation are ever read.
 */
export async function hybridRetrieve(
  ctx: Ctx,
  input: {
    organizationId: string
    generation: number
    message: string
    limit: number
    /** The chat model that rewrites a weak search, and the language it writes the terms in. */
    rewrite?: { model: LanguageModel; languageName: string }
  },
): Promise<RetrievedPassage[]> {
  const { organizationId, generation } = input
  const embedder = embedderFor(ctx.config)
  const vectors = embedder ? await generationVectors(ctx, organizationId, generation, embedder) : undefined
  if (!embedder || !vectors) return retrievePassages(ctx, input)

  const first = await searchBoth(ctx, { organizationId, generation, embedder, vectors }, input.message)
  const lists = [first.text, first.vector]
  const textTop = first.text[0]?.score ?? 0
  const vectorTop = first.vector[0]?.similarity ?? 0
  const weak = textTop < WEAK_TEXT_SCORE && vectorTop < WEAK_SIMILARITY
  if (weak && input.rewrite) {
    const rewritten = await rewriteQuery(ctx, { ...input.rewrite, message: input.message })
    if (rewritten) {
      const second = await searchBoth(ctx, { organizationId, generation, embedder, vectors }, rewritten)
      lists.push(second.text, second.vector)
    }
  }
  const found = lists.flat().flatMap((item) => ('content' in item ? [item] : []))
  return fused(ctx, { organizationId, generation, limit: input.limit }, lists, found)
}

interface Ranked {
  chunkId: string
}

async function searchBoth(
  ctx: Ctx,
  g: { organizationId: string; generation: number; embedder: Embedder; vectors: GenerationVectors },
  message: string,
) {
  const [text, vector] = await Promise.all([
    retrievePassages(ctx, { ...g, message, limit: CANDIDATES }),
    embedQuery(g.embedder, message)
      .then((query) => nearest(g.vectors, query, CANDIDATES))
      .catch((err: unknown) => {
        // The customer is still answered from the full-text search.
        ctx.log.warn({ err, organizationId: g.organizationId }, 'question embedding failed; full-text only')
        return []
      }),
  ])
  return { text, vector }
}

/** Fuses ranked lists (reciprocal rank fusion), best first, as passages. */
async function fused(
  ctx: Ctx,
  input: { organizationId: string; generation: number; limit: number },
  lists: Ranked[][],
  /** The passages the lists already hold in full (the full-text search's). */
  found: RetrievedPassage[],
): Promise<RetrievedPassage[]> {
  const scores = new Map<string, number>()
  for (const list of lists) {
    list.forEach((item, i) => {
      scores.set(item.chunkId, (scores.get(item.chunkId) ?? 0) + 1 / (RRF_K + i + 1))
    })
  }
  const best = [...scores.entries()].sort((a, b) => b[1] - a[1]).slice(0, input.limit)
  if (best.length === 0) return []
  const known = new Map(found.map((p) => [p.chunkId, p]))
  const missing = best.map(([id]) => id).filter((id) => !known.has(id))
  if (missing.length > 0) {
    for (const p of await passagesById(ctx, { ...input, ids: missing })) known.set(p.chunkId, p)
  }
  return best.flatMap(([id, score]) => {
    const passage = known.get(id)
    return passage ? [{ ...passage, score: Math.round(score * 10_000) / 10_000 }] : []
  })
}

async function passagesById(
  ctx: Ctx,
  input: { organizationId: string; generation: number; ids: string[] },
): Promise<RetrievedPassage[]> {
  const rows = rowsOf(
    await dbOf(ctx).execute(sql`
      select k.id, k.source_id, k.heading, k.question, k.content, s.kind, s.title
      from knowledge_chunks k
      join knowledge_sources s on s.id = k.source_id and s.organization_id = k.organization_id
      where k.organization_id = ${input.organizationId} and k.generation = ${input.generation}
        and k.id = any (${pgTextArray(input.ids)}::text[])
    `),
  )
  return rows.map(passageOfRow)
}

/** The unit vectors of one generation, row by row in one array. */
interface GenerationVectors {
  ids: string[]
  dimensions: number
  values: Float32Array
}

/**
 * The generation's vectors stay in memory: a generation never changes once switched to, and a
 * dot product over every passage in memory (10,000 passages of 1,536 dimensions: about 15 million
 * multiplications, a few milliseconds) is faster than any query without a vector index. The cache
 * is bounded by the floats it holds; a generation larger than the bound is read for each question.
 */
const MAX_CACHED_FLOATS = 16_000_000
const vectorCache = new Map<string, GenerationVectors | null>()
let cachedFloats = 0

async function generationVectors(
  ctx: Ctx,
  organizationId: string,
  generation: number,
  embedder: Embedder,
): Promise<GenerationVectors | undefined> {
  if (generation <= 0) return undefined
  const key = `${organizationId}:${generation}:${embedder.label}`
  const cached = vectorCache.get(key)
  if (cached !== undefined) {
    vectorCache.delete(key)
    vectorCache.set(key, cached)
    return cached ?? undefined
  }
  // Vectors of another model (the setting changed since training) cannot be compared with the
  // question's: that generation is searched by full text until it is retrained.
  const rows = rowsOf(
    await dbOf(ctx).execute(sql`
      select id, embedding from knowledge_chunks
      where organization_id = ${organizationId} and generation = ${generation}
        and embedding_model = ${embedder.label} and embedding is not null
      order by position
    `),
  )
  const first = rows[0]?.embedding
  const dimensions = Array.isArray(first) ? first.length : 0
  let loaded: GenerationVectors | null = null
  if (dimensions > 0) {
    const usable = rows.filter((r) => Array.isArray(r.embedding) && r.embedding.length === dimensions)
    const values = new Float32Array(usable.length * dimensions)
    usable.forEach((r, i) => {
      const vector = r.embedding as unknown[]
      for (let d = 0; d < dimensions; d++) values[i * dimensions + d] = Number(vector[d])
    })
    loaded = { ids: usable.map((r) => String(r.id)), dimensions, values }
  }
  const floats = loaded?.values.length ?? 0
  if (floats <= MAX_CACHED_FLOATS) {
    vectorCache.set(key, loaded)
    cachedFloats += floats
    for (const [oldKey, old] of vectorCache) {
      if (cachedFloats <= MAX_CACHED_FLOATS && vectorCache.size <= 5000) break
      vectorCache.delete(oldKey)
      cachedFloats -= old?.values.length ?? 0
    }
  }
  return loaded ?? undefined
}

/** The `limit` passages nearest to the query (cosine similarity of unit vectors), best first. */
function nearest(vectors: GenerationVectors, query: number[], limit: number) {
  if (query.length !== vectors.dimensions) return []
  const { dimensions, values } = vectors
  const q = Float32Array.from(query)
  const top: { chunkId: string; similarity: number }[] = []
  for (let i = 0; i < vectors.ids.length; i++) {
    let dot = 0
    const offset = i * dimensions
    for (let d = 0; d < dimensions; d++) dot += (values[offset + d] ?? 0) * (q[d] ?? 0)
    const worst = top.at(-1)
    if (top.length < limit || (worst && dot > worst.similarity)) {
      top.push({ chunkId: vectors.ids[i] ?? '', similarity: dot })
      top.sort((a, b) => b.similarity - a.similarity)
      if (top.length > limit) top.pop()
    }
  }
  return top
}
