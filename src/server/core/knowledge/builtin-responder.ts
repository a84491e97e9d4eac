import { fold, OFFERS, type ReplyLanguage } from './escalation.js'
import { CLOCK, DURATION, type Intent, MONEY } from './intents.js'
import type { QuestionSlot, ResponderCandidate, RetrievedPassage } from './retrieve-passages.js'
import { PROFILE_LABELS, profileLabelsFor } from './save-profile.js'

// The responder used when no model provider is configured: it answers with the best-matching
// FAQ answer or passage, in a natural sentence, and says plainly when it does not know.

/** Its sentences; `unknown` is also how answer scoring recognizes "I don't know" (core/quality/signals.ts). */
export const INTROS: Record<ReplyLanguage, { passage: string; unknown: string }> = {
  en: { passage: "Here's what I can tell you:", unknown: "I'm sorry, I don't have that information." },
  fr: { passage: 'Voici ce que je peux vous dire :', unknown: "Désolé, je n'ai pas cette information." },
  es: { passage: 'Esto es lo que puedo decirle:', unknown: 'Lo siento, no tengo esa información.' },
  pt: { passage: 'Eis o que lhe posso dizer:', unknown: 'Desculpe, não tenho essa informação.' },
  de: {
    passage: 'Das kann ich Ihnen dazu sagen:',
    unknown: 'Es tut mir leid, diese Information habe ich nicht.',
  },
  it: { passage: 'Ecco cosa posso dirle:', unknown: 'Mi dispiace, non ho questa informazione.' },
  sw: { passage: 'Hiki ndicho ninachoweza kukuambia:', unknown: 'Samahani, sina taarifa hiyo.' },
  rw: { passage: 'Dore icyo nakubwira:', unknown: 'Mbabarira, nta makuru mfite kuri ibyo.' },
}

/** Lower-cased, accent-free words of a text, with crude stems so "opens" meets "open". */
const stems = (text: string) =>
  (fold(text).match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 2).map((w) => w.slice(0, 5))

/**
 * The sentences (or lines: table rows, CSV facts) of a passage that share most words with the
 * question; with `prefer`, segments matching it (a price when the customer asks "how much") win ties.
 */
export function bestExcerpt(content: string, message: string, maxChars = 400, prefer?: RegExp): string {
  const wanted = new Set(stems(message))
  const segments = content
    .split('\n')
    .flatMap((line) => (line.length > 200 ? (line.match(/[^.!?]+[.!?]*/g) ?? [line]) : [line]))
    .map((s) => s.trim())
    .filter(Boolean)
  if (content.length <= maxChars) return content.trim()
  const scored = segments.map((text, index) => ({
    text,
    index,
    score:
      new Set(stems(text).filter((w) => wanted.has(w))).size +
      (prefer && wanted.size > 0 && prefer.test(text) ? 0.5 : 0),
  }))
  const picked = [...scored]
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .reduce<typeof scored>((acc, s) => {
      const size = acc.reduce((n, a) => n + a.text.length + 1, 0)
      if (acc.length === 0 || (s.score > 0 && size + s.text.length <= maxChars)) acc.push(s)
      return acc
    }, [])
    .sort((a, b) => a.index - b.index)
  return picked
    .map((s) => s.text)
    .join(' ')
    .slice(0, maxChars * 2)
}

