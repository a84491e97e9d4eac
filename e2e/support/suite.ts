import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, onTestFailed } from 'vitest'
import { launchBrowser } from './browser'
import { type RunningServer, startServer } from './server'

/**
 * A real server (on a free port, fresh data) and Chromium for one describe block, closed after
 * it; a failing test prints the server's log of its own span.
 */
export function browserSuite(env: Record<string, string> = {}) {
  const suite = {} as { server: RunningServer; browser: Browser }
  beforeAll(async () => {
    suite.server = await startServer(env)
    suite.browser = await launchBrowser()
  })
  beforeEach(() => {
    const logStart = suite.server.output().length
    onTestFailed(() => {
      console.error(`server log during the test:\n${suite.server.output().slice(logStart).slice(-4000)}`)
    })
  })
  afterAll(async () => {
    await suite.browser?.close()
    await suite.server?.stop()
  })
  return suite
}
