import { createHash, randomBytes } from 'node:crypto'

/** Every secret starts with this, so secret scanners (and people) recognise a leaked key. */
export const API_KEY_PREFIX = 'wak_'
const BODY_CHARS = 40
/** The characters of a key kept in clear to tell keys apart (`wak_` and 8 more). */
const SHOWN_CHARS = 12
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** `wak_` and 40 base62 characters (about 238 bits), drawn without modulo bias. */
export function generateApiKeySecret(): string {
  let body = ''
  while (body.length < BODY_CHARS) {
    for (const byte of randomBytes(64)) {
      // 248 = 4 × 62: bytes above it would favour the first characters.
      if (byte < 248 && body.length < BODY_CHARS) body += BASE62[byte % 62]
    }
  }
  return API_KEY_PREFIX + body
}

/** What is stored instead of the secret: its SHA-256, hex. A key has enough entropy that no salt is needed. */
export const hashApiKeySecret = (secret: string) => createHash('sha256').update(secret).digest('hex')

export const apiKeyPrefixOf = (secret: string) => secret.slice(0, SHOWN_CHARS)

/** A string shaped like one of our secrets (anything else is an unknown key without a lookup). */
export const looksLikeApiKey = (token: string) => /^wak_[0-9A-Za-z]{40}$/.test(token)
