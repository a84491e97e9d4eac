import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../test/support/wait'
import { expectAccessible } from './support/axe'
import { newPage, signInInBrowser } from './support/browser'
import { apiJson, customerWrites, ownerWithOrganization, provisionViaApi } from './support/sandbox'
import { addMemberViaApi, type RunningServer, signUpViaApi, uniqueUser } from './support/server'
import { browserSuite } from './support/suite'

// A known auth secret: the sandbox provider's webhook token derives from it (config.ts), so the
// test can sign customers' messages as Twilio would.
const AUTH_SECRET = randomBytes(32).toString('hex')

/** A calendar date in a time zone, as the analytics count days (YYYY-MM-DD). */
const dayIn = (timeZone: string, at = new Date()) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(at)
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

interface Conversation {
  id: string
  lastMessage: string | null
}

/** Waits until every customer's conversation has an answer from the platform after their last message. */
async function waitForAnswers(server: RunningServer, cookie: string, orgId: string, count: number) {
  await waitFor(
    async () => {
      const { conversations } = await apiJson<{ conversations: Conversation[] }>(
        server,
        cookie,
        `/api/organizations/${orgId}/conversations`,
      )
      if (conversations.length < count) return false
      for (const c of conversations) {
        const { messages } = await apiJson<{ messages: { direction: string }[] }>(
          server,
          cookie,
          `/api/organizations/${orgId}/conversations/${c.id}`,
        )
        if (messages.at(-1)?.direction !== 'outbound') return false
      }
      return true
    },
    { timeoutMs: 60_000, intervalMs: 500, what: `answers in ${count} conversations` },
  )
}

/** The number the key figures' sentence starts with: "3 conversations: …". */
async function conversationsInRange(page: Page) {
  const text = (await page.getByTestId('kpi-conversations').textContent()) ?? ''
  return Number(/^([\d,]+) conversations/.exec(text)?.[1]?.replace(/,/g, '') ?? Number.NaN)
}

