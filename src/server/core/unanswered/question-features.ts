import { COMMON_WORDS } from '../knowledge/common-words.js'
import { conceptPhrasesOf } from '../knowledge/concepts.js'
import { fold } from '../knowledge/escalation.js'
import { FRAMING_WORDS, readQuestion } from '../knowledge/intents.js'

// The lexical reading of a customer's question for grouping without an embedding model: the
// knowledge area's own normalisation (intents.ts reads what the question asks for and drops its
// framing; concepts.ts maps everyday words of English, French and Spanish to one concept), so
// "Do you deliver to Kigali?", "Is there delivery to Kigali?" and "Livrez-vous à Kigali ?" become
// the same set {delivery, kigali} plus the kind of question, which a set overlap can compare.

/** Function words the full-text configurations drop (articles, pronouns, prepositions) in en/fr/es. */
const FUNCTION_WORDS = new Set(
  `a an the and or but if of to in on at by for from with about as into onto up down out over under
  i me my mine we us our you your yours he him his she her it its they them their this that these those
  there here what which who whom whose why how is are was were be been am do does did done have has had
  not no yes any some all every each so than then too very can will would shall should may might must
  le la les l un une des du de d au aux a et ou mais si en dans sur sous par pour avec sans chez vers
  je j me m moi nous vous tu te t toi il elle ils elles on se s ce cet cette ces c ca qui que qu quoi
  mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs y est-ce ne pas plus
  el la los las un una unos unas del al y o pero si en con sin por para sobre entre hasta desde
  yo me mi mis nosotros nos usted ustedes su sus tu te ti el ella ellos ellas se lo le les que quien
  es son esta estan ser hay no mas muy sont suis etes etre sommes ete`
    .trim()
    .split(/\s+/),
)

/** Weak words (common-words.ts): how a customer asks, not what about. */
const WEAK_WORDS = new Set(
  Object.values(COMMON_WORDS)
    .flatMap((list) => list.trim().split(/\s+/))
    .map(fold),
)

/** Plural and feminine endings off, so "dogs"/"dog" and "acceptés"/"accepte" compare equal. */
const stem = (word: string) =>
  word.length > 4 ? word.replace(/(es|s|x|e)$/, '') : word.length > 3 ? word.replace(/s$/, '') : word

/** Framing words (intents.ts) by stem: readQuestion drops them as written, this catches their other forms. */
const FRAMING_STEMS = new Set(FRAMING_WORDS.trim().split(/\s+/).map(stem))

/** French inversion ("livrez-vous", "sont-ils", "y a-t-il"): the pronoun is not part of the word. */
const INVERTED_PRONOUN = /-(t-)?(je|tu|il|ils|elle|elles|on|nous|vous)\b/g

/**
 * A word's feature: its concept (the first, in sort order, of the words of its concepts, the same
 * for every word of a concept) when it has one, else its light stem.
 */
function featureOf(word: string): string {
  const phrases = conceptPhrasesOf(word).filter((p) => !p.includes(' '))
  if (phrases.length > 0) return `c:${[word, ...phrases].sort()[0]}`
  return `w:${stem(word)}`
}

export interface QuestionFeatures {
  /** What kind of question (intents.ts): where, when, how much… */
  intents: Set<string>
  /** What it is about: concepts and word stems. */
  subjects: Set<string>
}

/** The kind and the subject of a customer's question. */
export function questionFeatures(text: string): QuestionFeatures {
  const read = readQuestion(text.slice(0, 1000).replace(/[’`]/g, "'"))
  const words = (
    read.content
      .replace(INVERTED_PRONOUN, ' ')
      .replace(/\b[cdjlmnst]'/g, ' ')
      .match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? []
  )
    .filter((w) => w.length > 1 && !FUNCTION_WORDS.has(w))
    .filter((w) => conceptPhrasesOf(w).length > 0 || (!WEAK_WORDS.has(w) && !FRAMING_STEMS.has(stem(w))))
  return { intents: new Set(read.intents), subjects: new Set(words.map(featureOf)) }
}

function sharedCount(a: Set<string>, b: Set<string>) {
  let shared = 0
  for (const f of a) if (b.has(f)) shared += 1
  return shared
}

/**
 * How alike two questions are, 0..1. On their subjects, the mean of the overlap coefficient
 * (shared / the smaller set: a paraphrase often adds a word, "parking nearby?" against "where can I
 * park?") and the Jaccard index (shared / either: so "delivery to Kigali" and "delivery" are not
 * one question as surely as two identical ones). Two questions of different kinds about one subject
 * ("how much is delivery" against "when do you deliver") count half; "is there…" (availability) is
 * how people ask anything and never differs. Without subjects on either side, the kinds alone.
 */
export function featureSimilarity(a: QuestionFeatures, b: QuestionFeatures): number {
  if (a.subjects.size === 0 || b.subjects.size === 0) {
    if (a.subjects.size !== b.subjects.size) return 0
    const union = new Set([...a.intents, ...b.intents]).size
    return union === 0 ? 0 : sharedCount(a.intents, b.intents) / union
  }
  const shared = sharedCount(a.subjects, b.subjects)
  if (shared === 0) return 0
  const overlap = shared / Math.min(a.subjects.size, b.subjects.size)
  const jaccard = shared / (a.subjects.size + b.subjects.size - shared)
  const kinds = (s: Set<string>) => new Set([...s].filter((i) => i !== 'availability'))
  const ka = kinds(a.intents)
  const kb = kinds(b.intents)
  const differentKinds = ka.size > 0 && kb.size > 0 && sharedCount(ka, kb) === 0
  return ((overlap + jaccard) / 2) * (differentKinds ? 0.5 : 1)
}
