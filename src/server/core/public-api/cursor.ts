import { BadRequest } from '../errors.js'
import { isUuid } from '../members/permissions.js'

// Keyset cursors: the last row's sort key (a timestamp as PostgreSQL writes it, so microseconds
// are kept — a JS Date would round them off and skip or repeat rows — and its id), opaque to
// callers as base64url JSON. Rows inserted meanwhile never shift a page: the next page starts
// after that key, not after a count of rows.

/** A page position: `[timestamptz as text, id]`. */
export type KeyCursor = [at: string, id: string]

/** How PostgreSQL writes a timestamptz as text: 2026-11-29 14:05:25.123456+00. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/

export const encodeKeyCursor = (c: KeyCursor) => Buffer.from(JSON.stringify(c)).toString('base64url')

/** The cursor a list gave, or a 400 naming the `cursor` parameter. */
export function decodeKeyCursor(raw: string): KeyCursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === 'string' &&
      TIMESTAMP.test(v[0]) &&
      typeof v[1] === 'string' &&
      isUuid(v[1])
    )
      return [v[0], v[1]]
  } catch {
    // falls through to the 400
  }
  throw new BadRequest('Invalid input', [{ path: 'cursor', message: 'not a cursor this list gave' }])
}
