import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { EncryptionKey } from '../../config.js'

// Application-level encryption at rest (issue 16): AES-256-GCM with a key ring. A stored value is
// `enc1:<key id>:<base64url(iv ‖ ciphertext ‖ tag)>`; the first key of the ring encrypts, every
// key decrypts (rotation: put the new key first, old rows stay readable). A value without the
// prefix is plaintext written before encryption existed, and is returned as it is.
//
// The ring is process-wide (the Drizzle column types that use it have no per-request context):
// `configureEncryption` is called by startRuntime with config.encryptionKeys. Configuring again
// (tests start several runtimes in one process) adds keys and makes the new first key current.

const PREFIX = 'enc1:'
const IV_BYTES = 12
const TAG_BYTES = 16

const ring = new Map<string, Buffer>()
let current: EncryptionKey | undefined

export function configureEncryption(keys: readonly EncryptionKey[]) {
  const [first] = keys
  if (!first) throw new Error('configureEncryption: the key ring is empty')
  for (const k of keys) ring.set(k.id, k.key)
  current = first
}

/** Whether a stored value is encrypted (vs plaintext written before encryption existed). */
export const isEncrypted = (stored: string) => stored.startsWith(PREFIX)

export function encryptText(plain: string): string {
  if (!current) throw new Error('Encryption is not configured (configureEncryption was not called)')
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', current.key, iv)
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return `${PREFIX}${current.id}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`
}

export function decryptText(stored: string): string {
  if (!isEncrypted(stored)) return stored
  const rest = stored.slice(PREFIX.length)
  const colon = rest.indexOf(':')
  const key = ring.get(rest.slice(0, colon))
  if (colon < 0 || !key)
    throw new Error(`Cannot decrypt: key "${rest.slice(0, Math.max(colon, 0))}" is not in the key ring`)
  const raw = Buffer.from(rest.slice(colon + 1), 'base64url')
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES))
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES))
  return Buffer.concat([
    decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
    decipher.final(),
  ]).toString('utf8')
}

export const encryptNullable = (plain: string | null | undefined) =>
  plain === null || plain === undefined ? null : encryptText(plain)
export const decryptNullable = (stored: string | null | undefined) =>
  stored === null || stored === undefined ? null : decryptText(stored)

/** The id of the key that encrypts now (for a re-encryption job: rows under other keys are old). */
export const currentKeyId = () => current?.id

/** The key id a stored value was encrypted with, or null for plaintext. */
export function keyIdOf(stored: string): string | null {
  if (!isEncrypted(stored)) return null
  const rest = stored.slice(PREFIX.length)
  return rest.slice(0, rest.indexOf(':'))
}
