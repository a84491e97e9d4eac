import { z } from 'zod'
import { REENCRYPT_TABLES } from '../../core/crypto/reencrypt.js'
import { defineJob } from './define.js'

// Job kinds of encryption at rest: name → definition. See ./index.ts.
export const cryptoJobs = {
  /**
   * Rewrites stored customer text that is plaintext or under an older key with the current key,
   * and rebuilds the contact-name blind index (core/crypto/reencrypt.ts). Scheduled daily; a step
   * works ≤ 20 s and enqueues the next one with its cursor, so it is resumable. Run it after
   * putting a new key first in ENCRYPTION_KEYS, before removing the old one.
   */
  'crypto.reencrypt': defineJob({
    payload: z
      .object({
        cursor: z.object({ table: z.enum(REENCRYPT_TABLES), after: z.string() }).optional(),
      })
      .passthrough(),
    retryLimit: 3,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 300,
  }),
}
