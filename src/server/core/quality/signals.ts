import type { AnswerFollowup } from '../../../shared/enums.js'
import type { ScoredPassage } from '../../db/schema/index.js'
import { INTROS } from '../knowledge/builtin-responder.js'
import { fold, HANDOFF_TEXTS, humanRequestLanguage, OFFERS } from '../knowledge/escalation.js'
import { RRF_K, WEAK_TEXT_SCORE } from '../knowledge/hybrid-retrieve.js'

// What an AI answer and the customer's next message say about the answer's quality. Pure
// functions: record-answer.ts and customer-followup.ts store what they find.

const normalized = (text: string) => fold(text).replace(/\s+/g, ' ').trim()

/**
 * The assistant's own "I don't know" and "a person will help" sentences, in every language it
 * speaks: the built-in responder's "I don't have that information" and its offer of a person, and
 * the hand-off text. Taken from where the assistant says them, so a reworded sentence stays
 * recognized.
 */
const OWN_DONT_KNOW_TEXTS = [
  ...Object.values(INTROS).map((t) => t.unknown),
  ...Object.values(OFFERS),
  ...Object.values(HANDOFF_TEXTS),
].map(normalized)

/**
 * A model writes its own words when the knowledge lacks the answer (rule 1 of build-prompt.ts:
 * "say plainly that you do not know and offer to pass the question to a person"); these catch the
 * usual phrasings in the languages the prompt is mostly answered in.
 */
const MODEL_DONT_KNOW =
  /\b(i (do not|don't|dont) (know|have (that|this|any|the) (information|info|details))|i'?m not sure|i (cannot|can't|cant) (find|answer)|no information (about|on)|je ne (sais|dispose) pas|je n'ai pas (cette|cette information|d'information|l'information)|no (lo )?se\b|no tengo (esa|esta|informacion)|nao sei|nao tenho (essa|esta|informacao)|ich weiss (es )?nicht|habe ich (leider )?nicht|diese information habe ich nicht|non (lo )?so\b|non ho (questa|informazioni))/

/** The answer says the assistant does not know, or that a person will take over. */
export function saysDontKnow(answer: { text: string; escalation?: string }): boolean {
  if (answer.escalation === 'assistant_unable') return true
  const text = normalized(answer.text)
  if (OWN_DONT_KNOW_TEXTS.some((own) => text.includes(own))) return true
  return MODEL_DONT_KNOW.test(text)
}

/**
 * The largest score reciprocal rank fusion gives (a passage first in the four lists of a search and
 * its rewrite, hybrid-retrieve.ts). Full-text scores of anything matching are higher.
 */
const MAX_FUSED_SCORE = 4 / (RRF_K + 1)
/**
 * Fused scores: a passage both the full-text and the vector search put in their top five scores
 * at least 2 / (RRF_K + 5) ≈ 0.031; one only one search found scores at most 1 / (RRF_K + 1) plus
 * a last place elsewhere (1 / (RRF_K + 20), hybrid-retrieve.ts CANDIDATES) ≈ 0.029. Below the line: the searches do not
 * agree on it.
 */
export const LOW_FUSED_SCORE = 2 / (RRF_K + 5)
/**
 * Full-text scores (retrieve-passages.ts, also the built-in responder's passages): a passage
 * sharing one common word with the question scores about 0.1, a rare word 0.2 and more, an FAQ
 * asked in the customer's words over 1. Below the line hybrid-retrieve.ts already calls a search
 * weak (and has the question rewritten): the same line here.
 */
export const LOW_TEXT_SCORE = WEAK_TEXT_SCORE

/**
 * Whether the best passage matched the question weakly, on the scale of the retrieval that found
 * it: fused (hybrid search, possible only when an embedding model is configured and a model
 * answers) or full text. A full-text score below the fused ceiling is weak on either scale unless
 * it lies between the two lines, the one case judged leniently.
 */
export function isLowConfidence(
  passages: Pick<ScoredPassage, 'score'>[],
  retrieval: { mayBeFused: boolean },
): boolean {
  if (passages.length === 0) return false
  const top = Math.max(...passages.map((p) => p.score))
  if (retrieval.mayBeFused && top <= MAX_FUSED_SCORE) return top < LOW_FUSED_SCORE
  return top < LOW_TEXT_SCORE
}

const THANKS =
  /\b(thanks?|thank (you|u)|thx|ty|cheers|merci|gracias|obrigad[oa]|danke|grazie|asante|murakoze|urakoze|perfect|great|awesome|parfait|genial|perfecto|otimo|perfekt|perfetto)\b|🙏|👍/u

/** The customer thanks (a short message without a new question). */
export function isThanks(body: string): boolean {
  const text = normalized(body)
  if (text.includes('?') || text.split(' ').length > 8) return false
  return THANKS.test(text) || /🙏|👍/u.test(body)
}

/** Word stems of a message (accent-free, crude prefix stems), without the shortest words. */
const stems = (text: string) =>
  new Set((fold(text).match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 2).map((w) => w.slice(0, 5)))

/** Share of shared words (Jaccard) from which a message is the same question again. */
export const REPEAT_OVERLAP = 0.6

/** The customer asks the same question again: most of its words are the previous question's. */
export function isRepeat(body: string, previousQuestion: string): boolean {
  const a = stems(body)
  const b = stems(previousQuestion)
  if (a.size < 2 || b.size < 2) return false
  const shared = [...a].filter((w) => b.has(w)).length
  return shared / (a.size + b.size - shared) >= REPEAT_OVERLAP
}

/** Which signal the customer's next message gives about the previous answer; the strongest wins. */
export function followupOf(body: string, previousQuestion: string | null): AnswerFollowup | null {
  if (humanRequestLanguage(body)) return 'asked_person'
  if (previousQuestion && isRepeat(body, previousQuestion)) return 'repeated'
  if (isThanks(body)) return 'thanked'
  return null
}

/** Higher replaces lower on an answer: asking for a person says most, a thank-you least. */
export const FOLLOWUP_STRENGTH: Record<AnswerFollowup, number> = { thanked: 1, repeated: 2, asked_person: 3 }

/** The 1–5 a message holds when it is only a rating: "4", "5/5", "4 ⭐", "⭐⭐⭐⭐". */
export function ratingOf(body: string): number | null {
  const text = body
    .trim()
    .replace(/[.!]+$/, '')
    .trim()
  const digit = /^([1-5])(\s*\/\s*5)?(\s*(⭐|★)+)?$/u.exec(text)
  if (digit) return Number(digit[1])
  const stars = /^(?:⭐|★|\s)+$/u.test(text) ? (text.match(/⭐|★/gu) ?? []).length : 0
  return stars >= 1 && stars <= 5 ? stars : null
}

/** How long after the question a customer's rating is taken as its answer. */
export const RATING_ANSWER_WINDOW_MS = 24 * 60 * 60 * 1000

/** The message answers the rating question (asked at `askedAt`, within a day of `at`). */
export function isRatingReply(body: string, askedAt: Date | null | undefined, at: Date): boolean {
  if (!askedAt || ratingOf(body) === null) return false
  const since = at.getTime() - askedAt.getTime()
  return since >= 0 && since <= RATING_ANSWER_WINDOW_MS
}
