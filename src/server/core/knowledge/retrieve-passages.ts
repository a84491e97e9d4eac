import { sql } from 'drizzle-orm'
import { rowsOf } from '../../db/client.js'
import type { Ctx } from '../context.js'
import { dbOf } from '../context.js'
import { COMMON_WORDS } from './common-words.js'
import { conceptLexemes } from './concept-lexemes.js'
import { FRAMING_WORDS } from './intents.js'
import { searchableText } from './language.js'
import { backfillTermStatistics, pgTextArray, RANK_WEIGHTS } from './term-stats.js'

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
  const words = (
    searchableText(message)
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).filter((w) => w !== 'or' && w.length < 60)
  return [...new Set(words)].slice(0, 64)
}

/**
 * The text-search configuration and number of passages of one knowledge generation. A generation
 * never changes once switched to (retraining makes a new one), so this is cached per process.
 */
interface GenerationStats {
  config: string
  total: number
}

const MAX_CACHED_GENERATIONS = 500
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
      select min(language) as config, count(*)::int as total,
             exists (select 1 from knowledge_terms t
                     where t.organization_id = ${organizationId} and t.generation = ${generation}) as has_terms
      from knowledge_chunks
      where organization_id = ${organizationId} and generation = ${generation}
    `),
  )
  if (!row?.config) return undefined
  // A generation trained before term statistics were recorded gets them now, once.
  if (!row.has_terms) await backfillTermStatistics(ctx, { organizationId, generation })
  const stats: GenerationStats = { config: String(row.config), total: Number(row.total) }
  statsCache.set(key, stats)
  if (statsCache.size > MAX_CACHED_GENERATIONS) statsCache.delete(statsCache.keys().next().value as string)
  return stats
}

interface Term {
  lexeme: string
  /** Passages containing it. */
  df: number
  /** BM25's inverse document frequency in this generation. */
  idf: number
  /** For a word in many passages, the BEST_PASSAGES where it alone ranks highest. */
  best: string[] | null
}

/** Lexemes of the message in the generation's configuration that its passages contain, with their statistics. */
async function messageTerms(
  ctx: Ctx,
  input: { organizationId: string; generation: number },
  stats: GenerationStats,
  text: string,
) {
  // One index lookup per word (the `offset 0` keeps it so whatever the table's statistics say).
  const rows = rowsOf(
    await dbOf(ctx).execute(sql`
      select l.lexeme, t.df, t.best
      from unnest(tsvector_to_array(to_tsvector(${stats.config}::regconfig, ${text}))) with ordinality as l(lexeme, n),
        lateral (
          select df, best from knowledge_terms t
          where t.organization_id = ${input.organizationId} and t.generation = ${input.generation} and t.lexeme = l.lexeme
          offset 0
        ) t
      order by l.n
    `),
  )
  return (
    rows
      // A backslash would need escaping inside a tsquery literal; no real word has one.
      .filter((r) => !String(r.lexeme).includes('\\'))
      .map((r): Term => {
        const df = Number(r.df)
        const idf = Math.log(1 + (stats.total - df + 0.5) / (df + 0.5))
        return { lexeme: String(r.lexeme), df, idf, best: (r.best as string[] | null) ?? null }
      })
  )
}

/** Passages ranked for the message's rarest words: all of theirs, up to about this many. */
const RARE_WORD_PASSAGES = 500
/** Passages ranked for the two weightiest other words together, at most. */
const PAIR_PASSAGES = 500

/**
 * The best passages of one organization's current knowledge generation for a customer message:
 * full-text search in the language the chunks were indexed with, any word matching (OR), each
 * word weighed by its rarity in this knowledge base (BM25's idf: "104" in "walnut lamp model 104"
 * counts for more than "model", which every passage contains) times ts_rank with FAQ questions
 * weighing most, then re-ranked by how much of an FAQ's question the message covers. Only this
 * organization's chunks are ever read.
 *
 * The rank does not touch every matching passage, only a bounded set of candidates, found with
 * the generation's term statistics (term-stats.ts): every passage of the message's rarest words
 * (up to RARE_WORD_PASSAGES), and for each other word the BEST_PASSAGES where it alone ranks
 * highest, plus the passages holding both of the two weightiest of those words ("red" and "lamp"
 * in "red lamp", up to PAIR_PASSAGES). A small knowledge base ranks every match; a large one can
 * only miss passages made of common words, none rare, in none of their best passages.
 */
export async function retrievePassages(
  ctx: Ctx,
  input: { organizationId: string; generation: number; message: string; limit?: number },
): Promise<RetrievedPassage[]> {
  const limit = input.limit ?? 4
  const planned = await planRetrieval(ctx, input)
  if (!planned) return []
  const rows = rowsOf(await dbOf(ctx).execute(retrievalQuery({ ...input, ...planned, limit: limit * 5 })))
  return rankRows(rows, new Set(planned.terms.map((t) => t.lexeme)), limit)
}

interface Plan {
  /** Every word of the message found in the knowledge base: each counts in the rank. */
  terms: Term[]
  /** Words all of whose passages are candidates. */
  all: Term[]
  /** Candidates by id: the best passages of the other words. */
  best: string[]
  /** Passages holding both of these words are candidates. */
  pair: [Term, Term] | null
}

async function planRetrieval(
  ctx: Ctx,
  input: { organizationId: string; generation: number; message: string },
): Promise<Plan | undefined> {
  const words = queryWords(input.message)
  if (words.length === 0 || input.generation <= 0) return undefined
  const stats = await generationStats(ctx, input.organizationId, input.generation)
  if (!stats) return undefined
  const terms = await messageTerms(ctx, input, stats, words.join(' '))
  if (terms.length === 0) return undefined
  // Passages are selected by the words that discriminate; a word found in most passages of a
  // large knowledge base still counts in the score but does not select passages.
  const common = Math.max(0.5 * stats.total, 20)
  const selective = terms.filter((t) => t.df <= common)
  const selecting = [...(selective.length > 0 ? selective : terms)].sort((a, b) => a.df - b.df)
  const all: Term[] = []
  const others: Term[] = []
  let passages = 0
  for (const t of selecting) {
    if (passages + t.df <= RARE_WORD_PASSAGES || !t.best) {
      all.push(t)
      passages += t.df
    } else others.push(t)
  }
  const best = [...new Set(others.flatMap((t) => t.best ?? []))]
  // Both of the two rarest other words (a passage about both may be in neither's best).
  const [first, second] = others
  const pair: Plan['pair'] = first && second ? [first, second] : null
  return { terms, all, best, pair }
}

/** The ranking query's plan, run (EXPLAIN ANALYZE, BUFFERS): for benchmarks. */
export async function explainRetrieval(
  ctx: Ctx,
  input: { organizationId: string; generation: number; message: string; limit?: number },
): Promise<string> {
  const planned = await planRetrieval(ctx, input)
  if (!planned) return '(no query)'
  const query = retrievalQuery({ ...input, ...planned, limit: (input.limit ?? 4) * 5 })
  const result = await dbOf(ctx).execute(sql`explain (analyze, buffers) ${query}`)
  return [
    `terms: ${planned.terms.map((t) => `${t.lexeme} (df ${t.df})`).join(', ')}`,
    `all passages of: ${planned.all.map((t) => t.lexeme).join(', ') || '-'}; best passages: ${planned.best.length}; pair: ${planned.pair?.map((t) => t.lexeme).join(' & ') ?? '-'}`,
    ...rowsOf(result).map((r) => String(r['QUERY PLAN'])),
  ].join('\n')
}

const tsqueryWord = (t: Term) => `'${t.lexeme.replace(/'/g, "''")}'`

