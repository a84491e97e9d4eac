import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Config, parseConfig } from '../../src/server/config.js'
import type { Database } from '../../src/server/db/client.js'
import { createLogger } from '../../src/server/logger.js'
import { type Runtime, type RuntimeOptions, startRuntime } from '../../src/server/runtime.js'
import { createTestDatabase } from './database.js'

/** The operator account the factories use to set plans (test/support/factories.ts `setPlan`). */
export const FACTORY_OPERATOR_EMAIL = 'factory-operator@platform.test'

export interface TestRuntime extends Runtime {
  config: Config
  /** Calls the app in-process, like a browser would over HTTP. */
  request(path: string, init?: RequestInit): Promise<Response>
}

/** The default key ring of test runtimes (test/encryption.test.ts rotates away from it). */
export const TEST_ENCRYPTION_KEYS = `t1:${Buffer.alloc(32, 7).toString('base64')}`

/**
 * A whole app (web and worker) on a fresh database, with configuration from `env`.
 * Each test file starts its own; nothing is shared between files.
 */
export async function startTestRuntime(
  opts: { env?: Record<string, string>; role?: RuntimeOptions['role']; database?: Database } & Pick<
    RuntimeOptions,
    'telephony' | 'webRoot'
  > = {},
): Promise<TestRuntime> {
  const config = parseConfig({
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'wa-test-')),
    AUTH_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    // One ring for every runtime of a test process (the ring is process-wide; a key generated per
    // DATA_DIR would differ between two runtimes of one file).
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    APP_URL: 'http://localhost:3999',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    // Every in-process request shares one client address (http/client-ip.ts), so auth limits are lifted too.
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    SIGN_UPS_PER_HOUR: '100000',
    ...opts.env,
    // The factories' own operator (setPlan) is always an operator, beside any the test names.
    OPERATOR_EMAILS: [FACTORY_OPERATOR_EMAIL, opts.env?.OPERATOR_EMAILS].filter(Boolean).join(','),
  })
  const database = opts.database ?? (await createTestDatabase())
  const runtime = await startRuntime({
    config,
    role: opts.role ?? 'all',
    log: createLogger(config.logLevel),
    database,
    telephony: opts.telephony,
    webRoot: opts.webRoot,
    workerPollingIntervalSeconds: 0.5,
  })
  return {
    ...runtime,
    config,
    request: (path, init) => Promise.resolve(runtime.app.request(path, init)),
    async close() {
      await runtime.close()
      if (!opts.database) await database.close()
    },
  }
}
