import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { newPage, signInInBrowser, signUpInBrowser } from './support/browser'
import { setPlanViaApi, signUpOperator } from './support/operator'
import { addMemberViaApi, type RunningServer, signUpViaApi, uniqueUser } from './support/server'
import { browserSuite } from './support/suite'

const OPERATOR = uniqueUser('operator')
const SCREENSHOTS = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots')
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false })

interface Org {
  id: string
  numberStatus: string
  monthlyMessageLimit: number
}

/** Owner-side setup through the API (the parts a test is not about). */
async function apiJson<T>(
  server: RunningServer,
  cookie: string,
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<T> {
  const res = await server.request(path, {
    method,
    cookie,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`)
  return JSON.parse(text) as T
}

async function createOrgViaApi(server: RunningServer, cookie: string, name: string) {
  return (await apiJson<{ organization: Org }>(server, cookie, '/api/organizations', 'POST', { name }))
    .organization
}

async function provisionViaApi(server: RunningServer, cookie: string, orgId: string) {
  const { numbers } = await apiJson<{ numbers: { phoneNumber: string }[] }>(
    server,
    cookie,
    '/api/organizations/search-numbers?country=US&type=local&limit=5',
  )
  expect(numbers.length).toBeGreaterThan(0)
  await apiJson(server, cookie, `/api/organizations/${orgId}/provision-number`, 'POST', {
    phoneNumber: numbers[0].phoneNumber,
  })
  const deadline = Date.now() + 30_000
  for (;;) {
    const { organization } = await apiJson<{ organization: Org }>(
      server,
      cookie,
      `/api/organizations/${orgId}`,
    )
    if (organization.numberStatus === 'active') return organization
    if (organization.numberStatus === 'failed' || Date.now() > deadline) {
      throw new Error(`number did not become active: ${organization.numberStatus}`)
    }
    await new Promise((r) => setTimeout(r, 300))
  }
}

/** Sends one message from the simulator panel. */
async function sendFromSimulator(page: Page, text: string) {
  await page.locator('#sim-text').fill(text)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  try {
    await page.locator('[data-testid="sim-message"][data-direction="inbound"]', { hasText: text }).waitFor()
  } catch (err) {
    throw new Error(
      `the message did not appear; the phone shows: ${await page.getByTestId('phone').textContent()}`,
      {
        cause: err,
      },
    )
  }
}

describe('dashboard in a real browser', () => {
  beforeAll(() => mkdirSync(SCREENSHOTS, { recursive: true }))
  const suite = browserSuite({ OPERATOR_EMAILS: OPERATOR.email })

  it('walks a new user from sign-up to answering a customer as an agent', { timeout: 240_000 }, async () => {
    const { context, page } = await newPage(suite.browser, suite.server.url)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    const owner = uniqueUser('owner')
    await signUpInBrowser(page, owner)
    await expect(page.getByTestId('current-user').textContent()).resolves.toBe(owner.name)
    await page.getByText('No organizations yet').waitFor()

    // A bad submission shows the API's field error next to the field, and creates nothing.
    await page.getByRole('button', { name: 'Create organization' }).click()
    const dialog = page.getByRole('dialog', { name: 'Create organization' })
    await dialog.getByRole('button', { name: 'Create', exact: true }).click()
    const nameError = dialog.locator('#org-name-error')
    await nameError.waitFor()
    expect(await nameError.textContent()).toMatch(/required/i)
    expect(await dialog.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true')

    await dialog.getByLabel('Name', { exact: true }).fill('Sunrise Bakery')
    await dialog.getByLabel('Industry').fill('Bakery')
    await dialog.getByRole('button', { name: 'Create', exact: true }).click()
    await page.getByRole('heading', { name: 'Sunrise Bakery', level: 1 }).waitFor()
    const orgUrl = new URL(page.url())
    const orgId = orgUrl.pathname.split('/').pop()!
    expect(orgUrl.pathname).toBe(`/Dashboard/organizations/${orgId}`)

    // Overview: search, pick and provision a number; its status updates live until active.
    await page.getByLabel('Country').selectOption('US')
    await page.getByLabel('Type', { exact: true }).selectOption('local')
    await page.getByRole('button', { name: 'Search numbers' }).click()
    const firstNumber = page.getByRole('radio').first()
    await firstNumber.waitFor()
    const picked = await firstNumber.getAttribute('value')
    await firstNumber.check()
    await page.getByRole('button', { name: `Provision ${picked}` }).click()
    await page.getByTestId('number-status').getByText('Active', { exact: true }).waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('org-number').textContent()).toBe(picked)
    expect(await page.getByRole('link', { name: 'Open in WhatsApp' }).getAttribute('href')).toBe(
      `https://wa.me/${picked!.replace(/\D/g, '')}`,
    )
    await shot(page, 'overview')

    // AI Training: profile, two FAQs, train, try a question.
    await page.getByRole('tab', { name: 'AI Training' }).click()
    expect(new URL(page.url()).searchParams.get('tab')).toBe('training')
    await page.locator('#profile-name').fill('Sunrise Bakery')
    await page
      .locator('#profile-description')
      .fill('A neighbourhood bakery with sourdough bread and pastries.')
    await page.locator('#profile-openingHours').fill('Tuesday to Sunday, 7:00 to 15:00')
    await page.getByRole('button', { name: 'Save profile' }).click()
    await page.getByText('Profile saved.').waitFor()

    const faqs = [
      {
        q: 'Do you deliver on Sundays?',
        a: 'Yes, we deliver sourdough on Sundays before noon, within five kilometres.',
      },
      { q: 'Do you have gluten-free bread?', a: 'Our gluten-free buckwheat loaf is baked every Friday.' },
    ]
    for (const faq of faqs) {
      await page.locator('#new-faq-head').fill(faq.q)
      await page.locator('#new-faq-content').fill(faq.a)
      await page.getByRole('button', { name: 'Add FAQ' }).click()
      await page.getByTestId('faq-item').filter({ hasText: faq.q }).waitFor()
    }
    expect(await page.getByTestId('faq-item').count()).toBe(2)

    // Edit one FAQ in place.
    await page.getByRole('button', { name: 'Edit Do you have gluten-free bread?' }).click()
    await page
      .getByLabel('Answer', { exact: true })
      .first()
      .fill('Our gluten-free buckwheat loaf is baked every Friday and Saturday.')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByTestId('faq-item').filter({ hasText: 'every Friday and Saturday' }).waitFor()

    // A text source and an uploaded file.
    await page.locator('#new-text-head').fill('Price list')
    await page
      .locator('#new-text-content')
      .fill('Sourdough loaf 4.50 EUR. Croissant 1.80 EUR. Birthday cake from 25 EUR.')
    await page.getByRole('button', { name: 'Add text' }).click()
    await page.getByTestId('text-item').filter({ hasText: 'Price list' }).waitFor()
    await page.locator('#knowledge-file').setInputFiles({
      name: 'parking.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Free parking is available behind the bakery on weekdays.\n'),
    })
    await page.getByText('Uploaded parking.txt').waitFor()
    await page.getByRole('list', { name: 'Files' }).getByText('parking.txt').waitFor()

    await page.getByRole('button', { name: 'Train', exact: true }).click()
    await page
      .getByTestId('training-status')
      .getByText('Trained', { exact: true })
      .waitFor({ timeout: 90_000 })
    expect(await page.getByTestId('trained-at').textContent()).not.toContain('—')

    await page.locator('#try-question').fill('Do you deliver on Sundays?')
    await page.getByRole('button', { name: 'Ask', exact: true }).click()
    const answer = page.getByTestId('try-answer')
    await answer.waitFor({ timeout: 60_000 })
    expect((await answer.textContent())?.toLowerCase()).toContain('sunday')
    expect(await page.getByTestId('try-passages').textContent()).toContain('deliver')
    await shot(page, 'ai-training')

    await page.getByRole('tab', { name: 'Settings' }).click()
    await page.getByTestId('settings-general').waitFor()
    await shot(page, 'settings')

    // Simulator: write as a customer, the assistant answers from the FAQ.
    await page.goto(`/Dashboard/organizations/${orgId}/simulator`)
    expect(await page.getByLabel('Organization').inputValue()).toBe(orgId)
    await page.getByLabel('Customer phone number').fill('+15557654321')
    await sendFromSimulator(page, 'Hello! Do you deliver on Sundays?')
    const reply = page
      .locator('[data-testid="sim-message"][data-direction="outbound"][data-source="ai"]')
      .first()
    await reply.waitFor({ timeout: 60_000 })
    expect((await reply.textContent())?.toLowerCase()).toContain('sunday')
    await shot(page, 'simulator')

    // Analytics: the conversation is there; open it, take over, reply as an agent.
    await page.goto(`/Dashboard/organizations/${orgId}?tab=analytics`)
    const row = page.getByTestId('conversation-row').filter({ hasText: '15557654321' })
    await row.waitFor({ timeout: 30_000 })
    await row.click()
    const transcript = page.getByTestId('transcript')
    await transcript.getByText('Hello! Do you deliver on Sundays?').waitFor()
    await page.getByRole('button', { name: 'Take over' }).click()
    await page.getByRole('button', { name: 'Hand back to AI' }).waitFor()
    expect(await page.getByTestId('conversation-status').getAttribute('data-status')).toBe('human')
    await page.getByLabel('Reply as an agent').fill('Hi, this is Ana from the bakery: see you on Sunday!')
    await page.getByRole('button', { name: 'Send reply' }).click()
    await transcript
      .locator('[data-direction="outbound"]', { hasText: 'Hi, this is Ana from the bakery' })
      .waitFor({ timeout: 30_000 })
    const agentReply = transcript.locator('[data-direction="outbound"]', {
      hasText: 'Hi, this is Ana from the bakery',
    })
    expect(await agentReply.textContent()).toMatch(/queued|sent|delivered|read/)
    await page.getByRole('button', { name: 'Hand back to AI' }).click()
    await page.getByRole('button', { name: 'Take over' }).waitFor()
    expect(await page.getByTestId('conversation-status').getAttribute('data-status')).toBe('ai')

    // Back to the list: the figures count the conversation and its customer.
    await page.getByRole('button', { name: 'Back to the list' }).click()
    await page.getByTestId('messages-chart').waitFor()
    expect(Number(await page.getByTestId('stat-conversations').textContent())).toBeGreaterThanOrEqual(1)
    expect(Number(await page.getByTestId('stat-customers').textContent())).toBeGreaterThanOrEqual(1)
    expect(Number(await page.getByTestId('stat-messages').textContent())).toBeGreaterThanOrEqual(3)
    await shot(page, 'analytics')

    // The grid, on a desktop and at phone width (the sidebar becomes a top bar).
    await page.goto('/Dashboard/organizations')
    const card = page.getByTestId('organization-card').filter({ hasText: 'Sunrise Bakery' })
    await card.waitFor()
    expect(await card.textContent()).toContain(picked!)
    await shot(page, 'organizations')
    await page.setViewportSize({ width: 390, height: 844 })
    await page.getByRole('button', { name: 'Menu' }).waitFor()
    expect(await page.getByRole('link', { name: 'WhatsApp Organizations' }).isVisible()).toBe(false)
    await shot(page, 'organizations-phone')
    await page.getByRole('button', { name: 'Menu' }).click()
    await page.getByRole('link', { name: 'WhatsApp Organizations' }).waitFor()

    // Deep link on reload, then sign out.
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.goto(`/Dashboard/organizations/${orgId}?tab=settings`)
    await page.getByRole('tab', { name: 'Settings', selected: true }).waitFor()
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await page.goto('/Dashboard/organizations')
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(pageErrors).toEqual([])
    await context.close()
  })

  it('shows a viewer read-only settings they cannot save', async () => {
    const owner = uniqueUser('owner')
    const viewer = uniqueUser('viewer')
    const ownerCookie = await signUpViaApi(suite.server, owner)
    const viewerCookie = await signUpViaApi(suite.server, viewer)
    const org = await createOrgViaApi(suite.server, ownerCookie, 'Viewer Test Co')
    await addMemberViaApi(
      suite.server,
      ownerCookie,
      org.id,
      { email: viewer.email, cookie: viewerCookie },
      'viewer',
    )

    const { context, page } = await newPage(suite.browser, suite.server.url)
    await signInInBrowser(page, viewer)
    await page.getByTestId('organization-card').filter({ hasText: 'Viewer Test Co' }).click()
    // Tabs work from the keyboard: arrow keys move between them, and the URL follows.
    await page.getByRole('tab', { name: 'Overview' }).focus()
    await page.keyboard.press('ArrowRight')
    await page.getByRole('tab', { name: 'Settings', selected: true }).waitFor()
    expect(new URL(page.url()).searchParams.get('tab')).toBe('settings')
    await page.getByTestId('settings-general').waitFor()
    await page.getByText('settings are read-only').waitFor()
    for (const id of [
      '#settings-name',
      '#settings-welcome',
      '#hours-enabled',
      '#hours-timezone',
      '#ai-tone',
    ]) {
      expect(await page.locator(id).isDisabled(), id).toBe(true)
    }
    expect(await page.getByRole('button', { name: /^Save/ }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Delete organization' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Add member' }).count()).toBe(0)
    // The viewer cannot provision either.
    await page.getByRole('tab', { name: 'Overview' }).click()
    await page.getByText('Only owners and admins can provision').waitFor()
    expect(await page.getByRole('button', { name: 'Search numbers' }).count()).toBe(0)
    // And the organization is unchanged.
    const after = await apiJson<{ organization: { name: string } }>(
      suite.server,
      ownerCookie,
      `/api/organizations/${org.id}`,
    )
    expect(after.organization.name).toBe('Viewer Test Co')
    await context.close()
  })

  it('shows an over-limit organization in red and the simulator gets the limit notice', async () => {
    const owner = uniqueUser('owner')
    const cookie = await signUpViaApi(suite.server, owner)
    const org = await createOrgViaApi(suite.server, cookie, 'Busy Shop')
    // Limits are the operator's to set.
    await setPlanViaApi(suite.server, await signUpOperator(suite.server, OPERATOR), org.id, {
      monthlyMessageLimit: 0,
    })

    const { context, page } = await newPage(suite.browser, suite.server.url)
    await signInInBrowser(page, owner)
    const card = page.getByTestId('organization-card').filter({ hasText: 'Busy Shop' })
    await card.waitFor()
    expect(await card.getByRole('progressbar').getAttribute('data-level')).toBe('full')
    await card.getByText('Monthly limit reached').waitFor()

    await provisionViaApi(suite.server, cookie, org.id)
    await page.goto(`/Dashboard/organizations/${org.id}/simulator`)
    await page.getByTestId('phone').getByText('used its monthly messages').waitFor()
    await sendFromSimulator(page, 'Are you open today?')
    const notice = page.locator(
      '[data-testid="sim-message"][data-direction="outbound"][data-source="limit_notice"]',
    )
    await notice.waitFor({ timeout: 45_000 })
    expect(await page.locator('[data-testid="sim-message"][data-source="ai"]').count()).toBe(0)

    // Releasing the number asks for confirmation, then the picker comes back.
    await page.goto(`/Dashboard/organizations/${org.id}`)
    await page.getByRole('button', { name: 'Release number' }).click()
    const confirm = page.getByRole('dialog', { name: 'Release this number?' })
    await confirm.getByRole('button', { name: 'Release', exact: true }).click()
    await page.getByRole('button', { name: 'Search numbers' }).waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('number-status').textContent()).toMatch(/Released|No number/)
    await context.close()
  })

  it('sends the out-of-hours message when business hours are closed', async () => {
    const owner = uniqueUser('owner')
    const cookie = await signUpViaApi(suite.server, owner)
    const org = await createOrgViaApi(suite.server, cookie, 'Night Owl Cafe')
    await provisionViaApi(suite.server, cookie, org.id)

    const { context, page } = await newPage(suite.browser, suite.server.url)
    await signInInBrowser(page, owner)
    await page.goto(`/Dashboard/organizations/${org.id}?tab=settings`)
    const hours = page.getByTestId('settings-hours')
    await hours.waitFor()
    await hours.getByLabel('Use business hours').check()
    await hours.getByLabel('Time zone').selectOption('Europe/Berlin')
    await hours.getByRole('button', { name: 'Clear the week' }).click()
    expect(await hours.getByText('Closed', { exact: true }).count()).toBe(7)
    const closedMessage = 'We are closed this week, back soon!'
    await hours.getByLabel('Out-of-hours message').fill(closedMessage)
    await hours.getByRole('button', { name: 'Save business hours' }).click()
    await hours.getByText('Saved.').waitFor()
    const saved = await apiJson<{ organization: { businessHours: { enabled: boolean; timezone: string } } }>(
      suite.server,
      cookie,
      `/api/organizations/${org.id}`,
    )
    expect(saved.organization.businessHours).toMatchObject({ enabled: true, timezone: 'Europe/Berlin' })

    // A bad interval shows the API's message next to it.
    await hours.getByRole('button', { name: 'Add interval on Monday' }).click()
    await hours.locator('#hours-monday-0-open').fill('18:00')
    await hours.locator('#hours-monday-0-close').fill('18:00')
    await hours.getByRole('button', { name: 'Save business hours' }).click()
    await hours.getByText('open and close are the same time', { exact: true }).waitFor()
    await hours.getByRole('button', { name: 'Remove Monday interval 1' }).click()

    await page.goto(`/Dashboard/simulator?org=${org.id}`)
    await sendFromSimulator(page, 'Hi, can I order a cake?')
    const reply = page.locator(
      '[data-testid="sim-message"][data-direction="outbound"][data-source="out_of_hours"]',
    )
    await reply.waitFor({ timeout: 45_000 })
    expect(await reply.textContent()).toContain(closedMessage)
    await context.close()
  })
})
