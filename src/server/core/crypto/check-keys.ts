import { sql } from 'drizzle-orm'
import { type Db, queryRows } from '../../db/client.js'
import { DecryptionError, decryptText } from './encryption.js'

/** Stored values tried at startup, per column (any rows: a cheap sample, not a scan). */
const SAMPLE = 20

const SAMPLES = [
  sql`select body as v from messages where body like 'enc1:%' limit ${SAMPLE}`,
  sql`select name as v from contacts where name like 'enc1:%' limit ${SAMPLE}`,
  sql`select profile_name as v from contacts where profile_name like 'enc1:%' limit ${SAMPLE}`,
  sql`select body as v from inbox where body like 'enc1:%' limit ${SAMPLE}`,
]

/**
 * Fails startup with a clear message when the key ring cannot read what is stored (a key removed
 * too early, a wrong key, another deployment's ring), instead of serving pages of unreadable values.
 * It samples a few encrypted values of each encrypted table; a bad row met later reads as a marker
 * and is logged (decryptForDisplay).
 */
export async function checkEncryptionKeys(db: Db): Promise<void> {
  const problems = new Map<string, string>()
  for (const sample of SAMPLES) {
    for (const { v } of await queryRows<{ v: string }>(db, sample)) {
      try {
        decryptText(v)
      } catch (err) {
        if (err instanceof DecryptionError) problems.set(err.keyId, err.message)
        else throw err
      }
    }
  }
  if (problems.size > 0)
    throw new Error(
      `ENCRYPTION_KEYS cannot read stored data: ${[...problems.values()].join('; ')}. ` +
        'Keep every key that still encrypts rows in the ring (after the current one) until the crypto.reencrypt job has moved them.',
    )
}
