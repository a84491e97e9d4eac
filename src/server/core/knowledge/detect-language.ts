// The customer's language without a model: the everyday function words of each language the
// platform serves (articles, pronouns, question words, greetings), plus a few letters only some
// of them write. Short messages ("ok", "12345") give no clear signal and detect nothing.

/** Languages recognized, as ISO 639-1 codes. */
export const DETECTABLE_LANGUAGES = ['en', 'fr', 'es', 'pt', 'de', 'it', 'sw', 'rw'] as const
export type DetectableLanguage = (typeof DETECTABLE_LANGUAGES)[number]

/** Lower case without accents, so "équipe" meets "equipe". */
const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()

const words = (list: string) => new Set(list.split(/\s+/).filter(Boolean))

// Accent-free, lower case. A word in two lists counts for both (it tells nothing apart).
const FUNCTION_WORDS: Record<DetectableLanguage, Set<string>> = {
  en: words(`the is are you do does what how can could i my your have has and to when where which who
    open much many please hello hi hey thanks thank there this that with for from of it we our would
    any price cost want need deliver today tomorrow`),
  fr: words(`le la les est vous je quel quelle quels quelles comment pouvez avez et des du un une pour
    bonjour bonsoir merci est-ce que qui combien ouvert ouverte ou au aux sur avec pas ne votre vos mon
    ma mes nous etes suis faites livrez aujourd'hui demain c'est j'ai qu'est-ce`),
  es: words(`el la los las es usted ustedes yo que como cuanto cuanta tienen tiene y de un una para hola
    gracias con puedo quiero por mi donde cuando abierto abren hay esta estan su sus buenos buenas dias
    hoy manana necesito cuesta`),
  pt: words(`o a os as e voce voces eu que como quanto quanta tem de um uma para ola obrigado obrigada com
    quero posso por onde quando aberto abrem nao esta estao seu sua bom boa dia hoje amanha preciso
    custa voces sao`),
  de: words(`der die das ist sie ich was wie wann haben habt und ein eine einen fur hallo danke wo
    geoffnet offen nicht bitte kann konnen mit von zu auf ihr ihre mein meine wir gibt es heute morgen
    guten tag liefern kostet`),
  it: words(`il lo la gli le e voi io che come quanto quanta avete di un una per ciao grazie con vorrei
    posso sono dove quando aperto aperti non buongiorno buonasera del della oggi domani costa`),
  sw: words(`na ya wa kwa ni za la katika hii hiyo huo je nini gani habari asante asanteni tafadhali
    ndiyo hapana mimi wewe sisi yeye kuna bei ngapi lini wapi nataka naomba unaweza mnaweza mna mko
    saa leo kesho sana jambo karibu pia lakini kama hapa huduma hamjambo sijambo mnauza mnafungua`),
  rw: words(`muraho mwaramutse mwiriwe murakoze urakoze ni na mu ku kuri iki ibi aho ese mufite mfite
    ndashaka nshaka angahe amafaranga ryari he hehe yego oya cyane uyu uwo iyi kandi ariko nka gute
    neza umunsi ejo none ubu murafungura mukora ndabaza bite amakuru mwakoze mushobora nshobora
    murakora ndifuza igiciro`),
}

// Letters that appear in some languages' spelling and not others'.
const LETTERS: [RegExp, DetectableLanguage[]][] = [
  [/[çœ]|[èêë]|[àâ]|[îï]|[ûù]/u, ['fr']],
  [/[ñ¿¡]/u, ['es']],
  [/[ãõ]/u, ['pt']],
  [/[ßäöü]/u, ['de']],
]

/**
 * The message's language, or undefined when no language clearly leads (ties, or no known word).
 * Pure and fast: it runs on every customer message.
 */
export function detectLanguage(message: string): DetectableLanguage | undefined {
  const tokens = fold(message).match(/[a-z]+(?:['-][a-z]+)*/g) ?? []
  const scores = new Map<DetectableLanguage, number>()
  for (const language of DETECTABLE_LANGUAGES) {
    const list = FUNCTION_WORDS[language]
    scores.set(language, tokens.filter((t) => list.has(t)).length)
  }
  const lower = message.toLowerCase()
  for (const [pattern, languages] of LETTERS) {
    if (!pattern.test(lower)) continue
    for (const language of languages) scores.set(language, (scores.get(language) ?? 0) + 1.5)
  }
  const ranked = [...scores].sort((a, b) => b[1] - a[1])
  const [best, second] = ranked
  if (!best || best[1] <= 0) return undefined
  if (second && second[1] >= best[1]) return undefined
  return best[0]
}

/** `fr`, `fr-CA`, `FR` → `fr`; English for a setting that is not a language code at all. */
export const baseLanguage = (code: string) =>
  // Settings are JSON in the database: a value written around the API must not stop an answer.
  (typeof code === 'string' ? (code.trim().toLowerCase().split(/[-_]/)[0] ?? '') : '') || 'en'

const NAMES: Record<string, string> = {
  en: 'English',
  fr: 'French',
  es: 'Spanish',
  pt: 'Portuguese',
  de: 'German',
  it: 'Italian',
  sw: 'Swahili',
  rw: 'Kinyarwanda',
  nl: 'Dutch',
  ar: 'Arabic',
}

/** A language's English name for the model's instructions ("French"), else its code. */
export const nameOfLanguage = (code: string) => NAMES[baseLanguage(code)] ?? code

/** What the reply's language is, and how firmly the model is told. */
export interface ReplyLanguageChoice {
  /** The language the reply is in (base ISO code): canned texts use it. */
  code: string
  /**
   * `follow`: no list of languages is set, the model replies in the customer's language as
   * before. `detected`: the customer writes in an allowed language. `default`: the customer's
   * language is not allowed, or not recognized: the organization's default.
   */
  reason: 'follow' | 'detected' | 'default'
  /** The organization's allowed languages (base codes, default first); empty for `follow`. */
  allowed: string[]
}

/**
 * The reply language for a customer message under an organization's settings: `language` is its
 * default; `languages`, when set, the languages it answers in (the default always among them).
 * The current message decides; when it says nothing clear ("ok", "👍"), the customer's earlier
 * messages do.
 */
export function chooseReplyLanguage(
  ai: { language: string; languages?: string[] },
  message: string,
  earlierCustomerMessages: string[] = [],
): ReplyLanguageChoice {
  const fallback = baseLanguage(ai.language)
  const detected =
    detectLanguage(message) ??
    (earlierCustomerMessages.length > 0 ? detectLanguage(earlierCustomerMessages.join('\n')) : undefined)
  if (!Array.isArray(ai.languages)) return { code: detected ?? fallback, reason: 'follow', allowed: [] }
  const allowed = [...new Set([fallback, ...ai.languages.map(baseLanguage)])]
  if (detected && allowed.includes(detected)) return { code: detected, reason: 'detected', allowed }
  return { code: fallback, reason: 'default', allowed }
}

/** The model's instruction for the reply's language (rule 3 of the prompt). */
export function languageInstruction(choice: ReplyLanguageChoice, defaultName: string): string {
  if (choice.reason === 'follow')
    return `Reply in the language of the customer's last message; if unsure, reply in ${defaultName}.`
  const name = nameOfLanguage(choice.code)
  if (choice.reason === 'detected') return `Reply in ${name}, the language the customer writes in.`
  const names = choice.allowed.map(nameOfLanguage).join(', ')
  return `Reply in the customer's language only if it is one of: ${names}. Otherwise reply in ${name}.`
}
