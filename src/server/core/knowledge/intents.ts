import { fold } from './escalation.js'

// What a customer's question asks for, read from its question words before full-text search
// drops them as stop words ("where" → the address, "when" → the opening hours, "how much" → a
// price), in English, French and Spanish; and everyday words customers use for what businesses
// write differently ("kids" → "children"). The built-in responder (no model) relies on both.

export type Intent = 'location' | 'hours' | 'contact' | 'duration' | 'price'

/** Folded (lower case, accent-free) patterns; each match is removed from the words searched. */
const INTENT_PATTERNS: Record<Intent, RegExp[]> = {
  // Contact first: "email address" is not a location.
  contact: [
    /\b(e-?mail|postal|mailing) address(es)?\b/g,
    /\b(phone|telephone|mobile) (number|no)\b/g,
    /\b(phone|telephone|email|e-mail|contact|call you|ring you|dial|reach you)\b/g,
    /\b(numero de telephone|telephone|courriel|e-mail|email|contacter|joindre|appeler)\b/g,
    /\b(numero de telefono|telefono|correo|correo electronico|contacto|llamar|llamarles|contactar)\b/g,
  ],
  location: [
    /\bwhere\b( (are|is) (you|it|the \w+)( located| based| situated)?)?/g,
    /\b(address|located|location|directions|whereabouts|street)\b/g,
    /\bhow (do|can) i (find|get to|reach) (you|your \w+)\b/g,
    /\bou (etes|est|se trouve|trouver|vous trouver|sont)\b/g,
    /\b(adresse|situe|situes|situee|emplacement|itineraire)\b/g,
    /\b(donde|adonde)\b( (estan|esta|queda|quedan|se encuentra|se encuentran))?/g,
    /\b(direccion|ubicacion|ubicados|ubicada|ubicado)\b/g,
    /\bcomo (llego|llegar)\b/g,
  ],
  hours: [
    /\bwhat time\b/g,
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
 * make every question look half out of scope, or match "Two-hour parking".
 */
const FRAMING =
  /\b(can|could|would|should|may|might|like|want|wanna|need|please|pls|hi|hello|hey|thanks|thank|tell|know|get|anything|something|possible|ok|okay|peux|peut|pouvez|puis|pourrais|pourriez|voudrais|voulez|veux|faut|dois|svp|stp|merci|bonjour|salut|possible|quel|quelle|quels|quelles|est-ce|avez-vous|y a-t-il|puedo|puede|pueden|podria|podrian|quiero|quisiera|necesito|hola|gracias|favor|posible|cual|cuales|tienen|hay|one|two|three|four|five|six|un|une|deux|trois|quatre|cinq|uno|una|dos|tres|cuatro|cinco)\b/g

/** In this order: contact first, so "email address" is not a location; duration before price. */
const INTENTS: readonly Intent[] = ['contact', 'location', 'hours', 'duration', 'price']

export interface ReadQuestion {
  intents: Set<Intent>
  /** The question without its intent words: what the customer asks about. */
  content: string
  /** The intent words themselves ("opening hours", "how much"), which an FAQ's question may share. */
  intentWords: string
}

/** The intents of a customer message and the rest of it, to search. */
export function readQuestion(message: string): ReadQuestion {
  let content = fold(message).replace(/[’`]/g, "'")
  const intents = new Set<Intent>()
  const intentWords: string[] = []
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
  return {
    intents,
    content: content.replace(FRAMING, ' ').replace(/\s+/g, ' ').trim(),
    intentWords: intentWords.join(' '),
  }
}

/** An amount of money in a passage: "KES 1,200", "12 €", "GBP 45", "$9.99", "1.290 €". */
export const MONEY =
  /(\p{Sc}\s?\d)|(\d[\d.,]*\s?\p{Sc})|\b(gbp|usd|eur|kes|rwf|chf|cad|aud|xof|mad)\s?\d|\d\s?(gbp|usd|eur|kes|rwf|chf|euros?|dollars?|pounds?)\b/iu

/**
 * Everyday words → the words a business writes for the same thing, per language (folded). Only
 * general vocabulary of small businesses (families, cars, pets, payments, bookings, delivery,
 * access, connectivity), never one business's items.
 */
const SYNONYMS: [RegExp, string][] = [
  // English
  [/\b(kids?|child|toddlers?|little ones?|son|daughter|boy|girl|baby|babies)\b/g, 'children child family'],
  [/\b(car|cars|vehicle|drive|driving)\b/g, 'parking park'],
  [/\b(dogs?|cats?|pets?|puppy)\b/g, 'dogs pets animals'],
  [
    /\b(call off|cancel|cancelling|canceling|change my mind|can't make it|cannot make it)\b/g,
    'cancel cancellation notice',
  ],
  [/\b(money back|refund|refunded|reimburse)\b/g, 'refund return cancellation'],
  [/\b(internet|online|laptop|wi-fi)\b/g, 'wifi'],
  [/\b(bring|drop off|send|ship|shipping|home)\b/g, 'deliver delivery'],
  [/\b(book|booking|reserve|table for)\b/g, 'reservation booking'],
  [/\b(party|celebration|event|birthday|wedding|gathering)\b/g, 'private event party'],
  [/\b(pay|paying|bill|card|cash|plastic|mobile money)\b/g, 'payment payments pay card cash'],
  [/\b(wheelchair|disabled|disability|pram|stroller|stairs)\b/g, 'access step-free lift'],
  [/\b(cheaper|cheap|discount|deal|offer)\b/g, 'discount price half'],
  [/\b(meat-free|no meat|don't eat meat|plant-based)\b/g, 'vegetarian vegan'],
  [/\b(sweet|sweets|pudding)\b/g, 'dessert desserts'],
  [/\b(weekend)\b/g, 'saturday sunday'],
  [/\b(tonight|evening|late)\b/g, 'closing hours'],
  [/\b(scared|afraid|terrified|anxious|nervous|fear)\b/g, 'nervous anxious'],
  [/\b(insurance|cover|covered|plan)\b/g, 'insurance'],
  [/\b(borrow|borrowing|rent|renting|hire|hiring)\b/g, 'lend lent loan loans rental hire'],
  // French
  [/\b(enfants?|gamins?|petits?|bebes?|fils|fille)\b/g, 'enfant enfants famille'],
  [/\b(voiture|garer|stationner|stationnement)\b/g, 'parking'],
  [/\b(chiens?|chats?|animal|animaux de compagnie)\b/g, 'animaux'],
  [/\b(annuler|rembourse|remboursement|change d'avis)\b/g, 'annulation'],
  [/\b(internet|connecter|connexion)\b/g, 'wifi'],
  [/\b(valises?|sacs?)\b/g, 'bagages bagagerie'],
  [/\b(baigner|nager|baignade)\b/g, 'piscine plage'],
  [/\b(velos?|bicyclettes?|deux roues|balade)\b/g, 'velo velos location'],
  [/\b(payer|carte|especes|paiement)\b/g, 'paiement payer'],
  [/\b(livrer|livraison|domicile)\b/g, 'livraison'],
  [/\b(reserver|reservation)\b/g, 'reservation'],
  [/\b(emprunter|emprunt|louer)\b/g, 'pret location'],
  // Spanish
  [/\b(nino|ninos|nina|ninas|hijo|hija|hijos|pequeno|pequena|bebe)\b/g, 'ninos infantil familia'],
  [/\b(coche|aparcar|aparcamiento|estacionar)\b/g, 'aparcamiento parking'],
  [/\b(perro|perros|gato|mascota|mascotas)\b/g, 'mascotas animales'],
  [/\b(cancelar|devuelven|devolver|dinero|reembolso)\b/g, 'devoluciones cancelacion'],
  [/\b(pagar|abonar|tarjeta|efectivo|movil)\b/g, 'pagar pago tarjeta'],
  [/\b(casa|domicilio|llevar|envio|enviar|mandar)\b/g, 'domicilio envian envio'],
  [/\b(roto|rota|estropea|estropeado|averia|arreglar|pinchada)\b/g, 'reparacion reparaciones garantia'],
  [/\b(bici|bicis)\b/g, 'bicicleta bicicletas'],
  [/\b(reservar|avisar|avisado|reserva)\b/g, 'reservar reserva'],
  [/\b(documento|identidad|identificacion|carnet)\b/g, 'dni pasaporte'],
  [/\b(prestar|prestamo|alquilar|rentar)\b/g, 'prestamo alquiler'],
]

/** Words a business would use for what the text says in everyday words (folded, space-separated). */
export function synonymsOf(text: string): string {
  const folded = fold(text)
  return SYNONYMS.filter(([pattern]) => {
    pattern.lastIndex = 0
    return pattern.test(folded)
  })
    .map(([, words]) => words)
    .join(' ')
}
