/**
 * `npm run reencrypt`: runs the `crypto.reencrypt` job's work to its end in this process — every
 * stored customer value that is plaintext or under an older key is rewritten under the first key of
 * ENCRYPTION_KEYS, and the contact-name index is rebuilt (docs/developers/encryption.md). Same
 * configuration as `npm start`. In embedded mode (PGlite) stop the app first: one process at a time
 * opens the data folder; with PostgreSQL it can run beside the app (or let the daily job do it).
 */
import { parseConfig } from '../src/server/config.js'
import { checkEncryptionKeys } from '../src/server/core/crypto/check-keys.js'
import { configureEncryption } from '../src/server/core/crypto/encryption.js'
import { type ReencryptCursor, reencryptStep } from '../src/server/core/crypto/reencrypt.js'
import { openDatabase } from '../src/server/db/client.js'
import { createLogger } from '../src/server/logger.js'

const config = parseConfig()
const log = createLogger(config.logLevel)
configureEncryption(config.encryptionKeys, { onDecryptFailure: (err) => log.error(err.message) })
const database = await openDatabase(config, log)
try {
  await checkEncryptionKeys(database.db)
  let cursor: ReencryptCursor | null | undefined
  let rewritten = 0
  let unreadable = 0
  do {
    const step = await reencryptStep({ db: database.db, log }, { cursor: cursor ?? undefined })
    rewritten += step.rewritten
    unreadable += step.unreadable
    cursor = step.next
    if (cursor) log.info({ at: cursor, rewritten }, 're-encrypting…')
  } while (cursor)
  log.info({ rewritten, unreadable }, 're-encryption done')
  if (unreadable > 0) process.exitCode = 1
} finally {
  await database.close()
}
