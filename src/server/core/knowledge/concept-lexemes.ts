import { sql } from 'drizzle-orm'
import { rowsOf } from '../../db/client.js'
import type { Ctx } from '../context.js'
import { dbOf } from '../context.js'
import { CONCEPTS } from './concepts.js'
import { searchableText } from './language.js'
import { pgTextArray } from './term-stats.js'

// The everyday concepts (concepts.ts) as lexemes of a text-search configuration, so that a
// customer's word meets its concept in any form the language's stemmer folds together ("guardo"
// and "guardar", "annulée" and "annuler"), not only in the forms the lexicon lists.

interface ConceptLexemes {
  /** A lexeme of one of the configuration language's single-word terms → its concepts. */
  byLexeme: Map<string, number[]>
  /** Each concept's terms (every language) as lexemes; a passage holding all of one has the term. */
  phrases: string[][][]
}

/** The lexicon's language for a configuration; other configurations meet concepts by exact words only. */
const LANGUAGE_OF_CONFIG: Record<string, 'en' | 'fr' | 'es'> = {
  english: 'en',
  french: 'fr',
  spanish: 'es',
}

const cache = new Map<string, ConceptLexemes>()

export async function conceptLexemes(ctx: Ctx, config: string): Promise<ConceptLexemes> {
  const cached = cache.get(config)
  if (cached) return cached
  const terms = CONCEPTS.flatMap((concept, index) =>
    (['en', 'fr', 'es'] as const).flatMap((language) =>
      concept[language].map((term) => ({ index, language, term })),
    ),
  )
  const rows = rowsOf(
    await dbOf(ctx).execute(sql`
      select w.i::int as i, tsvector_to_array(to_tsvector(${config}::regconfig, w.text)) as lexemes
      from unnest(${pgTextArray(terms.map((t) => searchableText(t.term)))}::text[]) with ordinality as w(text, i)
    `),
  )
  const language = LANGUAGE_OF_CONFIG[config]
  const phrases: string[][][] = CONCEPTS.map(() => [])
  const byLexeme = new Map<string, number[]>()
  for (const r of rows) {
    const term = terms[Number(r.i) - 1]
    const lexemes = (r.lexemes as string[] | null) ?? []
    if (!term || lexemes.length === 0) continue
    phrases[term.index]?.push(lexemes)
    const [only] = lexemes
    if (term.language === language && lexemes.length === 1 && only && /^[a-z0-9]+$/.test(term.term)) {
      const list = byLexeme.get(only) ?? []
      if (!list.includes(term.index)) list.push(term.index)
      byLexeme.set(only, list)
    }
  }
  const built = { byLexeme, phrases }
  cache.set(config, built)
  return built
}
