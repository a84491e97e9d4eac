import { sql } from 'drizzle-orm'
import type { Ctx } from '../context.js'
import { dbOf } from '../context.js'
import { searchableText } from './language.js'

export interface RetrievedPassage {
  chunkId: string
  sourceId: string
  sourceKind: 'profile' | 'faq' | 'text' | 'file'
  /** The source's title, or the headings above the passage when it has them. */
  title: string
  heading: string
  question: string | null
  content: string
  score: number
}

/** Words of the customer's message, for an OR query: customers write sentences, not keywords. */
export function queryWords(message: string): string[] {
  const words = (searchableText(message).toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter(
    (w) => w !== 'or' && w.length < 60,
  )
  return [...new Set(words)].slice(0, 64)
}

const rowsOf = (result: unknown) => (result as { rows: Record<string, unknown>[] }).rows

/**
 * Term statistics of one knowledge generation: its text-search configuration, its number of
 * passages and, per lexeme asked so far, how many passages contain it. A generation never
 * changes once switched to (retraining makes a new one), so this is cached per process.
 */
interface GenerationStats {
  config: string
  total: number
  df: Map<string, number>
}

const MAX_CACHED_GENERATIONS = 500
const MAX_CACHED_LEXEMES = 20_000
const statsCache = new Map<string, GenerationStats>()

async function generationStats(ctx: Ctx, organizationId: string, generation: number) {
  const key = `${organizationId}:${generation}`
  const cached = statsCache.get(key)
  if (cached) {
    // Most recently used last, so the oldest entry is evicted first.
    statsCache.delete(key)
    statsCache.set(key, cached)
    return cached
  }
  const [row] = rowsOf(
    await dbOf(ctx).execute(sql`
      select min(language) as config, count(*)::int as total from knowledge_chunks
      where organization_id = ${organizationId} and generation = ${generation}
    `),
  )
  if (!row?.config) return undefined
  const stats: GenerationStats = { config: String(row.config), total: Number(row.total), df: new Map() }
  statsCache.set(key, stats)
  if (statsCache.size > MAX_CACHED_GENERATIONS) statsCache.delete(statsCache.keys().next().value as string)
  return stats
}

/** Lexemes of the message in the generation's configuration, with their document frequencies. */
async function lexemeFrequencies(ctx: Ctx, input: { organizationId: string; generation: number }, stats: GenerationStats, text: string) {
  const [row] = rowsOf(
    await dbOf(ctx).execute(
      sql`select tsvector_to_array(to_tsvector(${stats.config}::regconfig, ${text})) as lexemes`,
    ),
  )
  // A backslash would need escaping inside a tsquery literal; no real word has one.
  const lexemes = ((row?.lexemes as string[] | null) ?? []).filter((l) => !l.includes('\\'))
  const missing = lexemes.filter((l) => !stats.df.has(l))
  if (missing.length > 0) {
    const counted = rowsOf(
      await dbOf(ctx).execute(sql`
        select l.lexeme, (
          select count(*)::int from knowledge_chunks k
          where k.organization_id = ${input.organizationId} and k.generation = ${input.generation}
            and k.tsv @@ quote_literal(l.lexeme)::tsquery
        ) as df
        from unnest(${pgArray(missing)}::text[]) as l(lexeme)
      `),
    )
    if (stats.df.size > MAX_CACHED_LEXEMES) stats.df.clear()
    for (const r of counted) stats.df.set(String(r.lexeme), Number(r.df))
  }
  return lexemes.map((lexeme) => ({ lexeme, df: stats.df.get(lexeme) ?? 0 })).filter((l) => l.df > 0)
}

/**
 * The best passages of one organization's current knowledge generation for a customer message:
 * full-text search in the language the chunks were indexed with, any word matching (OR), each
 * word weighed by its rarity in this knowledge base (BM25's idf: "104" in "walnut lamp model 104"
 * counts for more than "model", which every passage contains) times ts_rank with FAQ questions
 * weighing most, then re-ranked by how much of an FAQ's question the message covers. Only this
 * organization's chunks are ever read.
 */
export async function retrievePassages(
  ctx: Ctx,
  input: { organizationId: string; generation: number; message: string; limit?: number },
): Promise<RetrievedPassage[]> {
  const limit = input.limit ?? 4
  const words = queryWords(input.message)
  if (words.length === 0 || input.generation <= 0) return []
  const stats = await generationStats(ctx, input.organizationId, input.generation)
  if (!stats) return []
  const terms = await lexemeFrequencies(ctx, input, stats, words.join(' '))
  if (terms.length === 0) return []
  const weighted = terms.map((t) => ({
    ...t,
    idf: Math.log(1 + (stats.total - t.df + 0.5) / (t.df + 0.5)),
  }))
  // Passages are selected by the words that discriminate; a word found in most passages of a
  // large knowledge base still counts in the score but does not select passages.
  const common = Math.max(0.5 * stats.total, 20)
  const selective = weighted.filter((t) => t.df <= common)
  const selecting = selective.length > 0 ? selective : weighted
  const result = await dbOf(ctx).execute(
    retrievalQuery({
      organizationId: input.organizationId,
      generation: input.generation,
      lexemes: weighted.map((t) => t.lexeme),
      idfs: weighted.map((t) => t.idf),
      selecting: selecting.map((t) => t.lexeme),
      limit: limit * 5,
    }),
  )
  return rankRows(rowsOf(result), new Set(weighted.map((t) => t.lexeme)), limit)
}

const tsqueryLiteral = (lexemes: string[]) => lexemes.map((l) => `'${l.replace(/'/g, "''")}'`).join(' | ')
const pgArray = (values: string[]) => `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`

/** The ranking query (exported for EXPLAIN in benchmarks). */
export function retrievalQuery(input: {
  organizationId: string
  generation: number
  lexemes: string[]
  idfs: number[]
  selecting: string[]
  limit: number
}) {
  return sql`
    with w as (
      select quote_literal(t.lexeme)::tsquery as q, t.idf
      from unnest(${pgArray(input.lexemes)}::text[], ${`{${input.idfs.join(',')}}`}::float8[]) as t(lexeme, idf)
    )
    select k.id, k.source_id, k.heading, k.question, k.content, s.kind, s.title,
           (select sum(w.idf * ts_rank('{0.1, 0.2, 0.4, 1.0}', k.tsv, w.q, 1)) from w) as rank,
           case when k.question is null then null
                else tsvector_to_array(ts_filter(k.tsv, '{a}')) end as question_lexemes
    from knowledge_chunks k
    join knowledge_sources s on s.id = k.source_id and s.organization_id = k.organization_id
    where k.organization_id = ${input.organizationId}
      and k.generation = ${input.generation}
      and k.tsv @@ ${tsqueryLiteral(input.selecting)}::tsquery
    order by rank desc, k.position asc
    limit ${input.limit}
  `
}

function rankRows(rows: Record<string, unknown>[], messageLexemes: Set<string>, limit: number): RetrievedPassage[] {
  const scored = rows.map((r) => {
    const rank = Number(r.rank)
    const questionLexemes = (r.question_lexemes as string[] | null) ?? null
    // Share of the FAQ question's words the customer used: "are you open on sunday" vs "Open on Sundays?".
    const coverage =
      questionLexemes && questionLexemes.length > 0
        ? questionLexemes.filter((l) => messageLexemes.has(l)).length / questionLexemes.length
        : 0
    const heading = String(r.heading ?? '')
    return {
      chunkId: String(r.id),
      sourceId: String(r.source_id),
      sourceKind: r.kind as RetrievedPassage['sourceKind'],
      title: heading || String(r.title ?? ''),
      heading,
      question: (r.question as string | null) ?? null,
      content: String(r.content),
      score: Math.round((rank + 0.5 * coverage) * 10_000) / 10_000,
    }
  })
  scored.sort((a, b) => b.score - a.score)
  return scored.slice(0, limit)
}
