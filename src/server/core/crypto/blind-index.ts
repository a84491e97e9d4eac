import { createHmac } from 'node:crypto'
import { type SQL, sql } from 'drizzle-orm'
import { blindIndexKey } from './encryption.js'

// A blind index of contact names, so the contacts page can search names it cannot read in SQL.
// `contacts.name_terms` holds one token per prefix (1..20 characters) of each word of the name and
// of the WhatsApp profile name, lowercased and without accents: HMAC-SHA256 under a key derived from
// the last (oldest) key of the ring, truncated to 16 hex digits, with a one-letter tag saying which
// field it came from (`n…` name, `p…` profile name) so SQL can replace one field's tokens without
// reading the other. `contacts.name_terms_key` is the id of the ring key the tokens were made
// under; the `crypto.reencrypt` job re-indexes rows where it differs (the oldest key was removed).
//
// What it reveals to someone holding only a dump: which contacts share a name prefix, and how many
// words/letters names have — not the names themselves without the key.

const MAX_PREFIX = 20
const TOKEN_HEX = 16

export type TermField = 'n' | 'p'

/** The words of a name: lowercased, accents folded, split on anything not a letter or digit. */
export function nameWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '')
}

// Tokens of recent prefixes: names share most prefixes (an import of 100,000 contacts has a few
// thousand distinct ones), and an HMAC per prefix would dominate a bulk write. Bounded; emptied
// when the index key changes. It holds name prefixes in memory only, like the rows being written.
const CACHE_MAX = 100_000
let cache = new Map<string, string>()
let cacheKey: Buffer | undefined

function token(field: TermField, prefix: string, key: Buffer): string {
  if (cacheKey !== key) {
    cache = new Map()
    cacheKey = key
  }
  const id = field + prefix
  const hit = cache.get(id)
  if (hit !== undefined) return hit
  const made =
    field +
    createHmac('sha256', key)
      .update(prefix)
      .digest()
      .toString('hex', 0, TOKEN_HEX / 2)
  if (cache.size >= CACHE_MAX) cache.clear()
  cache.set(id, made)
  return made
}

/** The tokens of one field's text (every prefix of every word). */
export function termsOf(field: TermField, text: string | null | undefined): string[] {
  if (!text) return []
  const { key } = blindIndexKey()
  const out = new Set<string>()
  for (const word of nameWords(text)) {
    const chars = [...word]
    for (let i = 1; i <= Math.min(chars.length, MAX_PREFIX); i++)
      out.add(token(field, chars.slice(0, i).join(''), key))
  }
  return [...out]
}

/** `name_terms` and `name_terms_key` of a contact with this name and profile name. */
export function nameTermsOf(name: string | null | undefined, profileName: string | null | undefined) {
  return {
    nameTerms: [...termsOf('n', name), ...termsOf('p', profileName)],
    nameTermsKey: blindIndexKey().id,
  }
}

/** The id of the key the index is made under now. */
export const nameTermsKeyId = () => blindIndexKey().id

/**
 * The condition "every word of `search` starts a word of the name or of the profile name", or null
 * when the search has no word (only punctuation or symbols).
 */
export function nameSearchSql(column: SQL | unknown, search: string): SQL | null {
  const words = nameWords(search)
  if (words.length === 0) return null
  const { key } = blindIndexKey()
  const parts = words.map((w) => {
    const prefix = [...w].slice(0, MAX_PREFIX).join('')
    return sql`${column} && array[${token('n', prefix, key)}, ${token('p', prefix, key)}]::text[]`
  })
  return sql`(${sql.join(parts, sql` and `)})`
}

/**
 * SQL for an upsert's `on conflict do update`: replaces one field's tokens with `incoming` (a
 * text[] of that field's new tokens, or null to keep them), keeping the other field's. The key id
 * stays only when the row's other tokens were made under the same key; otherwise null (the job
 * re-indexes the row from both fields).
 */
export function mergeTermsSql(opts: {
  field: TermField
  existingTerms: SQL
  existingKey: SQL
  incoming: SQL
  incomingKey: SQL
}): { terms: SQL; key: SQL } {
  const keepPattern = opts.field === 'n' ? 'p%' : 'n%'
  return {
    terms: sql`case when ${opts.incoming} is null then ${opts.existingTerms}
      else array(select t from unnest(${opts.existingTerms}) t where t like ${keepPattern}) || ${opts.incoming} end`,
    key: sql`case when ${opts.incoming} is null or ${opts.existingKey} = ${opts.incomingKey} then ${opts.existingKey} else null end`,
  }
}
