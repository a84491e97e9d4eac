import { conceptPhrasesOf, joinPhrases } from './concepts.js'
import { fold } from './escalation.js'

// What a customer's question asks for, read from its question words before full-text search
// drops them as stop words ("where" → the address, "when" → the opening hours, "how much" → a
// price), in English, French and Spanish; and everyday words customers use for what businesses
// write differently ("kids" → "children"). The built-in responder (no model) relies on both.

export type Intent = 'location' | 'hours' | 'contact' | 'duration' | 'price' | 'availability'

/** Folded (lower case, accent-free) patterns; each match is removed from the words searched. */
const INTENT_PATTERNS: Record<Exclude<Intent, 'availability'>, RegExp[]> = {
  // Contact first: "email address" is not a location.
  contact: [
    /\b(e-?mail|postal|mailing) address(es)?\b/g,
    /\b(phone|telephone|mobile) (number|no)\b/g,
    /\b(phone|telephone|email|e-mail|contact|call you|ring you|dial|reach you|whatsapp)\b/g,
    /\bget (in touch|hold of)( with)?( you)?\b/g,
    /\b(your|the) number\b/g,
    /\b(numero de telephone|telephone|courriel|e-mail|email|contacter|joindre|appeler)\b/g,
    /\bvotre numero\b/g,
    /\b(numero de telefono|telefono|correo|correo electronico|contacto|llamar|llamarles|contactar|comunicarme)\b/g,
    /\bsu numero\b/g,
  ],
  location: [
    /\bwhere\b( (are|is) (you|it|the \w+)( located| based| situated)?)?/g,
    /\b(address|located|location|directions|whereabouts|street)\b/g,
    /\bhow (do|can) i (find|get to|reach) (you|your \w+)\b/g,
    /\bou (etes|est|se trouve|trouver|vous trouver|sont|exactement|ca)\b/g,
    /\b(c'est|vous etes|se trouve|situe|situee) ou\b/g,
    /\b(adresse|situe|situes|situee|emplacement|itineraire)\b/g,
    /\b(donde|adonde)\b( (estan|esta|queda|quedan|se encuentra|se encuentran))?/g,
    /\b(direccion|ubicacion|ubicados|ubicada|ubicado)\b/g,
    /\bcomo (llego|llegar)\b/g,
  ],
  hours: [
    /\bwhat time\b/g,
    /\bhow (late|early)\b/g,
    /\b(when|until when|till when)\b( (are|do|does|is) (you|it|the \w+))?( (open|close|closed))?/g,
    /\b(opening|closing) (hours|times?)\b/g,
    /\b(open|opens|opened|close|closes|closed|hours)\b/g,
    /\ba (quelle|quel) heure\b/g,
    /\b(heure|heures)\b/g,
    /\b(quand|horaires?|heures d'ouverture|ouvert|ouverte|ouverts|ouvrez|ouvre|ferme|fermez|fermes|fermeture)\b/g,
    /\ba que hora\b/g,
    /\b(hora|horas)\b/g,
    /\b(cuando|horario|horarios|abren|abre|abierto|abiertos|cierran|cierra|cerrado)\b/g,
  ],
  // "How long can I borrow a tool?": the answer is a length of time, which the passage states
  // ("for one week") without repeating "long"; before price, so "cuanto tiempo" is not a price.
  duration: [
    /\bhow (long|many (days|weeks|months|hours|nights))\b/g,
    /\bcombien de (temps|jours|semaines|mois|nuits)\b/g,
    /\bcuanto(s)? (tiempo|dias|semanas|meses|noches)\b/g,
  ],
  price: [
    /\bhow much\b( (is|are|does|do|for|would))?/g,
    /\bwhat (do|does|would|will|did) (i|we|you|they|it|that|this|one) (pay|cost|charge|be)\b/g,
    /(?<=\bwhat (do|does|would|will|did) \w+ )(pay|cost|charge)\b/g,
    /\b(price|prices|pricing|cost|costs|fee|fees|charge|charges|rate|rates)\b/g,
    /\bcombien\b( (coute|coutent|ca coute|est|pour))?/g,
    /\b(prix|coute|coutent|tarif|tarifs)\b/g,
    /\bcuanto\b( (cuesta|cuestan|vale|valen|cobran|es|sale))?/g,
    /\b(precio|precios|cuesta|cuestan|tarifa|tarifas|coste)\b/g,
  ],
}

/**
 * Words that frame a question without saying what it is about ("can I", "je voudrais", "¿puedo?",
 * "a table for two"), which PostgreSQL's stop-word lists keep: counted as subjects they would
 * make every question look half out of scope, or match "Two-hour parking". The verbs of any
 * service ("do you offer / sell / take / accept …", "¿venden?", "proposez-vous") are among them:
 * "do you sell wigs?" is about wigs, and must not find the FAQ "Do you sell gift vouchers?".
 */
export const FRAMING_WORDS = `
  can could would should may might like want wanna need please pls hi hello hey thanks thank tell know
  get anything something possible ok okay one two three four five six
  offer offers offering provide provides sell sells selling take takes accept accepts use using
  give buy come coming go going bring allow allowed let serve serves available problem place thing
  things stuff way option options kind sort type exactly just also really around somewhere else still
  peux peut pouvez puis pourrais pourriez voudrais voulez veux faut dois svp stp merci bonjour salut
  quel quelle quels quelles est-ce avez-vous y a-t-il un une deux trois quatre cinq
  proposez proposer propose offrez vendez vendre vend acceptez accepter accepte prenez prendre
  utilisez utiliser donner acheter venir aller avoir faire faites besoin probleme chose choses truc
  moyen exactement juste aussi vraiment chez quoi encore bien servez
  puedo puede pueden podria podrian quiero quisiera necesito hola gracias favor posible cual cuales
  tienen hay uno una dos tres cuatro cinco ofrecen ofrece ofrecer venden vende vender aceptan acepta
  aceptar toman tomar usan usar utilizan dan dar comprar venir ir voy vamos llevar hacer hacen hace
  tener tengo problema manera forma exactamente solo tambien alguien`
const FRAMING = new RegExp(
  `(?<![\\p{L}\\p{N}])(${FRAMING_WORDS.trim().split(/\s+/).join('|')})(?![\\p{L}\\p{N}])`,
  'gu',
)

/** In this order: contact first, so "email address" is not a location; duration before price. */
const INTENTS = ['contact', 'location', 'hours', 'duration', 'price'] as const

/**
 * "Do you sell / have / offer X?", "¿Hay / venden X?", "Vendez-vous X ?": whether the business has a
 * thing at all, which a passage answers only if it names that thing, not one like it ("electric
 * scooters" are not the "electric bikes" of the price list). Detected, not removed.
 */
const AVAILABILITY = [
  /\b(do|does|did) (you|they|u) (sell|offer|have|do|make|provide|stock|carry|accept|take|rent|hire|serve)\b/,
  /\b(is|are) there\b/,
  /\b(vendez|proposez|avez|faites|acceptez|prenez|louez|servez|offrez)-vous\b/,
  /\b(vous )?(vendez|proposez|avez|faites|acceptez|prenez|louez|servez|offrez)\b/,
  /\b(y a-t-il|il y a|est-ce qu'il y a)\b/,
  /\b(venden|ofrecen|tienen|hacen|aceptan|alquilan|sirven|hay)\b/,
]

export interface ReadQuestion {
  intents: Set<Intent>
  /** The question without its intent words: what the customer asks about. */
  content: string
  /** The intent words themselves ("opening hours", "how much"), which an FAQ's question may share. */
  intentWords: string
}

/**
 * Verbs where a question puts them: after "can I / do you / want to", after "peux-tu / pour" as an
 * infinitive, after "puedo / para" as an infinitive. A verb the knowledge base lacks ("can I HOST a
 * party?", "puis-je BRANCHER…") tells how the customer asks, not what about: it is weighed as an
 * intent word. A verb of an everyday concept ("can I pay", "pour garer") stays what is asked.
 */
const VERB_POSITIONS = [
  /\b(?:can|could|may|might|will|would|should|shall|do|does|did)\s+(?:i|we|you|u|someone|somebody|they|one)\s+(?:just\s+|also\s+|still\s+|please\s+|even\s+)?([a-z]+)\b/g,
  /\b(?:want|need|like|love|able|how|going|have|has|try|trying|allowed)\s+to\s+([a-z]+)\b/g,
  /\b(?:peux|peut|pouvez|puis|pourrais|pourriez|voudrais|veux|voulez|faut|dois|doit|devez|aimerais|souhaite|souhaiterais|vais|allez|pour)(?:-je|-on|-vous|-il|-tu)?\s+(?:(?:je|on|vous|me|se|le|la|les|y)\s+|[mslt]')?([a-z]+(?:er|ir|re))\b/g,
  /\b(?:puedo|puede|pueden|podemos|podria|podrian|quiero|quisiera|necesito|hay que|tengo que|para|debo|se puede|voy a|vamos a|gustaria)\s+(?:(?:me|te|se|lo|la|los|las|le|les)\s+)?([a-z]+(?:ar|er|ir)(?:me|se|lo|la|le|los|las)?)\b/g,
]

function verbsOf(folded: string): Set<string> {
  const verbs = new Set<string>()
  for (const pattern of VERB_POSITIONS)
    for (const match of folded.matchAll(pattern)) {
      const verb = match[1]
      if (verb && conceptPhrasesOf(verb).length === 0) verbs.add(verb)
    }
  return verbs
}

/** "cœliaque" → "coeliaque": accents are dropped, ligatures are not letters with accents. */
const ligaturesApart = (text: string) => text.replace(/œ/g, 'oe').replace(/æ/g, 'ae')

/** The intents of a customer message and the rest of it, to search. */
export function readQuestion(message: string): ReadQuestion {
  // "call off" → "cancel", "sans rendez-vous" → one word of its concept, before the words are split.
  let content = joinPhrases(ligaturesApart(fold(message)).replace(/[’`]/g, "'"))
  const intents = new Set<Intent>()
  const intentWords: string[] = []
  if (AVAILABILITY.some((pattern) => pattern.test(content))) intents.add('availability')
  for (const intent of INTENTS) {
    for (const pattern of INTENT_PATTERNS[intent]) {
      const stripped = content.replace(pattern, (match) => {
        intentWords.push(match)
        return ' '
      })
      if (stripped !== content) {
        intents.add(intent)
        content = stripped
      }
    }
  }
  for (const verb of verbsOf(content)) {
    const stripped = content.replace(new RegExp(`(?<![\\p{L}\\p{N}])${verb}(?![\\p{L}\\p{N}])`, 'gu'), ' ')
    if (stripped === content) continue
    intentWords.push(verb)
    content = stripped
  }
  return {
    intents,
    content: content.replace(FRAMING, ' ').replace(/\s+/g, ' ').trim(),
    intentWords: intentWords.join(' '),
  }
}

/** An amount of money in a passage: "KES 1,200", "12 €", "GBP 45", "$9.99", "1.290 €". */
export const MONEY =
  /(\p{Sc}\s?\d)|(\d[\d.,]*\s?\p{Sc})|\b(gbp|usd|eur|kes|rwf|chf|cad|aud|xof|mad)\s?\d|\d\s?(gbp|usd|eur|kes|rwf|chf|euros?|dollars?|pounds?)\b/iu

/** A length of time in a passage: "3 to 6 hours", "48 heures", "90 minutos", "one week". */
export const DURATION =
  /\b(\d+|one|two|three|a|an|un|une|deux|trois|uno|una|dos|tres)(\s?(to|-|a|à|or|ou|o)\s?\d+)?\s?(min|mins|minutes?|minutos?|hrs?|hours?|heures?|horas?|days?|jours?|d[ií]as?|weeks?|semaines?|semanas?|months?|mois|mes|meses|nights?|nuits?|noches?|years?|ans|a[ñn]os?)\b/iu

/** A time of day in a passage: "09:00", "7h30", "9h", "6 pm". */
export const CLOCK = /\b\d{1,2}([:.h]\d{2}|h\b|\s?(am|pm)\b)/iu

/**
 * Words a business would use for what a customer's word says (the other words of its everyday
 * concepts, concepts.ts), as phrases separated by commas; empty when it has none.
 */
export function synonymsOf(text: string): string {
  return [...new Set(queryTokens(text).flatMap(conceptPhrasesOf))].join(', ')
}

const queryTokens = (text: string) => fold(text).match(/[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu) ?? []
