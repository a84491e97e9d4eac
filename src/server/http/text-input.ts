// Text PostgreSQL cannot store (NUL) or that is not Unicode at all (an unpaired UTF-16 surrogate).
// Customers' messages are cleaned (we must not lose them); API input is refused with a 400.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g')

/** Why `s` cannot be accepted as text, or null when it can. */
export function unsafeTextReason(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain a NUL character (\\u0000)'
  if (LONE_SURROGATE.test(s)) return 'must not contain an unpaired UTF-16 surrogate (invalid Unicode)'
  return null
}

/** NUL removed, unpaired surrogates replaced with U+FFFD: what a customer wrote, storable. */
export function sanitizeCustomerText(s: string): string {
  return s.replaceAll('\u0000', '').replace(LONE_SURROGATES, '\uFFFD')
}

export interface TextIssue {
  path: string
  message: string
}

export const MAX_JSON_DEPTH = 32

/**
 * Every string (object keys included) in parsed JSON that cannot be accepted, by dotted path; and
 * nesting deeper than any of our bodies has (so validation never recurses through junk).
 * Iterative: a 1 MB body of `[[[[…` must not overflow the stack here.
 */
export function unsafeJsonIssues(root: unknown): TextIssue[] {
  const out: TextIssue[] = []
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }]
  while (out.length < 20) {
    const next = stack.pop()
    if (!next) break
    const { value, path } = next
    if (typeof value === 'string') {
      const reason = unsafeTextReason(value)
      if (reason) out.push({ path: path.join('.'), message: reason })
      continue
    }
    if (value === null || typeof value !== 'object') continue
    if (path.length >= MAX_JSON_DEPTH) {
      out.push({ path: path.join('.'), message: `nested deeper than ${MAX_JSON_DEPTH} levels` })
      continue
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] })
      continue
    }
    for (const [key, item] of Object.entries(value).reverse()) {
      const keyReason = unsafeTextReason(key)
      if (keyReason)
        out.push({ path: [...path, sanitizeCustomerText(key)].join('.'), message: `field name ${keyReason}` })
      else stack.push({ value: item, path: [...path, key] })
    }
  }
  return out
}
