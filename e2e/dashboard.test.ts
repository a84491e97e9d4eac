import { parsePhoneNumberFromString } from 'libphonenumber-js'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../test/support/wait'
import { expectAccessible } from './support/axe'
import { newPage, signInInBrowser } from './support/browser'
import { setPlanViaApi, signUpOperator } from './support/operator'
import { docScreenshot } from './support/screenshots'
import { addMemberViaApi, type RunningServer, signUpViaApi, uniqueUser } from './support/server'
import { browserSuite } from './support/suite'

const OPERATOR = uniqueUser('operator')
const shot = docScreenshot

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
  const first = numbers.at(0)
  if (!first) throw new Error('the number search found nothing to provision')
  await apiJson(server, cookie, `/api/organizations/${orgId}/provision-number`, 'POST', {
    phoneNumber: first.phoneNumber,
  })
  return waitFor(
    async () => {
      const { organization } = await apiJson<{ organization: Org }>(
        server,
        cookie,
        `/api/organizations/${orgId}`,
      )
      if (organization.numberStatus === 'failed') throw new Error('the number failed to provision')
      return organization.numberStatus === 'active' ? organization : null
    },
    { timeoutMs: 30_000, intervalMs: 300, what: 'the number active' },
  )
}

/** How the dashboard shows an organization's own number: national format, e.g. (415) 250-7095. */
function nationalNumber(e164: string) {
  const parsed = parsePhoneNumberFromString(e164)
  if (!parsed) throw new Error(`not a phone number: ${e164}`)
  return parsed.formatNational()
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
  const suite = browserSuite({ OPERATOR_EMAILS: OPERATOR.email })

  it('walks a new user from sign-up to answering a customer as an agent', { timeout: 240_000 }, async () => {
    const { context, page } = await newPage(suite.browser, suite.server.url)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    const owner = uniqueUser('owner')
    // The way a person arrives: the address alone, then "Create an account" on the sign-in page.
    await page.goto('/')
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await expectAccessible(page, 'the sign-in page')
    await page.getByRole('link', { name: 'Create an account' }).click()
    await page.getByRole('heading', { name: 'Create your account' }).waitFor()
    await expectAccessible(page, 'the sign-up page')
    await page.getByLabel('Name').fill(owner.name)
    await page.getByLabel('Email').fill(owner.email)
    await page.getByLabel('Password').fill(owner.password)
    await page.getByRole('button', { name: 'Sign up' }).click()
    await page.getByRole('heading', { name: 'WhatsApp Organizations' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/Dashboard/organizations')
    await expect(page.getByTestId('current-user').textContent()).resolves.toBe(owner.name)
    await page.getByText('No organizations yet').waitFor()
    await expectAccessible(page, 'the empty organizations page')
    const help = page.getByRole('link', { name: /^Help/ })
    expect(await help.getAttribute('href')).toBe('/help/organizations')
    expect(await help.getAttribute('target')).toBe('_blank')
    // It opens the owner's guide for this page in a new tab, leaving the dashboard where it was.
    const [guide] = await Promise.all([context.waitForEvent('page'), help.click()])
    await guide.getByRole('heading', { level: 1 }).first().waitFor()
    expect(new URL(guide.url()).pathname).toBe('/help/organizations')
    await expectAccessible(guide, 'the help page for organizations')
    await guide.close()

    // The walkthrough's words lead to the controls: the sidebar entry and "Create Organization".
    expect(await page.getByRole('navigation', { name: 'Main' }).textContent()).toContain(
      '📱 WhatsApp Organizations',
    )
    // A bad submission shows the API's field error next to the field, and creates nothing.
    await page.getByRole('button', { name: 'Create Organization', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Create Organization' })
    await expectAccessible(page, 'the create-organization dialog')
    await dialog.getByRole('button', { name: 'Create', exact: true }).click()
    const nameError = dialog.locator('#org-name-error')
    await nameError.waitFor()
    await expectAccessible(page, 'the create-organization dialog with an error')
    expect(await nameError.textContent()).toMatch(/required/i)
    expect(await dialog.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true')

    await dialog.getByLabel('Name', { exact: true }).fill('Sunrise Bakery')
    await dialog.getByLabel('Description').fill('A neighbourhood bakery with sourdough bread and pastries.')
    await dialog.getByLabel('Industry').fill('Bakery')
    await dialog.getByRole('button', { name: 'Create', exact: true }).click()
    await page.getByRole('heading', { name: 'Sunrise Bakery', level: 1 }).waitFor()
    const orgUrl = new URL(page.url())
    const orgId = orgUrl.pathname.split('/').pop() ?? ''
    expect(orgUrl.pathname).toBe(`/Dashboard/organizations/${orgId}`)
    await expectAccessible(page, 'the Overview tab')
    expect(await page.getByRole('link', { name: /^Help/ }).getAttribute('href')).toBe('/help/overview')

    // Overview: search, pick and provision a number; its status updates live until active.
    await page.getByRole('heading', { name: 'Provision a Number' }).waitFor()
    await page.getByLabel('Country').selectOption('US')
    await page.getByLabel('Type', { exact: true }).selectOption('local')
    await page.getByRole('button', { name: 'Search numbers' }).click()
    const firstNumber = page.getByRole('radio').first()
    await firstNumber.waitFor()
    const picked = (await firstNumber.getAttribute('value')) ?? ''
    const pickedShown = nationalNumber(picked)
    // One format for a number everywhere: the search shows it as the organization will.
    const pickedLabel = page.locator('label').filter({ has: page.locator(`input[value="${picked}"]`) })
    expect(await pickedLabel.textContent()).toContain(pickedShown)
    await firstNumber.check()
    await expectAccessible(page, 'the number search results')
    await page.getByRole('button', { name: `Provision ${pickedShown}` }).click()
    await page.getByTestId('number-status').getByText('Active', { exact: true }).waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('org-number').textContent()).toBe(pickedShown)
    expect(await page.getByTestId('org-number').locator('data').getAttribute('value')).toBe(picked)
    expect(await page.getByRole('link', { name: 'Open in WhatsApp' }).getAttribute('href')).toBe(
      `https://wa.me/${picked.replace(/\D/g, '')}`,
    )
    await page.getByTestId('last-inbound').getByText('none yet', { exact: false }).waitFor()
    // Usage counts only the replies the platform sends, with its own name, in the organization's zone.
    expect(await page.getByTestId('usage-period').textContent()).toMatch(/counting since .+ \(UTC\)/)
    await expectAccessible(page, 'the Overview tab with an active number')
    await shot(page, 'overview')

    // AI Training (the walkthrough's "Train Your AI"): profile, two FAQs, train, try a question.
    await page.getByRole('link', { name: 'Train Your AI' }).click()
    await page.getByRole('tab', { name: 'AI Training', selected: true }).waitFor()
    expect(new URL(page.url()).searchParams.get('tab')).toBe('training')
    expect(await page.getByRole('link', { name: /^Help/ }).getAttribute('href')).toBe('/help/training')
    await expectAccessible(page, 'the AI Training tab')
    await page.locator('#profile-openingHours').fill('Tuesday to Sunday, 7:00 to 15:00')
    await page.getByRole('button', { name: 'Save profile' }).click()
    await page.getByText('Profile saved.').waitFor()
    // Name, description and language are asked once, in Settings: the profile shows them from there.
    expect(await page.getByTestId('profile-from-settings').textContent()).toContain('Sunrise Bakery')
    expect(await page.locator('#profile-name, #profile-description, #profile-language').count()).toBe(0)
    // The order follows the work: knowledge first, then Train, then the try box.
    const order = await page.evaluate(() => {
      const top = (text: string) =>
        [...document.querySelectorAll('button, h2')]
          .find((e) => e.textContent?.trim() === text)
          ?.getBoundingClientRect().top ?? Number.NaN
      return [top('Add FAQ'), top('Train'), top('Ask')]
    })
    expect(order).toEqual([...order].sort((a, b) => a - b))

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
    // The model, timing and passage scores are internals: behind Details.
    expect(await page.getByTestId('try-passages').count()).toBe(0)
    expect(await answer.textContent()).not.toMatch(/ ms|score/)
    await page.getByRole('button', { name: 'Details' }).click()
    expect(await page.getByTestId('try-passages').textContent()).toContain('deliver')
    await expectAccessible(page, 'the AI Training tab, trained, with an answer')
    await shot(page, 'ai-training')

    await page.getByRole('tab', { name: 'Settings' }).click()
    await page.getByTestId('settings-general').waitFor()
    expect(await page.getByRole('link', { name: /^Help/ }).getAttribute('href')).toBe('/help/settings')
    await page.getByRole('button', { name: 'Save general settings' }).waitFor()
    // What answers is shown as it is (no AI keys in this test: the built-in responder).
    expect(await page.getByTestId('ai-effective').textContent()).toContain('Built-in')
    expect(await page.locator('#ai-language').evaluate((e) => e.tagName)).toBe('SELECT')
    // The welcome section states the rule the inbound path applies.
    expect(await page.getByTestId('welcome-rule').textContent()).toContain('never counted')
    // The only owner is not offered to leave.
    const me = page.getByTestId('member-row').filter({ hasText: owner.email })
    await me.getByTestId('sole-owner-note').waitFor()
    expect(await me.getByRole('button', { name: 'Leave' }).count()).toBe(0)
    await expectAccessible(page, 'the Settings tab')
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
    // A new contact gets the welcome first, labelled in words rather than the API's `welcome`.
    const welcome = page.locator('[data-testid="sim-message"][data-source="welcome"]')
    expect(await welcome.textContent()).toContain('Welcome message')
    expect(await page.getByRole('link', { name: /^Help/ }).getAttribute('href')).toBe('/help/simulator')
    await expectAccessible(page, 'the simulator with a conversation')
    await shot(page, 'simulator')

    // Analytics: the conversation is there; open it, take over, reply as an agent.
    await page.goto(`/Dashboard/organizations/${orgId}?tab=analytics`)
    // A customer's number keeps its country code: they may write from anywhere.
    const row = page.getByTestId('conversation-row').filter({ hasText: '+1 555 765 4321' })
    await row.waitFor({ timeout: 30_000 })
    expect(await page.getByRole('link', { name: /^Help/ }).getAttribute('href')).toBe('/help/analytics')
    await expectAccessible(page, 'the Analytics tab')
    await row.click()
    const transcript = page.getByTestId('transcript')
    await transcript.getByText('Hello! Do you deliver on Sundays?').waitFor()
    await transcript.getByTestId('message-source').getByText('Welcome message', { exact: true }).waitFor()
    await expectAccessible(page, 'a conversation transcript')
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
    expect(await agentReply.textContent()).toMatch(/Queued|Sent|Delivered|Read/)
    await expectAccessible(page, 'a transcript taken over by an agent')
    await page.getByRole('button', { name: 'Hand back to AI' }).click()
    await page.getByRole('button', { name: 'Take over' }).waitFor()
    expect(await page.getByTestId('conversation-status').getAttribute('data-status')).toBe('ai')

    // Back to the list: the figures count the conversation and its customer.
    await page.getByRole('button', { name: 'Back to the list' }).click()
    await page.getByTestId('messages-chart').waitFor()
    expect(Number(await page.getByTestId('stat-conversations').textContent())).toBeGreaterThanOrEqual(1)
    expect(Number(await page.getByTestId('stat-customers').textContent())).toBeGreaterThanOrEqual(1)
    expect(Number(await page.getByTestId('stat-messages').textContent())).toBeGreaterThanOrEqual(3)
    // Two figures, two names: all messages here, the answers counted against the limit in usage.
    await page.getByText('All messages this month', { exact: true }).waitFor()
    expect(await page.getByTestId('stats-usage').textContent()).toMatch(
      /Answers counted this month: \d+ \/ 500/,
    )
    await shot(page, 'analytics')

    // At phone width the chart keeps readable, non-overlapping day labels.
    await page.setViewportSize({ width: 390, height: 844 })
    await page.waitForFunction(() => {
      const svg = document.querySelector('[data-testid="messages-chart"]')
      return svg !== null && svg.getBoundingClientRect().width < 390
    })
    const dayLabels = await page
      .getByTestId('messages-chart')
      .locator('text[data-axis="x"]')
      .evaluateAll((nodes) =>
        nodes.map((n) => {
          const r = n.getBoundingClientRect()
          return { left: r.left, right: r.right, height: r.height }
        }),
      )
    expect(dayLabels.length).toBeGreaterThan(1)
    let previousRight = Number.NEGATIVE_INFINITY
    for (const label of dayLabels) {
      expect(label.height).toBeGreaterThanOrEqual(11)
      expect(label.left).toBeGreaterThan(previousRight)
      previousRight = label.right
    }
    await expectAccessible(page, 'the Analytics tab at phone width')
    await page.setViewportSize({ width: 1280, height: 800 })

    // The grid, on a desktop and at phone width (the sidebar becomes a top bar).
    await page.goto('/Dashboard/organizations')
    const card = page.getByTestId('organization-card').filter({ hasText: 'Sunrise Bakery' })
    await card.waitFor()
    expect(await card.textContent()).toContain(pickedShown)
    expect(await card.getByRole('progressbar').getAttribute('aria-valuetext')).toMatch(
      /of 500 counted answers/,
    )
    await card.getByText('Answers counted this month').waitFor()
    await expectAccessible(page, 'the organizations grid')
    await shot(page, 'organizations')
    await page.setViewportSize({ width: 390, height: 844 })
    await page.getByRole('button', { name: 'Menu' }).waitFor()
    expect(await page.getByRole('link', { name: 'WhatsApp Organizations' }).isVisible()).toBe(false)
    await expectAccessible(page, 'the organizations grid at phone width')
    await shot(page, 'organizations-phone')
    await page.getByRole('button', { name: 'Menu' }).click()
    await page.getByRole('link', { name: 'WhatsApp Organizations' }).waitFor()
    await expectAccessible(page, 'the phone menu')

    await page.setViewportSize({ width: 1280, height: 800 })
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click()
    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor()
    await expectAccessible(page, 'the account page')

    // Not found: a heading and one message, for an unknown page and an unknown organization.
    await page.goto('/Dashboard/nowhere')
    await page.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor()
    await expectAccessible(page, 'the not-found page')
    await page.goto('/Dashboard/organizations/00000000-0000-4000-8000-000000000000')
    await page.getByRole('heading', { name: 'Organization not found', level: 1 }).waitFor()
    expect(await page.getByText('Organization not found').count()).toBe(1)
    expect(await page.getByRole('alert').count()).toBe(0)
    await expectAccessible(page, 'an unknown organization')

    // Sign out, open a deep link: sign in there and land on that page, not on the sign-in page.
    const deepLink = `/Dashboard/organizations/${orgId}?tab=settings`
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await page.goto('/Dashboard/organizations')
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await page.goto(deepLink)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(new URL(page.url()).searchParams.get('next')).toBe(deepLink)
    await page.getByLabel('Email').fill(owner.email)
    await page.getByLabel('Password').fill(owner.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('tab', { name: 'Settings', selected: true }).waitFor()
    const landed = new URL(page.url())
    expect(landed.pathname + landed.search).toBe(deepLink)
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
    await page.keyboard.press('ArrowLeft')
    await page.getByRole('tab', { name: 'Analytics', selected: true }).waitFor()
    expect(new URL(page.url()).searchParams.get('tab')).toBe('analytics')
    await page.getByRole('tab', { name: 'Broadcasts' }).click()
    await page.getByRole('tab', { name: 'Broadcasts' }).focus()
    await page.keyboard.press('ArrowRight')
    await page.getByRole('tab', { name: 'Settings', selected: true }).waitFor()
    expect(new URL(page.url()).searchParams.get('tab')).toBe('settings')
    await page.getByTestId('settings-general').waitFor()
    await page.getByText('settings are read-only').waitFor()
    await expectAccessible(page, "a viewer's read-only Settings tab")
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
    await expectAccessible(page, "a viewer's Overview tab")
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
    await expectAccessible(page, 'an organization over its limit')

    await provisionViaApi(suite.server, cookie, org.id)
    await page.goto(`/Dashboard/organizations/${org.id}/simulator`)
    await page.getByTestId('phone').getByText('used its monthly messages').waitFor()
    await sendFromSimulator(page, 'Are you open today?')
    const notice = page.locator(
      '[data-testid="sim-message"][data-direction="outbound"][data-source="limit_notice"]',
    )
    await notice.waitFor({ timeout: 45_000 })
    expect(await notice.textContent()).toContain('Monthly limit notice')
    expect(await page.locator('[data-testid="sim-message"][data-source="ai"]').count()).toBe(0)
    await expectAccessible(page, 'the simulator over the limit')

    // Releasing the number asks for confirmation, then the picker comes back.
    await page.goto(`/Dashboard/organizations/${org.id}`)
    await page.getByRole('button', { name: 'Release number' }).click()
    const confirm = page.getByRole('dialog', { name: 'Release this number?' })
    await confirm.waitFor()
    await expectAccessible(page, 'the release confirmation')
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
    // Business hours are part of the Business plan (billing is off here: the owner switches freely).
    const switched = await suite.server.request(`/api/organizations/${org.id}/billing/plan`, {
      method: 'PUT',
      cookie,
      body: JSON.stringify({ planType: 'business' }),
    })
    expect(switched.status).toBe(200)

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
    // A confirmation, not a note that stays: the toast goes away on its own.
    const savedToast = page.getByTestId('toasts').getByText('Business hours saved.')
    await savedToast.waitFor()
    await savedToast.waitFor({ state: 'detached', timeout: 15_000 })
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
    expect(await reply.textContent()).toContain('Out-of-hours message')

    // The organization's dates are in its time zone, and say so.
    await page.goto(`/Dashboard/organizations/${org.id}`)
    expect(await page.getByTestId('usage-period').textContent()).toMatch(
      /counting since .+ \(Europe\/Berlin\)/,
    )
    await page.goto(`/Dashboard/organizations/${org.id}?tab=analytics`)
    await page.getByTestId('conversation-row').first().click()
    const transcript = page.getByTestId('transcript')
    await transcript.getByText(closedMessage).waitFor()
    await transcript.getByText('Out-of-hours message', { exact: true }).waitFor()
    expect(await transcript.getByText('out_of_hours').count()).toBe(0)
    await context.close()
  })
})
