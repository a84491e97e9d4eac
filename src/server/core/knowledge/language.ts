// The organization's answering language → the PostgreSQL text-search configuration its chunks
// are indexed and searched with. Unknown languages fall back to `simple` (no stemming, no stop
// words), which still matches exact words.

const FTS_CONFIGS: Record<string, string> = {
  en: 'english',
  english: 'english',
  fr: 'french',
  french: 'french',
  francais: 'french',
  français: 'french',
  es: 'spanish',
  spanish: 'spanish',
  espanol: 'spanish',
  español: 'spanish',
  pt: 'portuguese',
  portuguese: 'portuguese',
  portugues: 'portuguese',
  português: 'portuguese',
  de: 'german',
  german: 'german',
  deutsch: 'german',
  it: 'italian',
  italian: 'italian',
  italiano: 'italian',
  nl: 'dutch',
  dutch: 'dutch',
  nederlands: 'dutch',
  sv: 'swedish',
  swedish: 'swedish',
  da: 'danish',
  danish: 'danish',
  no: 'norwegian',
  nb: 'norwegian',
  nn: 'norwegian',
  norwegian: 'norwegian',
  fi: 'finnish',
  finnish: 'finnish',
  ru: 'russian',
  russian: 'russian',
  hu: 'hungarian',
  hungarian: 'hungarian',
  ro: 'romanian',
  romanian: 'romanian',
  tr: 'turkish',
  turkish: 'turkish',
  ar: 'arabic',
  arabic: 'arabic',
  el: 'greek',
  greek: 'greek',
  id: 'indonesian',
  indonesian: 'indonesian',
  ga: 'irish',
  irish: 'irish',
  lt: 'lithuanian',
  lithuanian: 'lithuanian',
  ne: 'nepali',
  nepali: 'nepali',
  ta: 'tamil',
  tamil: 'tamil',
}

/** Only these names ever reach SQL as a regconfig; anything else becomes `simple`. */
export const FTS_CONFIG_NAMES = new Set([...Object.values(FTS_CONFIGS), 'simple'])

/** `en`, `en-US`, `English`, `fr`, `pt-BR` … → `english`, `french`, `portuguese`; else `simple`. */
export function ftsConfigFor(language: string | undefined | null): string {
  if (!language) return 'simple'
  const key = language.trim().toLowerCase()
  const [base = key] = key.split(/[-_]/)
  return FTS_CONFIGS[key] ?? FTS_CONFIGS[base] ?? 'simple'
}

const LANGUAGE_NAMES: Record<string, string> = {
  english: 'English',
  french: 'French',
  spanish: 'Spanish',
  portuguese: 'Portuguese',
  german: 'German',
  italian: 'Italian',
  dutch: 'Dutch',
  swedish: 'Swedish',
  danish: 'Danish',
  norwegian: 'Norwegian',
  finnish: 'Finnish',
  russian: 'Russian',
  hungarian: 'Hungarian',
  romanian: 'Romanian',
  turkish: 'Turkish',
  arabic: 'Arabic',
  greek: 'Greek',
  indonesian: 'Indonesian',
  irish: 'Irish',
  lithuanian: 'Lithuanian',
  nepali: 'Nepali',
  tamil: 'Tamil',
}

/** A human name for the prompt ("French"), or the setting itself when unknown ("rw"). */
export function languageName(language: string | undefined | null): string {
  const config = ftsConfigFor(language)
  return LANGUAGE_NAMES[config] ?? (language?.trim() || 'English')
}

/**
 * Text as it is indexed and searched: accents on Latin letters dropped, so "reserver" finds
 * "réserver" (customers type fast on phones). Applied to both sides; other scripts are untouched.
 */
export function searchableText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/([A-Za-z])\p{M}+/gu, '$1')
    .normalize('NFC')
}