/** Ranks the candidates of a plan, best first. */
function retrievalQuery(input: { organizationId: string; generation: number; limit: number } & Plan) {
  const ids = [
    ...(input.best.length > 0 ? [sql`${pgTextArray(input.best)}::text[]`] : []),
    ...(input.pair
      ? [
          sql`array(select id from knowledge_chunks
                    where organization_id = ${input.organizationId} and generation = ${input.generation}
                      and tsv @@ ${`${tsqueryWord(input.pair[0])} & ${tsqueryWord(input.pair[1])}`}::tsquery
                    limit ${PAIR_PASSAGES})`,
        ]
      : []),
  ]
  // One bitmap scan: passages of the rare words, or among the ids.
  const candidates = [
    ...(input.all.length > 0 ? [sql`k.tsv @@ ${input.all.map(tsqueryWord).join(' | ')}::tsquery`] : []),
    ...(ids.length > 0 ? [sql`k.id = any (${sql.join(ids, sql` || `)})`] : []),
  ]
  const rank = sql.join(
    input.terms.map(
      (t) => sql`${t.idf}::float8 * ts_rank(${RANK_WEIGHTS}::float4[], k.tsv, ${tsqueryWord(t)}::tsquery, 1)`,
    ),
    sql` + `,
  )
  return sql`
    select k.id, k.source_id, k.position, k.heading, k.question, k.content, s.kind, s.title,
           ${rank} as rank,
           case when k.question is null then null
                else tsvector_to_array(ts_filter(k.tsv, '{a}')) end as question_lexemes
    from knowledge_chunks k
    join knowledge_sources s on s.id = k.source_id and s.organization_id = k.organization_id
    where k.organization_id = ${input.organizationId} and k.generation = ${input.generation}
      and (${sql.join(candidates, sql` or `)})
    order by rank desc, k.position asc
    limit ${input.limit}
  `
}

