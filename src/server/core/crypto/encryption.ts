import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import type { EncryptionKey } from '../../config.js'

// Application-level encryption at rest (issue 16): AES-256-GCM with a key ring. A stored value is
// `enc1:<key id>:<base64url(iv ‖ ciphertext ‖ tag)>`; the first key of the ring encrypts, every
// key decrypts (rotation: put the new key first, old rows stay readable; the `crypto.reencrypt`
// job moves them to the new key, after which the old key can go). A value without the prefix is
// plaintext written before encryption existed, and is returned as it is. The empty string stays
// empty (it says nothing a ciphertext's length would not, and SQL can keep testing `body <> ''`).
//
// The ring is process-wide (the Drizzle column types that use it have no per-request context):
// `configureEncryption` is called by startRuntime with config.encryptionKeys and replaces the ring,
// so a process holds exactly the configured keys (removing a key really removes it).

const PREFIX = 'enc1:'
const IV_BYTES = 12
const TAG_BYTES = 16

let ring = new Map<string, Buffer>()
let current: EncryptionKey | undefined
let indexKey: { id: string; key: Buffer } | undefined
let reportFailure: (err: DecryptionError) => void = (err) => console.error(err.message)
const reported = new Set<string>()

/** A stored value that cannot be decrypted: its key is not in the ring, or the key is wrong. */
export class DecryptionError extends Error {
  constructor(
    readonly keyId: string,
    reason: 'missing' | 'wrong',
  ) {
    super(
      reason === 'missing'
        ? `Cannot decrypt: key "${keyId}" is not in ENCRYPTION_KEYS (stored data was encrypted with it; add it back after the current key)`
        : `Cannot decrypt: key "${keyId}" in ENCRYPTION_KEYS is not the key the data was encrypted with (wrong key, or corrupted value)`,
    )
    this.name = 'DecryptionError'
  }
}

export function configureEncryption(
  keys: readonly EncryptionKey[],
  opts: { onDecryptFailure?: (err: DecryptionError) => void } = {},
) {
  const [first] = keys
  const last = keys[keys.length - 1]
  if (!first || !last) throw new Error('configureEncryption: the key ring is empty')
  ring = new Map(keys.map((k) => [k.id, k.key]))
  current = first
  // The blind index of contact names (blind-index.ts) must not change when a key is added in front:
  // it is derived from the last (oldest) key, and re-indexed by the job when that one is removed.
  indexKey = { id: last.id, key: Buffer.from(hkdfSync('sha256', last.key, '', 'contact-name-index', 32)) }
  if (opts.onDecryptFailure) reportFailure = opts.onDecryptFailure
  reported.clear()
}

/** Whether a stored value is encrypted (vs plaintext written before encryption existed). */
export const isEncrypted = (stored: string) => stored.startsWith(PREFIX)

// IVs are taken from a pool of random bytes (one randomBytes call per 1,024 values: bulk writes
// encrypt many values); each IV is used once.
let ivPool = Buffer.alloc(0)
let ivOffset = 0
function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_BYTES * 1024)
    ivOffset = 0
  }
  ivOffset += IV_BYTES
  return ivPool.subarray(ivOffset - IV_BYTES, ivOffset)
}

export function encryptText(plain: string): string {
  if (!current) throw new Error('Encryption is not configured (configureEncryption was not called)')
  if (plain === '') return ''
  const iv = nextIv()
  const cipher = createCipheriv('aes-256-gcm', current.key, iv)
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return `${PREFIX}${current.id}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`
}

/** The plaintext of a stored value; throws DecryptionError when its key is absent or wrong. */
export function decryptText(stored: string): string {
  if (!isEncrypted(stored)) return stored
  const rest = stored.slice(PREFIX.length)
  const colon = rest.indexOf(':')
  const keyId = rest.slice(0, Math.max(colon, 0))
  const key = colon < 0 ? undefined : ring.get(keyId)
  if (!key) throw new DecryptionError(keyId, 'missing')
  const raw = Buffer.from(rest.slice(colon + 1), 'base64url')
  if (raw.length < IV_BYTES + TAG_BYTES) throw new DecryptionError(keyId, 'wrong')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES))
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES))
    return Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8')
  } catch {
    throw new DecryptionError(keyId, 'wrong')
  }
}

/** What a page shows for a value that cannot be decrypted (never the ciphertext). */
export const unreadableText = (keyId: string) => `[unreadable: encryption key "${keyId}" unavailable]`

/**
 * For reads that show or use a value: a value that cannot be decrypted becomes a visible marker
 * (reported once per key to the log) instead of failing the whole page for one bad row. Jobs that
 * rewrite values use `decryptText`, which throws, so a marker is never stored.
 */
export function decryptForDisplay(stored: string): string {
  try {
    return decryptText(stored)
  } catch (err) {
    if (!(err instanceof DecryptionError)) throw err
    if (!reported.has(err.keyId)) {
      reported.add(err.keyId)
      reportFailure(err)
    }
    return unreadableText(err.keyId)
  }
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

/** The LIKE pattern of values encrypted under the current key (values that need no rewrite). */
export function currentKeyPattern(): string {
  if (!current) throw new Error('Encryption is not configured (configureEncryption was not called)')
  return `${PREFIX}${current.id.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`
}

/** The key of the contact-name blind index (blind-index.ts) and the ring key it comes from. */
export function blindIndexKey(): { id: string; key: Buffer } {
  if (!indexKey) throw new Error('Encryption is not configured (configureEncryption was not called)')
  return indexKey
}
