// Recognizes a customer asking for a person, in the languages the platform serves, and the
// customer-facing texts of a hand-off. The model's own hand-off signal is HANDOFF_MARKER.

export type ReplyLanguage = 'en' | 'fr' | 'es' | 'pt' | 'de' | 'it' | 'sw' | 'rw'

/** Output by the model, at the end of its reply, when it cannot help; stripped before sending. */
export const HANDOFF_MARKER = '[[HANDOFF]]'

/** Lower case without accents, so ASCII word boundaries work for "équipe" and "alguém". */
export const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()

const HUMAN_REQUESTS: [ReplyLanguage, RegExp][] = [
  [
    'en',
    /\b(speak|talk|chat|connect|transfer|put me through)\b[^.?!]{0,40}\b(human|humans|person|someone|somebody|agent|representative|rep|operator|staff|manager|employee|customer service|support)\b/,
  ],
  [
    'en',
    /\b(get|need|want|give me)\b[^.?!]{0,20}\b(a|an|the|your|some)\s+(human|person|agent|representative|operator|manager)\b/,
  ],
  ['en', /\b(real|live|actual)\s+(person|human|agent|people)\b/],
  // The whole message is just "human", "agent please", "a real person!".
  [
    'en',
    /^\s*(an? |the )?(real |live )?(human|agent|operator|representative|person|customer service)\s*(please|pls|now)?\s*[.!?]*\s*$/,
  ],
  [
    'fr',
    /^\s*(un |une )?(humain|conseiller|conseillere|operateur|agent)\s*(svp|s'il vous plait|stp)?\s*[.!?]*\s*$/,
  ],
  ['en', /\bare you (a )?(bot|robot|real)\b.*\b(human|person)\b/],
  [
    'fr',
    /\b(parler|discuter|joindre|passer|contacter|avoir)\b[^.?!]{0,40}\b(humain|humaine|personne|conseiller|conseillere|agent|operateur|operatrice|quelqu'un|quelqu un|responsable|employe|vendeur)\b/,
  ],
  ['fr', /\b(une? )?(vraie?|veritable) (personne|humain)\b/],
  [
    'es',
    /\b(hablar|comunicar|contactar|pasar|hable)\b[^.?!]{0,40}\b(humano|humana|persona|agente|alguien|asesor|asesora|operador|operadora|encargado|empleado)\b/,
  ],
  ['es', /\b(persona|humano) real\b/],
  [
    'pt',
    /\b(falar|conversar|contactar|passar)\b[^.?!]{0,40}\b(humano|humana|pessoa|atendente|alguem|agente|operador|operadora|funcionario)\b/,
  ],
  ['pt', /\b(pessoa|humano) de verdade\b/],
  [
    'de',
    /\b(sprechen|reden|verbinden|schreiben)\b[^.?!]{0,40}\b(mensch|menschen|mitarbeiter|mitarbeiterin|person|berater|beraterin|jemand|jemandem)\b/,
  ],
  ['de', /\b(mit )?(einem|einer) (echten )?(menschen|mitarbeiter|mitarbeiterin|person)\b/],
  [
    'it',
    /\b(parlare|contattare|passare)\b[^.?!]{0,40}\b(umano|persona|operatore|operatrice|qualcuno|agente|addetto)\b/,
  ],
  ['it', /\b(persona|umano) vero\b|\bpersona reale\b/],
  [
    'sw',
    /\b(ongea|kuongea|zungumza|kuzungumza|nataka|naomba)\b[^.?!]{0,40}\b(mtu|binadamu|mhudumu|wakala)\b/,
  ],
  ['rw', /\b(kuvugana|kuvuga|ndashaka|nshaka|ndifuza)\b[^.?!]{0,40}\b(umuntu|umukozi)\b/],
]

/** The language of the request when the customer asks for a person, else undefined. */
export function humanRequestLanguage(message: string): ReplyLanguage | undefined {
  const text = fold(message)
  for (const [language, pattern] of HUMAN_REQUESTS) if (pattern.test(text)) return language
  return undefined
}

const AFFIRMATIVE =
  /^(yes|yeah|yep|ok|okay|sure|please|yes please|oui|ouais|d'accord|si|claro|sim|ja|gerne|certo|va bene|ndiyo|sawa|yego)\b[\s!.,]*(please|merci|por favor|bitte|grazie|s'il vous plait)?[\s!.]*$/

/** "yes" to the built-in responder's offer of a person (its last turn ended with OFFER_MARK). */
export function acceptsOffer(message: string, lastAssistantText: string | undefined): boolean {
  if (!lastAssistantText || !Object.values(OFFERS).some((offer) => lastAssistantText.includes(offer)))
    return false
  return AFFIRMATIVE.test(fold(message.trim()))
}

export const HANDOFF_TEXTS: Record<ReplyLanguage, string> = {
  en: "Of course! I'm passing your message to someone from our team, who will answer you here shortly.",
  fr: 'Bien sûr ! Je transmets votre message à un membre de notre équipe, qui vous répondra ici très bientôt.',
  es: '¡Por supuesto! Paso su mensaje a alguien de nuestro equipo, que le responderá aquí en breve.',
  pt: 'Claro! Vou passar a sua mensagem a alguém da nossa equipa, que lhe responderá aqui em breve.',
  de: 'Gern! Ich leite Ihre Nachricht an jemanden aus unserem Team weiter, der Ihnen hier in Kürze antwortet.',
  it: 'Certo! Passo il suo messaggio a qualcuno del nostro team, che le risponderà qui a breve.',
  sw: 'Bila shaka! Ninapeleka ujumbe wako kwa mtu wa timu yetu, atakujibu hapa hivi punde.',
  rw: 'Yego rwose! Ubutumwa bwawe ndabushyikiriza umwe mu bakozi bacu, arakusubiza hano vuba.',
}

/** The built-in responder's offer of a person; recognized in the next turn by acceptsOffer. */
export const OFFERS: Record<ReplyLanguage, string> = {
  en: 'Would you like someone from our team to help you?',
  fr: "Souhaitez-vous qu'un membre de notre équipe vous aide ?",
  es: '¿Quiere que alguien de nuestro equipo le ayude?',
  pt: 'Quer que alguém da nossa equipa o ajude?',
  de: 'Möchten Sie, dass Ihnen jemand aus unserem Team hilft?',
  it: 'Vuole che qualcuno del nostro team la aiuti?',
  sw: 'Ungependa mtu wa timu yetu akusaidie?',
  rw: 'Wifuza ko umwe mu bakozi bacu agufasha?',
}

/** The reply language for an organization setting such as `fr`, `french` or `pt-BR`. */
export function replyLanguageOf(setting: string | undefined): ReplyLanguage {
  const [key = ''] = fold(setting ?? '').split(/[-_]/)
  const map: Record<string, ReplyLanguage> = {
    en: 'en',
    english: 'en',
    fr: 'fr',
    french: 'fr',
    francais: 'fr',
    es: 'es',
    spanish: 'es',
    espanol: 'es',
    pt: 'pt',
    portuguese: 'pt',
    portugues: 'pt',
    de: 'de',
    german: 'de',
    deutsch: 'de',
    it: 'it',
    italian: 'it',
    italiano: 'it',
    sw: 'sw',
    swahili: 'sw',
    kiswahili: 'sw',
    rw: 'rw',
    kinyarwanda: 'rw',
  }
  return map[key] ?? 'en'
}
