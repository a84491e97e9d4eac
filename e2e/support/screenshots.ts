import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { testEnv } from '../../test/support/env'

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')

/**
 * Saves a screenshot of the page as docs/screenshots/<name>.png, only when asked
 * (`npm run screenshots`): the images are committed, so a plain test run must not rewrite them.
 */
export async function docScreenshot(page: Page, name: string) {
  if (!testEnv.SCREENSHOTS) return
  mkdirSync(DIR, { recursive: true })
  await page.screenshot({ path: join(DIR, `${name}.png`), fullPage: false })
}