function rankRows(
  rows: Record<string, unknown>[],
  messageLexemes: Set<string>,
  limit: number,
): RetrievedPassage[] {
  const scored = rows.map((r) => {
    const rank = Number(r.rank)
    const questionLexemes = (r.question_lexemes as string[] | null) ?? null
    // Share of the FAQ question's words the customer used: "are you open on sunday" vs "Open on Sundays?".
    const coverage =
      questionLexemes && questionLexemes.length > 0
        ? questionLexemes.filter((l) => messageLexemes.has(l)).length / questionLexemes.length
        : 0
    return {
      ...passageOfRow(r),
      score: Math.round((rank + 0.5 * coverage) * 10_000) / 10_000,
    }
  })
  scored.sort((a, b) => b.score - a.score)
  return scored.slice(0, limit)
}

/** A passage with its lexemes, for the built-in responder's own ranking. */
export interface ResponderCandidate extends RetrievedPassage {
  lexemes: string[]
}

/** One word of the question: its lexemes, those of its everyday synonyms, and its weight. */
export interface QuestionSlot {
  word: string
  own: string[]
  /** Each synonym's lexemes ("gift card" → gift, card): a passage holding all of one has the synonym. */
  synonyms: string[][]
  /**
   * BM25's idf of the word in this generation. A word the knowledge base lacks, with no synonym
   * it has, weighs as a rare one: it is most likely what the question is about (out of scope).
   */
  idf: number
  /** 1 for what the question is about; less for its intent words ("hours", "how much"). */
  weight: number
}

/** A word the knowledge base lacks weighs this share of the idf of a word found in no passage. */
export const UNKNOWN_WORD_IDF = 0.45
/** Knowledge bases of at most this many passages give the built-in responder every passage to rank. */
const RANK_WHOLE_UP_TO = 300
/** The weight of an everyday verb of the question (COMMON_WORDS): like an intent word's, it only breaks ties. */
const COMMON_WORD_WEIGHT = 0.5

/**
 * Candidates for the built-in responder: the passages retrieved for the question's words and
 * their synonyms, plus every passage of the business profile (the address, the hours and the
 * contact answer "where", "when" and "how do I reach you"), each with its lexemes; and the
 * question's words in the generation's text-search configuration, weighed by rarity. Only this
 * organization's current generation is read.
 */