describe('the Analytics tab in a real browser', () => {
  const suite = browserSuite({ AUTH_SECRET })

  it('charts a range, downloads a chart, turns unanswered questions into an FAQ and runs an A/B test', async () => {
    const { owner, cookie, orgId } = await ownerWithOrganization(suite.server, 'Harbour Bakery')
    const number = await provisionViaApi(suite.server, cookie, orgId)
    const { organization } = await apiJson<{ organization: { businessHours: { timezone: string } } }>(
      suite.server,
      cookie,
      `/api/organizations/${orgId}`,
    )
    const timeZone = organization.businessHours.timezone

    // Three customers: questions the untrained assistant cannot answer (two say the same thing in
    // other words), and one who asks for a person.
    const customers = [
      { from: '+15550001001', body: 'Do you have gluten free bread?' },
      { from: '+15550001002', body: 'Is there any gluten-free bread?' },
      { from: '+15550001003', body: 'I want to talk to a human please' },
    ]
    for (const c of customers) await customerWrites(suite.server, AUTH_SECRET, { ...c, to: number })
    await waitForAnswers(suite.server, cookie, orgId, customers.length)

    const { context, page } = await newPage(suite.browser, suite.server.url)
    await signInInBrowser(page, owner)
    await page.goto(`/Dashboard/organizations/${orgId}?tab=analytics`)
    await page.getByRole('tab', { name: 'Analytics', selected: true }).waitFor()

    // The last 30 days by default, in the organization's zone: the conversations are counted and charted.
    await page.getByTestId('range-analytics').waitFor({ timeout: 30_000 })
    expect(await page.getByRole('button', { name: 'Last 30 days' }).getAttribute('aria-pressed')).toBe('true')
    expect(await page.locator('#analytics-to').inputValue()).toBe(dayIn(timeZone))
    expect(await page.locator('#analytics-from').inputValue()).toBe(addDays(dayIn(timeZone), -29))
    expect(await page.getByTestId('range-timezone').textContent()).toBe(`Days in ${timeZone}`)
    expect(await conversationsInRange(page)).toBe(customers.length)
    await page.getByTestId('chart-daily').locator('svg.recharts-surface').first().waitFor()
    await page.getByTestId('chart-sources').locator('svg.recharts-surface').first().waitFor()
    await page.getByTestId('chart-response-time').locator('svg.recharts-surface').first().waitFor()
    expect(await page.getByTestId('kpi-ai-p50').textContent()).toMatch(/\d/)
    // The heat map is a table: every cell names its day, hour and count.
    const busy = page.getByTestId('heatmap').locator('td[data-count]:not([data-count="0"])')
    expect(await busy.count()).toBeGreaterThan(0)
    expect(await busy.first().getAttribute('aria-label')).toMatch(
      /^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day \d{2}:00: \d+ messages?$/,
    )
    await expectAccessible(page, 'the Analytics tab with charts')

    // A range that ends yesterday has none of today's conversations; a preset brings them back.
    const yesterday = addDays(dayIn(timeZone), -1)
    await page.locator('#analytics-to').fill(yesterday)
    await page.locator('#analytics-from').fill(addDays(yesterday, -6))
    await waitFor(async () => (await conversationsInRange(page)) === 0, {
      timeoutMs: 15_000,
      intervalMs: 200,
      what: 'the charts of the range ending yesterday',
    })
    expect(await page.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed')).toBe('false')
    await page.getByRole('button', { name: 'Last 7 days' }).click()
    expect(await page.locator('#analytics-from').inputValue()).toBe(addDays(dayIn(timeZone), -6))
    await waitFor(async () => (await conversationsInRange(page)) === customers.length, {
      timeoutMs: 15_000,
      intervalMs: 200,
      what: 'the charts of the last 7 days',
    })

    // Each chart downloads its figures for the range shown.
    const csvLink = page.getByRole('link', { name: 'Download CSV: Daily trend' })
    const href = (await csvLink.getAttribute('href')) ?? ''
    expect(new URL(href, suite.server.url).searchParams.get('from')).toBe(addDays(dayIn(timeZone), -6))
    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()])
    expect(download.suggestedFilename()).toMatch(/^analytics-daily-.+\.csv$/)
    const csv = readFileSync(await download.path(), 'utf8')
      .trim()
      .split('\r\n')
    expect(csv[0]).toBe('date,customer_messages,ai_answers,agent_messages,hand_offs')
    expect(csv).toHaveLength(8)
    const today = csv.find((line) => line.startsWith(`${dayIn(timeZone)},`))
    expect(Number(today?.split(',')[1])).toBe(customers.length)
    const direct = await suite.server.request(href, { cookie })
    expect(direct.status).toBe(200)
    expect(direct.headers.get('content-type')).toMatch(/^text\/csv/)

    // Unanswered questions: the two gluten-free questions land in one group; it becomes an FAQ draft.
    const group = page.getByTestId('unanswered-group').filter({ hasText: /gluten/i })
    await group.first().waitFor({ timeout: 30_000 })
    expect(await group.count()).toBe(1)
    expect(await group.getByTestId('unanswered-count').textContent()).toBe('2 times')
    await group
      .getByText(/gluten/i)
      .first()
      .click()
    await group.getByText('“Is there any gluten-free bread?”', { exact: false }).waitFor()
    await group.getByRole('button', { name: 'Create FAQ draft' }).click()
    const toast = page.getByTestId('toasts').getByText('FAQ draft created.', { exact: false })
    await toast.waitFor()
    expect(
      await page
        .getByTestId('toasts')
        .getByRole('link', { name: 'Review it in AI Training' })
        .getAttribute('href'),
    ).toBe(`/Dashboard/organizations/${orgId}?tab=training`)
    const { sources } = await apiJson<{ sources: { kind: string; question: string | null }[] }>(
      suite.server,
      cookie,
      `/api/organizations/${orgId}/knowledge`,
    )
    expect(sources.filter((s) => s.kind === 'faq').map((s) => s.question?.toLowerCase())).toEqual([
      expect.stringContaining('gluten'),
    ])
    // The drafted questions leave the list.
    await group.first().waitFor({ state: 'detached', timeout: 15_000 })

    // Quality settings: grade every answer and ask customers to rate.
    const settings = page.getByTestId('quality-settings')
    await settings.getByLabel('Every answer').check()
    await settings.getByLabel(/Ask customers to rate/).check()
    await settings.getByLabel('Ask after this many quiet minutes').fill('45')
    await settings.getByRole('button', { name: 'Save quality settings' }).click()
    await page.getByTestId('toasts').getByText('Quality settings saved.').waitFor()
    const saved = await apiJson<Record<string, unknown>>(
      suite.server,
      cookie,
      `/api/organizations/${orgId}/quality-settings`,
    )
    expect(saved).toMatchObject({ grading: 'all', askRating: true, ratingDelayMinutes: 45 })

    // An A/B test: two tones, started from the form, listed with its results, then variant B promoted.
    const experiments = page.getByTestId('experiments')
    await experiments.getByRole('button', { name: 'New experiment' }).click()
    await page.getByLabel('Experiment name').fill('Warm or formal')
    await page.locator('#variant-0-name').fill('Warm')
    await page.locator('#variant-0-tone').selectOption('friendly')
    await page.locator('#variant-1-name').fill('Formal')
    await page.locator('#variant-1-tone').selectOption('formal')
    await page.locator('#variant-1-welcome').fill('Good day. How may we help you?')
    await expectAccessible(page, 'the new experiment form')
    await page.getByRole('button', { name: 'Start experiment' }).click()
    await page.getByTestId('toasts').getByText('Experiment “Warm or formal” started.').waitFor()
    const row = experiments.getByTestId('experiment-row').filter({ hasText: 'Warm or formal' })
    await row.getByText('Running', { exact: true }).waitFor()
    // The results (one row per variant) load after the list.
    await expect.poll(() => row.getByTestId('variant-row').count(), { timeout: 15_000 }).toBe(2)
    await expect
      .poll(() => experiments.getByRole('button', { name: 'New experiment' }).isDisabled(), {
        timeout: 15_000,
      })
      .toBe(true)

    await row.getByRole('button', { name: 'Promote Formal' }).click()
    const dialog = page.getByRole('dialog', { name: 'Promote variant “Formal”?' })
    expect(await dialog.getByTestId('promote-changes').textContent()).toContain('The tone becomes “formal”.')
    expect(await dialog.getByTestId('promote-changes').textContent()).toContain(
      'The welcome message becomes: “Good day. How may we help you?”.',
    )
    await expectAccessible(page, 'the promote dialog')
    await dialog.getByRole('button', { name: 'Promote and end the experiment' }).click()
    await row.getByText('Ended', { exact: true }).waitFor()
    const promoted = await apiJson<{ organization: { ai: { tone: string }; welcomeMessage: string } }>(
      suite.server,
      cookie,
      `/api/organizations/${orgId}`,
    )
    expect(promoted.organization.ai.tone).toBe('formal')
    expect(promoted.organization.welcomeMessage).toBe('Good day. How may we help you?')

    // Another test ended without a winner leaves the settings as they are.
    await experiments.getByRole('button', { name: 'New experiment' }).click()
    await page.getByLabel('Experiment name').fill('Short answers')
    await page.locator('#variant-1-instructions').fill('Answer in one sentence.')
    await page.getByRole('button', { name: 'Start experiment' }).click()
    const second = experiments.getByTestId('experiment-row').filter({ hasText: 'Short answers' })
    await second.getByText('Running', { exact: true }).waitFor()
    await second.getByRole('button', { name: 'End without promoting' }).click()
    await second.getByText('Ended', { exact: true }).waitFor()
    const after = await apiJson<{ organization: { ai: { tone: string } } }>(
      suite.server,
      cookie,
      `/api/organizations/${orgId}`,
    )
    expect(after.organization.ai.tone).toBe('formal')
    await context.close()

    // An agent reads the same figures but changes nothing: no settings, no drafts, no experiments.
    const agent = uniqueUser('agent')
    const agentCookie = await signUpViaApi(suite.server, agent)
    await addMemberViaApi(suite.server, cookie, orgId, { email: agent.email, cookie: agentCookie }, 'agent')
    await customerWrites(suite.server, AUTH_SECRET, {
      from: '+15550001004',
      body: 'Can I pay with bitcoin?',
      to: number,
    })
    await waitForAnswers(suite.server, cookie, orgId, customers.length + 1)
    const asAgent = await newPage(suite.browser, suite.server.url)
    await signInInBrowser(asAgent.page, agent)
    await asAgent.page.goto(`/Dashboard/organizations/${orgId}?tab=analytics`)
    await asAgent.page.getByTestId('range-analytics').waitFor({ timeout: 30_000 })
    await asAgent.page.getByTestId('experiment-row').first().waitFor()
    await asAgent.page.getByTestId('unanswered-group').first().waitFor({ timeout: 30_000 })
    expect(await asAgent.page.getByRole('button', { name: 'Create FAQ draft' }).count()).toBe(0)
    expect(await asAgent.page.getByRole('button', { name: 'New experiment' }).count()).toBe(0)
    expect(await asAgent.page.getByTestId('quality-settings').count()).toBe(0)
    await expectAccessible(asAgent.page, 'the Analytics tab as an agent')
    await asAgent.context.close()
  })
})
