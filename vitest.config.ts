import { defineConfig } from 'vitest/config'
import { findChromium, INSTALL_HINT } from './e2e/support/find-chromium.js'

// Pure tests: no database, no server process, no browser. `npm run test:unit` runs these alone
// (seconds); a test file that needs none of those belongs here.
const UNIT = [
  'test/api-types.test.ts',
  'test/business-hours.test.ts',
  'test/config.test.ts',
  'test/job-handlers.test.ts',
  'test/knowledge-text.test.ts',
  'test/telephony-twilio.test.ts',
]

// The browser tests need Chromium. Without one they are left out with one line saying how to get
// it, unless REQUIRE_BROWSER=1 (CI), where a missing browser must fail the run, not shrink it.
const chromium = findChromium()
if (!chromium) {
  const line = `No Chromium found: the browser tests (e2e/) are skipped; ${INSTALL_HINT}.`
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1: ${line}`)
  // Vitest loads this file once per project; the line is said once per run.
  const said = Symbol.for('whatsapp-ai-platform.no-chromium-said')
  const shared = globalThis as { [said]?: boolean }
  if (!shared[said]) console.warn(line)
  shared[said] = true
}

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    coverage: {
      provider: 'v8',
      // The server's code as the tests in this process run it. The dashboard (src/web) is exercised
      // by the browser tests through a separate server process, which v8 coverage cannot see.
      include: ['src/server/**/*.ts'],
      exclude: ['src/server/db/migrations/**'],
      reporter: ['text-summary', 'html'],
      reportOnFailure: true,
      reportsDirectory: 'coverage',
    },
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: { name: 'integration', include: ['test/**/*.test.ts', 'src/**/*.test.ts'], exclude: UNIT },
      },
      ...(chromium
        ? [{ extends: true as const, test: { name: 'browser', include: ['e2e/**/*.test.ts'] } }]
        : []),
    ],
  },
})