export async function searchForResponder(
  ctx: Ctx,
  input: {
    organizationId: string
    generation: number
    /**
     * Words of the question, each with its everyday synonyms (phrases separated by commas) and a
     * weight (1 for what the question is about; less for its intent words, which only break ties).
     */
    words: { word: string; synonyms: string; weight?: number }[]
    limit?: number
  },
): Promise<{ candidates: ResponderCandidate[]; slots: QuestionSlot[] }> {
  const { organizationId, generation } = input
  if (generation <= 0) return { candidates: [], slots: [] }
  const stats = await generationStats(ctx, organizationId, generation)
  if (!stats) return { candidates: [], slots: [] }
  const idfOf = (df: number) => Math.log(1 + (stats.total - df + 0.5) / (df + 0.5))
  // Every text to turn into lexemes: each word, then each of its synonyms, with its slot.
  // The last text is the language's everyday verbs, whose lexemes mark a word as wording only.
  const texts: { slot: number; synonym: boolean; text: string }[] = input.words.flatMap((w, slot) => [
    { slot, synonym: false, text: searchableText(w.word) },
    ...w.synonyms
      .split(',')
      .map((phrase) => phrase.trim())
      .filter(Boolean)
      .map((phrase) => ({ slot, synonym: true, text: searchableText(phrase) })),
  ])
  texts.push({ slot: -1, synonym: false, text: `${COMMON_WORDS[stats.config] ?? ''} ${FRAMING_WORDS}` })
  const lexemeRows =
    texts.length === 0
      ? []
      : rowsOf(
          await dbOf(ctx).execute(sql`
            select w.i::int as i, l.lexeme, coalesce(t.df, 0)::int as df
            from unnest(${pgTextArray(texts.map((t) => t.text))}::text[]) with ordinality as w(text, i),
              unnest(tsvector_to_array(to_tsvector(${stats.config}::regconfig, w.text))) as l(lexeme)
              left join knowledge_terms t
                on t.organization_id = ${organizationId} and t.generation = ${generation} and t.lexeme = l.lexeme
          `),
        )
  const slots: QuestionSlot[] = input.words.map((w) => ({
    word: w.word,
    own: [],
    synonyms: [],
    idf: 0,
    weight: w.weight ?? 1,
  }))
  const dfs = new Map<string, number>()
  const phrases = new Map<number, string[]>()
  const common = new Set<string>()
  for (const r of lexemeRows) {
    const i = Number(r.i) - 1
    const text = texts[i]
    if (text?.slot === -1) {
      common.add(String(r.lexeme))
      continue
    }
    const slot = text && slots[text.slot]
    if (!text || !slot) continue
    const lexeme = String(r.lexeme)
    dfs.set(lexeme, Number(r.df))
    if (!text.synonym) slot.own.push(lexeme)
    else phrases.set(i, [...(phrases.get(i) ?? []), lexeme])
  }
  for (const [i, lexemes] of phrases) {
    const text = texts[i]
    const slot = text && slots[text.slot]
    // The customer's own word already says it.
    if (slot && !lexemes.every((l) => slot.own.includes(l))) slot.synonyms.push(lexemes)
  }
  // The concepts of each word in any form the stemmer folds together ("guardo" → "guardar").
  const concepts = await conceptLexemes(ctx, stats.config)
  for (const slot of slots) {
    const [own, ...more] = slot.own
    if (!own || more.length > 0) continue
    const have = new Set([slot.own, ...slot.synonyms].map((p) => p.join(' ')))
    for (const index of concepts.byLexeme.get(own) ?? [])
      for (const phrase of concepts.phrases[index] ?? []) {
        const key = phrase.join(' ')
        if (have.has(key)) continue
        have.add(key)
        slot.synonyms.push(phrase)
      }
  }
  const unseen = [...new Set(slots.flatMap((s) => s.synonyms.flat()))].filter((l) => !dfs.has(l))
  if (unseen.length > 0) {
    const rows = rowsOf(
      await dbOf(ctx).execute(sql`
        select lexeme, df from knowledge_terms
        where organization_id = ${organizationId} and generation = ${generation}
          and lexeme = any (${pgTextArray(unseen)}::text[])
      `),
    )
    for (const l of unseen) dfs.set(l, 0)
    for (const r of rows) dfs.set(String(r.lexeme), Number(r.df))
  }
  // "leave" in "where do I leave my car?" says how, not what: it weighs as an intent word does.
  for (const slot of slots)
    if (
      slot.weight >= 1 &&
      slot.synonyms.length === 0 &&
      slot.own.length > 0 &&
      slot.own.every((l) => common.has(l))
    )
      slot.weight = COMMON_WORD_WEIGHT
  const known = (l: string) => (dfs.get(l) ?? 0) > 0
  // A phrase is as rare as its rarest word.
  const phraseIdf = (lexemes: string[]) => Math.max(...lexemes.map((l) => idfOf(dfs.get(l) ?? 0)))
  const unknownIdf = UNKNOWN_WORD_IDF * idfOf(0)
  for (const slot of slots) {
    const own = slot.own.filter(known)
    const synonyms = slot.synonyms.filter((p) => p.every(known))
    slot.idf =
      own.length > 0
        ? Math.max(...own.map((l) => idfOf(dfs.get(l) ?? 0)))
        : synonyms.length > 0
          ? Math.max(...synonyms.map(phraseIdf))
          : unknownIdf
  }
  const searched = slots.filter((s) => s.own.length > 0 || s.synonyms.length > 0)

  // The customer's own words first: a long list of synonyms must not push them out of the query.
  const message = [...input.words.map((w) => w.word), ...input.words.map((w) => w.synonyms)].join(' ')
  const retrieved = message.trim()
    ? await retrievePassages(ctx, { organizationId, generation, message, limit: input.limit ?? 20 })
    : []
  const scores = new Map(retrieved.map((p) => [p.chunkId, p.score]))
  const profile = await profilePassages(ctx, organizationId, generation)
  const profileIds = new Set(profile.map((p) => p.chunkId))
  const ids = retrieved.map((p) => p.chunkId).filter((id) => !profileIds.has(id))
  // A small knowledge base is ranked whole: a passage the customer's words reach only through a
  // form its stemmer does not fold ("annuler" / "annulee") is still a candidate.
  const whole = stats.total <= RANK_WHOLE_UP_TO
  const rows =
    ids.length === 0 && !whole
      ? []
      : rowsOf(
          await dbOf(ctx).execute(sql`
            select k.id, k.source_id, k.heading, k.question, k.content, s.kind, s.title,
                   tsvector_to_array(k.tsv) as lexemes
            from knowledge_chunks k
            join knowledge_sources s on s.id = k.source_id and s.organization_id = k.organization_id
            where k.organization_id = ${organizationId} and k.generation = ${generation}
              and ${whole ? sql`s.kind <> 'profile'` : sql`k.id = any (${pgTextArray(ids)}::text[])`}
          `),
        )
  const candidates = [
    ...profile.map((p) => ({ ...p, score: scores.get(p.chunkId) ?? 0 })),
    ...rows.map(candidateOf).map((c) => ({ ...c, score: scores.get(c.chunkId) ?? 0 })),
  ]
  return { candidates, slots: searched }
}