const endSentence = (s: string) => (/[.!?…)]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`)

/** A heading like "Opening hours" or "Menu › Desserts" reads as a label before the passage. */
const label = (p: RetrievedPassage) => p.heading.split(' › ').pop()?.trim() ?? ''

// Ranking for the built-in responder. Full-text search ranks passages for a model, which reads
// several; the built-in responder quotes one, so it ranks the candidates again: by how much of
// what the question is about the passage holds, each word weighed by its rarity in this knowledge
// base (the passage naming "tilapia" beats the FAQ sharing "how much" and "food"), with the
// question's intent ("where", "when", "how much", "how do I reach you") pointing at the profile
// field or the priced passage that answers it.

type ProfileField = keyof typeof PROFILE_LABELS

/** Profile passages are headed by their field's label, in the knowledge base's language. */
const isProfileField = (field: string): field is ProfileField => field in PROFILE_LABELS
const FIELD_BY_LABEL = new Map<string, ProfileField>(
  ['en', 'fr', 'es', 'pt', 'de', 'it'].flatMap((language) =>
    Object.entries(profileLabelsFor(language)).flatMap(([field, label]) =>
      isProfileField(field) ? [[fold(label), field] as const] : [],
    ),
  ),
)

const profileField = (c: RetrievedPassage): ProfileField | undefined =>
  c.sourceKind === 'profile' ? FIELD_BY_LABEL.get(fold(c.heading.split(' › ').pop() ?? '')) : undefined

const INTENT_FIELDS: Partial<Record<Intent, ProfileField>> = {
  location: 'location',
  hours: 'openingHours',
  contact: 'contact',
}

/** What the answer to an intent looks like in a passage: an amount, a length of time, a time of day. */
const ANSWER_TYPES: [Intent, RegExp][] = [
  ['price', MONEY],
  ['duration', DURATION],
  ['hours', CLOCK],
]

/** Share of the question's weight a passage covers for a passage to answer it on its words alone. */
export const MIN_COVERAGE = 0.5
/** The same when the customer asks whether the business has a thing at all ("do you sell X?"): it must be that thing. */
export const MIN_COVERAGE_AVAILABILITY = 0.7
/** Words of a question beyond which its intent alone ("phone" in a long request) does not choose the profile field. */
const MAX_WORDS_FOR_INTENT_ALONE = 3

/**
 * The lexemes of a passage, matched as the stemmer would have matched the accented text: the
 * passage is indexed without accents, and "annulée" → "annulee" stems to "annule" where the
 * customer's "annuler" stems to "annul". A lexeme of at least MIN_PREFIX letters meets one it
 * begins, or that begins it, with at most MAX_SUFFIX letters more.
 */
const MIN_PREFIX = 5
const MAX_SUFFIX = 2

function lexemeMatcher(exact: Set<string>): (lexeme: string) => boolean {
  const long = [...exact].filter((l) => l.length >= MIN_PREFIX)
  return (l) =>
    exact.has(l) ||
    (l.length >= MIN_PREFIX &&
      long.some((p) => Math.abs(p.length - l.length) <= MAX_SUFFIX && (p.startsWith(l) || l.startsWith(p))))
}

/** A synonym found counts for this share of the customer's own word. */
const SYNONYM_CREDIT = 0.8

/**
 * Weighed share of the words found in a passage; a synonym found counts for a little less than the
 * customer's own word, and only once: in "do you take card payment?" the passage saying "payment
 * is due on arrival" holds "payment", not what "card" asks.
 */
function coverageOf(
  slots: QuestionSlot[],
  has: { own: (lexeme: string) => boolean; exact: (lexeme: string) => boolean },
): number {
  const total = slots.reduce((sum, s) => sum + s.idf, 0)
  if (total === 0) return 0
  let covered = 0
  const used = new Set<string>()
  const bySynonym: QuestionSlot[] = []
  for (const s of slots) {
    const found = s.own.filter(has.own)
    if (found.length === 0) bySynonym.push(s)
    else {
      covered += s.idf
      for (const l of found) used.add(l)
    }
  }
  for (const s of bySynonym) {
    const phrase = s.synonyms.find((p) => p.every(has.exact) && !p.every((l) => used.has(l)))
    if (!phrase) continue
    covered += SYNONYM_CREDIT * s.idf
    for (const l of phrase) used.add(l)
  }
  return covered / total
}

export interface RankedCandidate {
  candidate: ResponderCandidate
  /** Weighed share of what the question is about found in the passage (0-1). */
  coverage: number
  /** The same for the question's intent words. */
  intentCoverage: number
  /** The passage is the profile field the question's intent asks for. */
  intentField: boolean
  score: number
}

export function rankForResponder(input: {
  candidates: ResponderCandidate[]
  slots: QuestionSlot[]
  intents: Set<Intent>
}): RankedCandidate[] {
  // Words of the business's own name ("clinic" in "where is the clinic?") say little about what
  // is asked (but "Mèche" in a salon's name is also its highlights): they weigh half, and the
  // name itself is never the answer.
  const nameLexemes = new Set(
    input.candidates.filter((c) => profileField(c) === 'name').flatMap((c) => c.lexemes),
  )
  const weighed = input.slots.map((s) =>
    s.own.some((l) => nameLexemes.has(l)) ? { ...s, idf: 0.5 * s.idf } : s,
  )
  // What the question is about, and its intent words ("opening hours", "how much"): the latter
  // only decide between passages, or find an FAQ asked in the same words when nothing else is asked.
  const subject = weighed.filter((s) => s.weight >= 1)
  const intentWords = weighed.filter((s) => s.weight < 1)
  const wantedFields = new Set([...input.intents].flatMap((i) => INTENT_FIELDS[i] ?? []))
  const candidates = input.candidates.filter((c) => profileField(c) !== 'name')
  const ranked = candidates.map((candidate): RankedCandidate => {
    // Prefixes for the customer's own words only: synonyms in several languages would meet
    // unrelated words ("stationner" in "station").
    const exact = new Set(candidate.lexemes)
    const has = { own: lexemeMatcher(exact), exact: (l: string) => exact.has(l) }
    const coverage = coverageOf(subject, has)
    const intentCoverage = coverageOf(intentWords, has)
    const field = profileField(candidate)
    const intentField = field !== undefined && wantedFields.has(field)
    let score = coverage + 0.3 * intentCoverage + candidate.score * 0.01
    if (intentField) score += 0.45
    for (const [intent, pattern] of ANSWER_TYPES)
      if (input.intents.has(intent) && pattern.test(candidate.content)) score += 0.3
    // The business's self-description mentions everything in passing.
    if (field === 'description') score -= 0.15
    return { candidate, coverage, intentCoverage, intentField, score }
  })
  const minCoverage = input.intents.has('availability') ? MIN_COVERAGE_AVAILABILITY : MIN_COVERAGE
  const accepted = ranked.filter((r) =>
    subject.length > 0
      ? r.coverage >= minCoverage ||
        (r.intentField && (subject.length <= MAX_WORDS_FOR_INTENT_ALONE || r.coverage > 0))
      : r.intentField || r.intentCoverage >= MIN_COVERAGE,
  )
  return accepted.sort((a, b) => b.score - a.score)
}

/** The built-in responder's reply from its own ranking: the passage or profile field holding the fact, or "I don't know". */
export function builtinReply(input: {
  /** What the customer asked about (the question without its intent words) and its synonyms. */
  searchText: string
  ranked: RankedCandidate[]
  intents: Set<Intent>
  language: ReplyLanguage
}): { text: string; used: RetrievedPassage[] } {
  const t = INTROS[input.language]
  const best = input.ranked[0]?.candidate
  if (!best) return { text: `${t.unknown} ${OFFERS[input.language]}`, used: [] }
  if (best.question) return { text: endSentence(best.content), used: [best] }
  if (best.sourceKind === 'profile') {
    return { text: `${t.passage} ${endSentence(`${label(best)}: ${best.content.trim()}`)}`, used: [best] }
  }
  const prefer = ANSWER_TYPES.find(([intent]) => input.intents.has(intent))?.[1]
  const excerpt = bestExcerpt(best.content, input.searchText, 400, prefer)
  const heading = label(best)
  const body = heading && !fold(excerpt).startsWith(fold(heading)) ? `${heading}: ${excerpt}` : excerpt
  return { text: `${t.passage} ${endSentence(body)}`, used: [best] }
}
