import { type SQL, sql } from 'drizzle-orm'
import { queryRows, type Tx } from '../../db/client.js'
import { readEncrypted } from '../../db/encrypted-columns.js'
import { COMMON_WORDS } from '../knowledge/common-words.js'
import { FRAMING_WORDS } from '../knowledge/intents.js'
import { searchableText } from '../knowledge/language.js'
import { pgTextArray } from '../knowledge/term-stats.js'

export const TOP_TOPICS = 10
/**
 * Questions read for the word fallback: the most recent ones. Bodies are encrypted at rest, so
 * their words can only be counted after decrypting them here; a sample keeps a year of a busy
 * number from being read whole.
 */
export const WORD_SAMPLE = 2_000
const MIN_WORD_LENGTH = 3

export interface Topic {
  topic: string
  /** `passage`: the title of the knowledge passage the answer relied on most; `word`: a frequent word. */
  kind: 'passage' | 'word'
  count: number
}

/**
 * What customers asked about in the range. A question the AI answered from the knowledge counts
 * once, under the title of its best passage (answer_scores.passages, highest score). The other
 * questions (unanswered, handed over, answered without passages, the first messages of a burst
 * answered as one) count under their content words: the words of the knowledge base's
 * text-search language minus its stop words, the everyday verbs of common-words.ts and the
 * framing words of intents.ts; a word counts once per question, shown in its most frequent form.
 */
export async function topTopics(
  db: Tx,
  input: { inRange: SQL; textSearchConfig: string; limit?: number },
): Promise<Topic[]> {
  const limit = input.limit ?? TOP_TOPICS
  const titles = await queryRows<{ title: string; n: number }>(
    db,
    sql`
    with ${input.inRange}
    select best.title, count(*)::int as n
    from m a
    join answer_scores s on s.message_id = a.id
    cross join lateral (
      select p->>'title' as title
      from jsonb_array_elements(s.passages) with ordinality as e(p, i)
      order by (p->>'score')::float8 desc nulls last, i
      limit 1
    ) best
    where a.source = 'ai' and coalesce(best.title, '') <> ''
    group by best.title`,
  )
  const bodies = await queryRows<{ body: string }>(
    db,
    sql`
    with ${input.inRange}
    select b.body
    from m q join messages b on b.id = q.id
    where q.source = 'customer'
      and not exists (
        select 1 from messages r join answer_scores s on s.message_id = r.id
        where r.reply_to_id = q.id and r.source = 'ai' and jsonb_array_length(s.passages) > 0
      )
    order by q.created_at desc
    limit ${WORD_SAMPLE}`,
  )
  const words = await wordTopics(
    db,
    bodies.map((b) => readEncrypted(b.body)),
    input.textSearchConfig,
  )
  return [...titles.map((t): Topic => ({ topic: t.title, kind: 'passage', count: Number(t.n) })), ...words]
    .sort((a, b) => b.count - a.count || a.topic.localeCompare(b.topic))
    .slice(0, limit)
}

/** Content words by the number of questions holding them (one lexeme, one topic). */
async function wordTopics(db: Tx, texts: string[], config: string): Promise<Topic[]> {
  const perText = texts.map(
    (text) =>
      new Set(
        (searchableText(text.toLowerCase()).match(/\p{L}[\p{L}\p{N}]*/gu) ?? []).filter(
          (w) => w.length >= MIN_WORD_LENGTH,
        ),
      ),
  )
  const distinct = [...new Set(perText.flatMap((s) => [...s]))]
  if (distinct.length === 0) return []
  // Stop words give no lexeme; wording words are dropped by lexeme, so every conjugation goes.
  const wording = `${COMMON_WORDS[config] ?? ''} ${FRAMING_WORDS}`
  const rows = await queryRows<{ word: string; lexeme: string }>(
    db,
    sql`
    select w.word, l.lexeme
    from unnest(${pgTextArray(distinct)}::text[]) as w(word),
      unnest(tsvector_to_array(to_tsvector(${config}::regconfig, w.word))) as l(lexeme)
    where l.lexeme <> all (tsvector_to_array(to_tsvector(${config}::regconfig, ${wording})))`,
  )
  const lexemeOf = new Map(rows.map((r) => [r.word, r.lexeme]))
  const questions = new Map<string, number>()
  const forms = new Map<string, Map<string, number>>()
  for (const words of perText) {
    const seen = new Set<string>()
    for (const word of words) {
      const lexeme = lexemeOf.get(word)
      if (!lexeme) continue
      const byForm = forms.get(lexeme) ?? new Map<string, number>()
      byForm.set(word, (byForm.get(word) ?? 0) + 1)
      forms.set(lexeme, byForm)
      if (seen.has(lexeme)) continue
      seen.add(lexeme)
      questions.set(lexeme, (questions.get(lexeme) ?? 0) + 1)
    }
  }
  return [...questions].map(([lexeme, count]) => {
    const byForm = [...(forms.get(lexeme) ?? new Map<string, number>())]
    byForm.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    return { topic: byForm[0]?.[0] ?? lexeme, kind: 'word', count }
  })
}
