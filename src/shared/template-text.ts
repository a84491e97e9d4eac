// A WhatsApp template's text: numbered variables ({{1}}, {{2}}…), the rules WhatsApp's review
// holds them to, and the text a customer reads once the values are in. Shared by the server (checks
// and sending) and the dashboard (live preview), so both read a template the same way.

/** A placeholder as written: {{1}}, {{ 2 }}. */
const VARIABLE = /\{\{\s*(\d+)\s*\}\}/g
/** Anything between double braces, to find placeholders that are not numbers ({{name}}). */
const ANY_PLACEHOLDER = /\{\{([^{}]*)\}\}/g

export const TEMPLATE_LIMITS = {
  /** WhatsApp's limit on a template body (and on the text once the values are in). */
  bodyChars: 1024,
  /** One example or one value. */
  valueChars: 1024,
  nameChars: 512,
} as const

/** WhatsApp template names: lowercase letters, digits and underscores. */
export const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/
/** WhatsApp language codes: en, es, pt_BR, zh_CN, fil… */
export const TEMPLATE_LANGUAGE = /^[a-z]{2,3}(?:_[A-Z]{2})?$/

/** The variable numbers a body uses, in numeric order, each once ("01" is "1"). */
export function templateVariables(body: string): string[] {
  const found = new Set<string>()
  for (const m of body.matchAll(VARIABLE)) if (m[1]) found.add(String(Number(m[1])))
  return [...found].sort((a, b) => Number(a) - Number(b))
}

/** The body with each variable replaced by its value (a variable without one stays as written). */
export function renderTemplate(body: string, values: Record<string, string>): string {
  return body.replace(VARIABLE, (whole, n: string) => values[String(Number(n))] ?? whole)
}

export interface FieldError {
  path: string
  message: string
}

/**
 * What WhatsApp's review (and Twilio) would refuse in a template, as field errors: placeholders
 * that are not numbers, numbering that does not run 1, 2, … n without gaps, a variable without an
 * example, an example for a variable the body does not have.
 */
export function templateTextErrors(body: string, examples: Record<string, string>): FieldError[] {
  const errors: FieldError[] = []
  const odd = [...body.matchAll(ANY_PLACEHOLDER)]
    .map((m) => m[0])
    // Exactly as WhatsApp and Twilio read them: {{1}}, no spaces, no leading zeros ({{0}} is caught below).
    .filter((p) => !/^\{\{(?:[1-9]\d*|0)\}\}$/.test(p))
  if (odd.length > 0) {
    errors.push({
      path: 'body',
      message: `Variables are written as numbers in double braces, without spaces ({{1}}, {{2}}…); ${[...new Set(odd)].join(', ')} is not one`,
    })
  }
  const variables = templateVariables(body)
  const gaps: string[] = []
  const highest = Number(variables.at(-1) ?? 0)
  for (let n = 1; n <= highest; n++) if (!variables.includes(String(n))) gaps.push(String(n))
  if (variables.includes('0')) {
    errors.push({ path: 'body', message: 'Variables start at {{1}}; {{0}} is not allowed' })
  }
  if (gaps.length > 0) {
    errors.push({
      path: 'body',
      message: `Variables are numbered 1 to ${highest} without gaps: ${gaps.map((n) => `{{${n}}}`).join(', ')} ${gaps.length === 1 ? 'is' : 'are'} missing`,
    })
  }
  for (const n of variables) {
    if (n === '0') continue
    if (!examples[n]?.trim()) {
      errors.push({
        path: `examples.${n}`,
        message: `Give an example value for {{${n}}} (WhatsApp's review needs one)`,
      })
    }
  }
  for (const key of Object.keys(examples)) {
    if (!variables.includes(key)) {
      errors.push({ path: `examples.${key}`, message: `The body has no {{${key}}}` })
    }
  }
  return errors
}

/** The variables a send lacks (absent or blank), and the values it gives that the template has no place for. */
export function variableProblems(body: string, values: Record<string, string>) {
  const wanted = templateVariables(body)
  return {
    missing: wanted.filter((n) => !values[n]?.trim()),
    unknown: Object.keys(values).filter((n) => !wanted.includes(n)),
  }
}
