import { customType } from 'drizzle-orm/pg-core'
import { decryptForDisplay, decryptText, encryptText, isEncrypted } from '../core/crypto/encryption.js'
import type { MediaItem } from './schema/messaging.js'

// Columns holding what customers write, encrypted at rest (core/crypto/encryption.ts). The SQL
// types do not change (`text`, `jsonb`): a value is encrypted when Drizzle writes it and decrypted
// when Drizzle reads it. Raw SQL (`sql`…``, `queryRows`, `executePrepared`) bypasses these types and
// must call the helpers below itself. A value that cannot be decrypted reads as a visible marker
// (decryptForDisplay) so one bad row does not fail a page; the re-encryption job uses the
// throwing variants.

/** A text column whose values are stored as `enc1:…` (plaintext written earlier still reads). */
export const encryptedText = customType<{ data: string; driverData: string }>({
  dataType: () => 'text',
  toDriver: (value) => encryptText(value),
  fromDriver: (value) => decryptForDisplay(value),
})

/** Media items with each `url` encrypted (the content type stays readable). */
export const encryptMediaItems = (items: readonly MediaItem[]): MediaItem[] =>
  items.map((m) => ({ ...m, url: isEncrypted(m.url) ? m.url : encryptText(m.url) }))

/** Media as stored (jsonb: a parsed array, or its JSON text from some drivers) → plaintext items. */
export function decryptMediaItems(stored: unknown, strict = false): MediaItem[] {
  const items = (typeof stored === 'string' ? JSON.parse(stored) : (stored ?? [])) as MediaItem[]
  return items.map((m) => ({ ...m, url: strict ? decryptText(m.url) : decryptForDisplay(m.url) }))
}

/** A jsonb column of media items (`[{url, contentType}]`) whose urls are encrypted. */
export const encryptedMedia = customType<{ data: MediaItem[]; driverData: unknown }>({
  dataType: () => 'jsonb',
  toDriver: (value) => JSON.stringify(encryptMediaItems(value)),
  fromDriver: (value) => decryptMediaItems(value),
})

/** For raw SQL results: a nullable stored text → plaintext (a marker if it cannot be decrypted). */
export const readEncrypted = <T extends string | null | undefined>(stored: T): T =>
  (typeof stored === 'string' ? decryptForDisplay(stored) : stored) as T

/** For raw SQL writes: a nullable plaintext → stored text. */
export const writeEncrypted = <T extends string | null | undefined>(plain: T): T =>
  (typeof plain === 'string' ? encryptText(plain) : plain) as T

/**
 * Template variables computed from contacts in SQL (a broadcast's `name` variable is the stored
 * name, so it stays encrypted in broadcast_recipients.variables and messages.content_variables):
 * every value decrypted for rendering or sending.
 */
export function readVariables(vars: Record<string, string> | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(vars ?? {}).map(([k, v]) => [k, decryptForDisplay(v)]))
}
