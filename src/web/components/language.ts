/**
 * Languages the assistant can be set to answer in, as the codes the API stores (`ai.language`).
 * The list is what the dashboard offers; the API accepts any language code, so an organization
 * set to another code keeps it (the select adds it).
 */
export const LANGUAGE_CODES = [
  'en',
  'fr',
  'es',
  'pt',
  'pt-BR',
  'de',
  'it',
  'nl',
  'sv',
  'da',
  'nb',
  'fi',
  'pl',
  'ru',
  'hu',
  'ro',
  'tr',
  'el',
  'ar',
  'hi',
  'id',
  'sw',
  'rw',
  'zh',
  'ja',
  'ko',
] as const

const names = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' })
  } catch {
    return undefined
  }
})()

/** "French" for `fr`, "Brazilian Portuguese" for `pt-BR`; the code itself when the browser has no name for it. */
export function languageName(code: string): string {
  try {
    return names?.of(code) ?? code
  } catch {
    return code
  }
}

/** The codes to offer, with the current one when it is not in the list, sorted by name. */
export function languageOptions(current: string): { code: string; name: string }[] {
  const codes: string[] = [...LANGUAGE_CODES]
  if (current && !codes.includes(current)) codes.push(current)
  return codes
    .map((code) => ({ code, name: languageName(code) }))
    .sort((a, b) => a.name.localeCompare(b.name))
}
