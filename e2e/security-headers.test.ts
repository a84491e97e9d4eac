import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { describe, expect, it, onTestFailed } from 'vitest'
import { newPage, signUpInBrowser } from './support/browser'
import { uniqueUser } from './support/server'
import { browserSuite } from './support/suite'

// The dashboard and /api/docs under the Content-Security-Policy in a real Chromium: every
// violation is reported by the browser (a `securitypolicyviolation` event and a console error),
// and there must be none while a user signs up, creates an organization and visits every tab.

interface Watch {
  violations: string[]
  pageErrors: string[]
}

async function watchedPage(
  browser: Browser,
  baseUrl: string,
): Promise<{ context: BrowserContext; page: Page; watch: Watch }> {
  const { context, page } = await newPage(browser, baseUrl)
  const watch: Watch = { violations: [], pageErrors: [] }
  // Init scripts are injected by the browser's debugging protocol, outside the page's CSP.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(
        `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} in ${e.sourceFile}:${e.lineNumber}`,
      )
    })
  })
  page.on('console', (msg) => {
    const text = msg.text()
    if (
      msg.type() === 'error' &&
      /CSP violation|Content Security Policy|Refused to (load|execute|apply|frame|connect)/i.test(text)
    ) {
      watch.violations.push(text)
    }
  })
  page.on('pageerror', (e) => watch.pageErrors.push(e.message))
  return { context, page, watch }
}

describe('Content-Security-Policy in a real browser', () => {
  const suite = browserSuite()

  it('the dashboard works with zero violations, its writes pass the cross-site check', {
    timeout: 120_000,
  }, async () => {
    const { context, page, watch } = await watchedPage(suite.browser, suite.server.url)
    onTestFailed(() => console.error(`violations: ${JSON.stringify(watch)}`))
    try {
      const response = await page.goto('/sign-up')
      const csp = response?.headers()['content-security-policy'] ?? ''
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(response?.headers()['x-frame-options']).toBe('DENY')

      // Sign-up and create are POSTs from the page: same origin, so the CSRF guard lets them through.
      await signUpInBrowser(page, uniqueUser('csp'))
      await page.getByRole('button', { name: 'Create organization' }).click()
      const dialog = page.getByRole('dialog', { name: 'Create organization' })
      await dialog.getByLabel('Name', { exact: true }).fill('Policy Bakery')
      await dialog.getByRole('button', { name: 'Create', exact: true }).click()
      await page.getByRole('heading', { name: 'Policy Bakery', level: 1 }).waitFor()
      const orgId = new URL(page.url()).pathname.split('/').pop() ?? ''
      expect(orgId).toBeTruthy()

      for (const tab of ['Settings', 'AI Training', 'Analytics', 'Overview']) {
        await page.getByRole('tab', { name: tab }).click()
        await page.getByRole('tab', { name: tab, selected: true }).waitFor()
      }
      await page.goto(`/Dashboard/organizations/${orgId}/simulator`)
      await page.getByLabel('Customer phone number').waitFor()
      await page.goto('/Dashboard/organizations')
      await page.getByText('Policy Bakery').first().waitFor()

      expect(watch.violations).toEqual([])
      expect(watch.pageErrors).toEqual([])

      // And the watch does see a violation: an inline script added to the page is refused.
      await page.evaluate(() => {
        const script = document.createElement('script')
        script.textContent = 'document.body.dataset.inline = "ran"'
        document.body.append(script)
      })
      await expect.poll(() => watch.violations.length).toBeGreaterThan(0)
      expect(watch.violations[0]).toContain('script-src')
      expect(await page.evaluate(() => document.body.dataset.inline)).toBeUndefined()
    } finally {
      await context.close()
    }
  })

  it('/api/docs renders Swagger UI from this server with zero violations', { timeout: 60_000 }, async () => {
    const { context, page, watch } = await watchedPage(suite.browser, suite.server.url)
    const foreign: string[] = []
    page.on('request', (req) => {
      if (!req.url().startsWith(suite.server.url) && !req.url().startsWith('data:')) foreign.push(req.url())
    })
    try {
      const response = await page.goto('/api/docs')
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")
      await page.locator('.swagger-ui .info .title').getByText('WhatsApp AI Assistants API').waitFor()
      // Tags start collapsed (docExpansion 'none': 150 operations at once are too many to scan).
      await expect.poll(() => page.locator('.opblock-tag').count(), { timeout: 20_000 }).toBeGreaterThan(15)
      await page.locator('.opblock-tag', { hasText: 'Billing' }).first().click()
      await expect.poll(() => page.locator('.opblock').count(), { timeout: 20_000 }).toBeGreaterThan(5)
      // Open one operation: expanding renders schemas and examples (more of Swagger UI's code).
      await page.locator('.opblock-summary').first().click()
      await page.locator('.opblock-body').first().waitFor()
      expect(watch.violations).toEqual([])
      expect(watch.pageErrors).toEqual([])
      expect(foreign).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('a page on another origin cannot frame the dashboard', { timeout: 60_000 }, async () => {
    // A real page on another origin (another port) that tries to frame the sign-in page.
    const framer = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html')
      res.end(`<h1>framer</h1><iframe src="${suite.server.url}/sign-in"></iframe>`)
    })
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', () => resolve()))
    const { port } = framer.address() as AddressInfo
    const { context, page } = await newPage(suite.browser, suite.server.url)
    try {
      const refused: string[] = []
      page.on('console', (msg) => {
        if (msg.text().includes("frame-ancestors 'none'")) refused.push(msg.text())
      })
      await page.goto(`http://127.0.0.1:${port}/`)
      await page.getByRole('heading', { name: 'framer' }).waitFor()
      await expect.poll(() => refused.length, { timeout: 10_000 }).toBeGreaterThan(0)
      const child = page.frames().find((f) => f !== page.mainFrame())
      expect(child?.url()).not.toContain(suite.server.url)
    } finally {
      await context.close()
      framer.close()
    }
  })
})
