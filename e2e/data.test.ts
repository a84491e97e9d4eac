import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../test/support/wait'
import { expectAccessible } from './support/axe'
import { newPage, signInInBrowser } from './support/browser'
import { apiJson, customerWrites, ownerWithOrganization, provisionViaApi } from './support/sandbox'
import { docScreenshot } from './support/screenshots'
import { addMemberViaApi, signUpViaApi, uniqueUser } from './support/server'
import { browserSuite } from './support/suite'

// A known auth secret: the sandbox provider's webhook token derives from it (config.ts), so the
// test can sign a customer's message as Twilio would.
const AUTH_SECRET = randomBytes(32).toString('hex')
const CUSTOMER = '+33612345678'
const TEXT = 'Bonjour, my order 4711 has not arrived yet'

const auditRow = (page: Page, action: string) =>
  page.locator(`[data-testid="audit-row"][data-action="${action}"]`)

describe('Data & privacy in a real browser', () => {
  const suite = browserSuite({ AUTH_SECRET })

  it('exports the messages, sets the retention, shows the audit log and erases a customer', {
    timeout: 180_000,
  }, async () => {
    const { owner, cookie, orgId } = await ownerWithOrganization(suite.server, 'Corner Bakery')
    const number = await provisionViaApi(suite.server, cookie, orgId)
    await customerWrites(suite.server, AUTH_SECRET, { from: CUSTOMER, to: number, name: 'Ana', body: TEXT })
    await waitFor(
      async () =>
        (
          await apiJson<{ conversations: unknown[] }>(
            suite.server,
            cookie,
            `/api/organizations/${orgId}/conversations`,
          )
        ).conversations.length > 0,
      { timeoutMs: 30_000, intervalMs: 300, what: "the customer's conversation" },
    )

    const { context, page } = await newPage(suite.browser, suite.server.url)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await signInInBrowser(page, owner)
    await page.goto(`/Dashboard/organizations/${orgId}`)
    await page.getByRole('tab', { name: 'Data & privacy' }).click()
    await page.getByRole('tab', { name: 'Data & privacy', selected: true }).waitFor()
    expect(new URL(page.url()).searchParams.get('tab')).toBe('data')
    await page.getByText('No exports yet').waitFor()
    await page.getByTestId('retention-policy').getByText('Messages are kept forever.').waitFor()
    expect(await page.getByTestId('help-link').getAttribute('href')).toBe('/help/data-and-privacy')
    await expectAccessible(page, 'the Data & privacy tab')

    // A messages CSV export runs in the background and completes; its link needs no session.
    expect(await page.getByLabel('What to export').inputValue()).toBe('messages')
    await page.getByRole('radio', { name: 'CSV' }).check()
    await page.getByRole('button', { name: 'Start export' }).click()
    const done = page.locator('[data-testid="export-row"][data-status="completed"]')
    await done.waitFor({ timeout: 60_000 })
    expect(await done.getAttribute('data-kind')).toBe('messages')
    expect(await done.getByTestId('export-size').textContent()).toMatch(/\d+(\.\d)? (B|KB|MB)/)
    const href = await done.getByTestId('export-download').getAttribute('href')
    expect(href).toMatch(/^\/api\/exports\/.+\/file\?token=/)
    const file = await fetch(`${suite.server.url}${href}`)
    expect(file.status).toBe(200)
    const csv = await file.text()
    expect(csv).toContain(TEXT)
    expect(csv).toContain(CUSTOMER)

    // A small export can also be streamed at once, with the session.
    const [now] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /^Download now/ }).click(),
    ])
    expect(await readFile(await now.path(), 'utf8')).toContain(TEXT)

    // Retention: 30 days, said in one sentence.
    await page.getByRole('radio', { name: 'For a number of days' }).check()
    await page.getByLabel('Delete messages older than (days)').fill('30')
    await page.getByRole('button', { name: 'Save the retention policy' }).click()
    await page
      .getByTestId('retention-policy')
      .getByText('Messages older than 30 days are deleted every hour.')
      .waitFor()

    // The audit log names both changes, with who made them.
    await auditRow(page, 'retention.changed').waitFor()
    await auditRow(page, 'export.created').waitFor()
    expect(await auditRow(page, 'export.created').textContent()).toContain(owner.email)
    await page.getByLabel('Show', { exact: true }).selectOption('retention.changed')
    await auditRow(page, 'export.created').waitFor({ state: 'detached' })
    await auditRow(page, 'retention.changed').waitFor()
    expect(await page.getByTestId('audit-row').count()).toBe(1)
    await page.getByLabel('Show', { exact: true }).selectOption('')
    await auditRow(page, 'export.created').waitFor()
    const toasts = page.getByTestId('toasts').getByRole('button', { name: 'Dismiss' })
    while ((await toasts.count()) > 0) await toasts.first().click()
    await page.evaluate(() => window.scrollTo(0, 0))
    await docScreenshot(page, 'data-and-privacy')

    // Access (art. 15): the customer's data as a JSON file holding their message.
    await page.getByLabel('The customer’s WhatsApp number').fill('+33 6 12 34 56 78')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download their data' }).click(),
    ])
    const held = await readFile(await download.path(), 'utf8')
    expect(held).toContain(TEXT)
    expect(held).toContain(CUSTOMER)

    // Erasure (art. 17): the number retyped, then what was removed.
    await page.getByRole('button', { name: 'Erase their data' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('heading', { name: /^Erase everything on / }).waitFor()
    const erase = dialog.getByRole('button', { name: 'Erase for good' })
    expect(await erase.isDisabled()).toBe(true)
    await dialog.getByLabel(`Type ${CUSTOMER} to confirm`).fill('+33612345679')
    expect(await erase.isDisabled()).toBe(true)
    await dialog.getByLabel(`Type ${CUSTOMER} to confirm`).fill(CUSTOMER)
    await expectAccessible(page, 'the erasure confirmation')
    await erase.click()
    const summary = page.getByTestId('erased-summary')
    await summary.waitFor()
    expect(await summary.locator('[data-erased="contacts"]').textContent()).toBe('1 contact')
    expect(await summary.locator('[data-erased="conversations"]').textContent()).toBe('1 conversation')
    expect(await summary.locator('[data-erased="messages"]').textContent()).toMatch(/^\d+ messages?$/)
    await auditRow(page, 'customer.erased').waitFor()
    // The audit log keeps only the number's last digits, never the customer.
    expect(await page.getByTestId('audit-section').textContent()).not.toContain(CUSTOMER)
    // Every export made before the erasure went with it, and its link with it.
    await page.getByText('No exports yet').waitFor()
    expect((await fetch(`${suite.server.url}${href}`)).ok).toBe(false)

    // Nothing is left on the number: its data export is now empty of messages.
    const after = await suite.server.request(
      `/api/organizations/${orgId}/privacy/customers/${encodeURIComponent(CUSTOMER)}/export`,
      { cookie },
    )
    expect(after.ok ? await after.text() : '').not.toContain(TEXT)

    expect(pageErrors).toEqual([])
    await context.close()
  })

  it('is hidden from an agent', { timeout: 60_000 }, async () => {
    const { cookie, orgId } = await ownerWithOrganization(suite.server, 'Team Shop')
    const agent = uniqueUser('agent')
    const agentCookie = await signUpViaApi(suite.server, agent)
    await addMemberViaApi(suite.server, cookie, orgId, { email: agent.email, cookie: agentCookie }, 'agent')
    const { context, page } = await newPage(suite.browser, suite.server.url)
    await signInInBrowser(page, agent)
    await page.goto(`/Dashboard/organizations/${orgId}?tab=data`)
    await page.getByRole('tab', { name: 'Overview', selected: true }).waitFor()
    expect(await page.getByRole('tab', { name: 'Data & privacy' }).count()).toBe(0)
    await context.close()
  })

  it('lets a user download their data and delete their account, after handing over what they own', {
    timeout: 120_000,
  }, async () => {
    const { owner, orgId } = await ownerWithOrganization(suite.server, 'Last Owner Shop')
    const { context, page } = await newPage(suite.browser, suite.server.url)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await signInInBrowser(page, owner)
    await page.goto('/Dashboard/account')
    const section = page.getByTestId('your-data')
    await section.waitFor()

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      section.getByRole('button', { name: 'Download my data' }).click(),
    ])
    expect(await readFile(await download.path(), 'utf8')).toContain(owner.email)

    // The last owner of an organization is told which one to hand over or delete first.
    await section.getByRole('button', { name: 'Delete my account' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete your account?' })
    await dialog.getByLabel(/^Type your email/).fill(owner.email)
    await expectAccessible(page, 'the account deletion confirmation')
    await dialog.getByRole('button', { name: 'Delete my account' }).click()
    const notice = page.getByTestId('last-owner')
    await notice.waitFor()
    const link = notice.getByRole('link', { name: 'Last Owner Shop' })
    expect(await link.getAttribute('href')).toBe(`/Dashboard/organizations/${orgId}?tab=settings`)
    await expectAccessible(page, 'the account page refusing to delete a last owner')

    // A user who owns nothing is deleted, signed out and cannot sign in again.
    const loner = uniqueUser('loner')
    await signUpViaApi(suite.server, loner)
    await context.clearCookies()
    await signInInBrowser(page, loner)
    await page.goto('/Dashboard/account')
    await page.getByTestId('your-data').getByRole('button', { name: 'Delete my account' }).click()
    const confirm = page.getByRole('dialog', { name: 'Delete your account?' })
    await confirm.getByLabel(/^Type your email/).fill(loner.email)
    await confirm.getByRole('button', { name: 'Delete my account' }).click()
    await page.waitForURL(/\/sign-in$/)
    const again = await suite.server.request('/api/auth/sign-in/email', {
      method: 'POST',
      body: JSON.stringify({ email: loner.email, password: loner.password }),
    })
    expect(again.ok).toBe(false)

    expect(pageErrors).toEqual([])
    await context.close()
  })
})