/**
 * A passage from a row of `knowledge_chunks` joined with its source (columns id, source_id, kind,
 * title, heading, question, content), scored 0: the one place a raw chunk row becomes a passage.
 */
export function passageOfRow(r: Record<string, unknown>): RetrievedPassage {
  const heading = String(r.heading ?? '')
  return {
    chunkId: String(r.id),
    sourceId: String(r.source_id),
    sourceKind: r.kind as RetrievedPassage['sourceKind'],
    title: heading || String(r.title ?? ''),
    heading,
    question: (r.question as string | null) ?? null,
    content: String(r.content),
    score: 0,
  }
}

function candidateOf(r: Record<string, unknown>): ResponderCandidate {
  return { ...passageOfRow(r), lexemes: (r.lexemes as string[] | null) ?? [] }
}

/** The profile's passages of a generation (a generation never changes: cached per process). */
const profileCache = new Map<string, ResponderCandidate[]>()

async function profilePassages(ctx: Ctx, organizationId: string, generation: number) {
  const key = `${organizationId}:${generation}`
  const cached = profileCache.get(key)
  if (cached) return cached
  const rows = rowsOf(
    await dbOf(ctx).execute(sql`
      select k.id, k.source_id, k.heading, k.question, k.content, s.kind, s.title,
             tsvector_to_array(k.tsv) as lexemes
      from knowledge_sources s
      join knowledge_chunks k on k.source_id = s.id and k.organization_id = s.organization_id
      where s.organization_id = ${organizationId} and s.kind = 'profile' and k.generation = ${generation}
      order by k.position
    `),
  )
  const passages = rows.map(candidateOf)
  profileCache.set(key, passages)
  if (profileCache.size > MAX_CACHED_GENERATIONS) {
    const oldest = profileCache.keys().next().value
    if (oldest !== undefined) profileCache.delete(oldest)
  }
  return passages
}
