import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface AxeNode {
  target: unknown[]
  failureSummary?: string
}
interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: AxeNode[]
}

/** The impacts that fail a page: minor and moderate findings are left to review. */
const FAILING = new Set(['serious', 'critical'])

/**
 * Runs axe-core (WCAG 2 A/AA rules) on the page as it is now and throws a readable list of the
 * serious and critical violations, naming `view` and the elements at fault.
 */
export async function expectAccessible(page: Page, view: string) {
  const loaded = await page.evaluate(() => 'axe' in window)
  // Not addScriptTag: the app's Content-Security-Policy (script-src 'self') blocks inline scripts,
  // while an evaluation from the test driver is not a page script and is allowed.
  if (!loaded) await page.evaluate(AXE_SOURCE)
  const violations = await page.evaluate(async () => {
    const { axe } = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<unknown> } }
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    })) as { violations: unknown[] }
    return result.violations
  })
  const failing = (violations as AxeViolation[]).filter((v) => v.impact !== null && FAILING.has(v.impact))
  if (failing.length === 0) return
  const lines = failing.flatMap((v) => [
    `- ${v.id} (${v.impact}): ${v.help}`,
    ...v.nodes
      .slice(0, 5)
      .map(
        (n) =>
          `    ${n.target.map(String).join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`,
      ),
    ...(v.nodes.length > 5 ? [`    … and ${v.nodes.length - 5} more`] : []),
  ])
  throw new Error(
    `axe found ${failing.length} serious/critical violation(s) on ${view}:\n${lines.join('\n')}`,
  )
}
