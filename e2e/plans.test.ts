import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest'
import { expectAccessible } from './support/axe'
import { launchBrowser, newPage, signInInBrowser, signUpInBrowser } from './support/browser'
import { signUpOperator } from './support/operator'
import { type RunningServer, startServer, uniqueUser } from './support/server'

// Plans in the dashboard: members see their plan and limit but cannot change them; a platform
// operator changes any organization's plan from the operator page.
describe('plans in a real browser', () => {
  const operator = uniqueUser('operator')
  const owner = uniqueUser('owner')
  let server: RunningServer
  let browser: Browser
  let orgId = ''

  beforeAll(async () => {
    server = await startServer({ OPERATOR_EMAILS: operator.email })
    browser = await launchBrowser()
  })
  beforeEach(() => {
    const logStart = server.output().length
    onTestFailed(() => {
      console.error(`server log during the test:\n${server.output().slice(logStart).slice(-4000)}`)
    })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('shows a member the plan and the limit, read-only, from creation on', async () => {
    const { context, page } = await newPage(browser, server.url)
    await signUpInBrowser(page, owner)
    await page.getByRole('button', { name: 'Create Organization' }).click()
    const dialog = page.getByRole('dialog', { name: 'Create Organization' })
    await dialog.getByText('New organizations start on the Starter plan').waitFor()
    expect(await dialog.getByLabel('Plan').count()).toBe(0)
    await dialog.getByLabel('Name', { exact: true }).fill('Plan Street Bakery')
    await dialog.getByRole('button', { name: 'Create', exact: true }).click()
    await page.getByRole('heading', { name: 'Plan Street Bakery', level: 1 }).waitFor()
    orgId = new URL(page.url()).pathname.split('/').pop() ?? ''

    await page.getByRole('tab', { name: 'Settings' }).click()
    const plan = page.getByTestId('settings-plan')
    await plan.getByText('changed by the platform operator').waitFor()
    expect(await plan.getByTestId('plan-name').textContent()).toBe('Starter')
    expect(await plan.getByTestId('plan-limit').textContent()).toBe('500')
    await expectAccessible(page, "a member's plan in Settings")
    expect(await page.getByTestId('operator-plan-form').count()).toBe(0)
    expect(await page.getByRole('link', { name: 'Plans (operator)' }).count()).toBe(0)
    await page.goto('/Dashboard/operator')
    await page.getByText('Operators only').waitFor()
    await expectAccessible(page, 'the operator page for a non-operator')
    await context.close()
  })

  it("lets an operator change another organization's plan and limit, which its members then see", async () => {
    await signUpOperator(server, operator)
    const { context, page } = await newPage(browser, server.url)
    await signInInBrowser(page, operator)
    await page.getByRole('link', { name: 'Plans (operator)' }).click()
    await page.getByRole('heading', { name: 'Plans (operator)' }).waitFor()
    await page.getByLabel('Find an organization by name').fill('Plan Street')
    const card = page.getByTestId('operator-organization').filter({ hasText: owner.email })
    await card.waitFor()
    expect(await card.getByTestId('operator-plan-summary').textContent()).toContain(
      'Starter · 500 messages a month',
    )

    await page.getByRole('button', { name: 'Change plan' }).click()
    await card.getByLabel('Plan').selectOption('business')
    await card.getByLabel('Custom monthly limit').check()
    const limit = card.getByLabel('Messages a month')
    await limit.fill('')
    await card.getByRole('button', { name: 'Change plan' }).click()
    await card.getByText('Enter a whole number of messages').waitFor()
    await limit.fill('1234')
    await card.getByRole('button', { name: 'Change plan' }).click()
    await card.getByText('Plan changed.').waitFor()
    await card.getByText('Business · 1,234 messages a month (own limit)').waitFor()
    await card.getByText(`Last change by ${operator.email}`).waitFor()
    // Customer messages that failed for good are listed under the plans; this server has none.
    const failures = page.getByTestId('inbox-failures')
    await page.getByRole('heading', { name: 'Customer messages that could not be processed' }).waitFor()
    await failures.getByText('No failed customer messages').waitFor()
    await expectAccessible(page, 'the operator page after a plan change')
    await context.close()

    const member = await newPage(browser, server.url)
    await signInInBrowser(member.page, owner)
    await member.page.goto(`/Dashboard/organizations/${orgId}`)
    // The usage figure with the thousands separator the rest of the dashboard uses.
    await member.page.getByTestId('overview-usage-figure').getByText('0 / 1,234', { exact: true }).waitFor()
    await member.page.getByRole('tab', { name: 'Settings' }).click()
    const plan = member.page.getByTestId('settings-plan')
    await plan.getByTestId('plan-name').getByText('Business').waitFor()
    expect(await plan.getByTestId('plan-limit').textContent()).toContain('1,234')
    await member.context.close()
  })
})
