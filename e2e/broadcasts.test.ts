import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../test/support/wait'
import { expectAccessible } from './support/axe'
import { newPage, signInInBrowser } from './support/browser'
import { setPlanViaApi, signUpOperator } from './support/operator'
import { apiJson, customerWrites, ownerWithOrganization, provisionViaApi } from './support/sandbox'
import { docScreenshot } from './support/screenshots'
import { addMemberViaApi, type RunningServer, signUpViaApi, uniqueUser } from './support/server'
import { browserSuite } from './support/suite'

// A known auth secret: the sandbox provider's webhook token derives from it (config.ts), so the
// test can sign a customer's message as Twilio would.
const AUTH_SECRET = randomBytes(32).toString('hex')
const OPERATOR = uniqueUser('operator')

// Ana and Chloé agreed to messages; Ben did not; Olga agreed in the file but wrote STOP first.
const OLGA = '+15550009999'
const CSV = `phone,name,tags,opt_in,city
+33612345678,Ana Martin,vip,yes,Paris
+447700900123,Chloé Dubois,vip,yes,
+14155550123,Ben Lee,wholesale,no,San Francisco
${OLGA},Olga Stop,,yes,Berlin
`

/** An approved template (the sandbox provider approves at once). */
async function approvedTemplate(server: RunningServer, cookie: string, orgId: string) {
  const { template } = await apiJson<{ template: { id: string; status: string } }>(
    server,
    cookie,
    `/api/organizations/${orgId}/templates`,
    {
      name: 'spring_sale',
      language: 'en',
      category: 'marketing',
      body: 'Hi {{1}}, our spring sale starts today in {{2}}!',
      examples: { '1': 'Ana', '2': 'Paris' },
    },
  )
  await waitFor(
    async () => {
      const { template: t } = await apiJson<{ template: { status: string } }>(
        server,
        cookie,
        `/api/organizations/${orgId}/templates/${template.id}`,
      )
      return t.status === 'approved'
    },
    { timeoutMs: 15_000, intervalMs: 300, what: 'the template approved' },
  )
  return template.id
}

const contactRows = (page: Page) => page.getByTestId('contact-row')

/** Closes the confirmations still showing (a screenshot of the page should not carry them). */
async function dismissToasts(page: Page) {
  const buttons = page.getByTestId('toasts').getByRole('button', { name: 'Dismiss' })
  while ((await buttons.count()) > 0) await buttons.first().click()
}

/** Picks the template and says what fills {{2}}: the contact's city, "your town" when it has none. */
async function composeMessage(page: Page, name: string) {
  await page.getByLabel('Name (for you, customers do not see it)').fill(name)
  await page.getByLabel('Approved template').selectOption({ label: 'spring_sale (en)' })
  await page
    .getByTestId('template-body')
    .getByText('Hi {{1}}, our spring sale starts today in {{2}}!')
    .waitFor()
  expect(await page.locator('#bc-var-1-from').inputValue()).toBe('name')
  await page.locator('#bc-var-2-from').selectOption('attribute')
  await page.locator('#bc-var-2-key').fill('city')
  await page.locator('#bc-var-2-fallback').fill('your town')
}

describe('Broadcasts in a real browser', () => {
  // One message a second: the broadcast is still sending when its page opens, then completes there.
  const suite = browserSuite({ AUTH_SECRET, OPERATOR_EMAILS: OPERATOR.email, BROADCAST_RATE_PER_SECOND: '1' })

  it('imports and tags contacts, saves a segment, makes a template, sends a broadcast to the segment and watches it complete', {
    timeout: 240_000,
  }, async () => {
    const { owner, cookie, orgId } = await ownerWithOrganization(suite.server, 'Flower Shop')
    const number = await provisionViaApi(suite.server, cookie, orgId)
    await customerWrites(suite.server, AUTH_SECRET, { from: OLGA, to: number, name: 'Olga', body: 'STOP' })

    const { context, page } = await newPage(suite.browser, suite.server.url)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await signInInBrowser(page, owner)

    // Contacts tab: import the CSV, tag everyone in it, save a segment of the tag.
    await page.goto(`/Dashboard/organizations/${orgId}?tab=contacts`)
    await page.locator('#contacts-csv').setInputFiles({
      name: 'customers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    })
    await page.getByTestId('import-preview').waitFor()
    await page.getByRole('button', { name: /^Import 4 rows/ }).click()
    await page.locator('[data-testid="import-result"][data-status="done"]').waitFor({ timeout: 60_000 })
    await page.getByTestId('contacts-total').getByText('4 of 4 contacts').waitFor()
    await page.getByRole('checkbox', { name: 'Select all the contacts shown' }).check()
    await page.getByLabel('Tag for the selected contacts').fill('spring')
    await page.getByRole('button', { name: 'Add tag' }).click()
    await page.getByTestId('toasts').getByText('Tag “spring” added to 4 contacts.').waitFor()
    await page.getByTestId('tag-filter').filter({ hasText: 'spring' }).click()
    await page.getByTestId('contacts-total').getByText('4 of 4 contacts').waitFor()
    expect(await contactRows(page).count()).toBe(4)
    await page.getByLabel('Save the current filters as a segment').fill('Spring list')
    await page.getByRole('button', { name: 'Save the segment' }).click()
    await page.getByTestId('segment-row').filter({ hasText: 'Spring list' }).waitFor()

    // Broadcasts tab: nothing yet, and no approved template to send: the composer leads to Templates.
    await page.getByRole('tab', { name: 'Broadcasts' }).click()
    await page.getByRole('tab', { name: 'Broadcasts', selected: true }).waitFor()
    await page.getByText('No broadcasts yet').waitFor()
    await page.getByRole('button', { name: 'New broadcast' }).click()
    await page
      .getByTestId('no-approved-template')
      .getByRole('link', { name: 'Create one on the Templates tab' })
      .click()

    // Templates tab: write one with two variables; the sandbox approves it at once.
    await page.getByRole('tab', { name: 'Templates', selected: true }).waitFor()
    await page.getByRole('button', { name: 'New template' }).click()
    await page.locator('#template-name').fill('spring_sale')
    await page.locator('#template-category').selectOption('marketing')
    await page.locator('#template-body').fill('Hi {{1}}, our spring sale starts today in {{2}}!')
    await page.locator('#template-example-1').fill('Ana')
    await page.locator('#template-example-2').fill('Paris')
    await page.getByRole('button', { name: 'Submit for approval' }).click()
    await page
      .locator(
        '[data-testid="template-row"][data-name="spring_sale"] [data-testid="template-status"][data-status="approved"]',
      )
      .waitFor({ timeout: 30_000 })

    // Back on Broadcasts: compose.
    await page.getByRole('tab', { name: 'Broadcasts' }).click()
    await page.getByRole('button', { name: 'New broadcast' }).click()
    await page.getByTestId('preview-waiting').getByText('Choose a template').waitFor()
    await composeMessage(page, 'Spring sale')
    await page.getByTestId('preview-waiting').getByText('Choose who receives it.').waitFor()
    await page.getByLabel('Segment', { exact: true }).selectOption({ label: 'Spring list (4 contacts)' })

    // The preview: 4 in the segment, 2 messaged, Ben (no consent) and Olga (opted out) skipped.
    const preview = page.getByTestId('broadcast-preview')
    await preview.getByTestId('preview-total').getByText('4', { exact: true }).waitFor()
    expect(await preview.getByTestId('preview-sendable').textContent()).toBe('2')
    expect(await preview.getByTestId('preview-remaining').textContent()).toBe('500')
    expect(await preview.locator('[data-reason="opted_out"]').textContent()).toMatch(/Opted out\s*1$/)
    expect(await preview.locator('[data-reason="no_consent"]').textContent()).toMatch(/No consent.*1$/)
    const samples = await preview.getByTestId('preview-sample').allTextContents()
    expect(samples).toHaveLength(2)
    expect(samples.join('\n')).toContain('Hi Ana Martin, our spring sale starts today in Paris!')
    expect(samples.join('\n')).toContain('Hi Chloé Dubois, our spring sale starts today in your town!')
    await expectAccessible(page, 'broadcasts: the composer with a preview')
    await dismissToasts(page)
    await page.evaluate(() => window.scrollTo(0, 0))
    await docScreenshot(page, 'broadcast-compose')

    // Send now, after the confirmation; the page follows the broadcast live.
    await page.getByRole('button', { name: 'Send now to 2 contacts' }).click()
    const confirm = page.getByRole('dialog', { name: 'Send this broadcast now?' })
    expect(await confirm.textContent()).toContain('goes to 2 contacts now. 2 are skipped.')
    await confirm.getByRole('button', { name: 'Send', exact: true }).click()
    await page.getByTestId('toasts').getByText('“Spring sale” is being sent.').waitFor()
    const detail = page.getByTestId('broadcast-detail')
    await detail.waitFor()
    expect(new URL(page.url()).searchParams.get('broadcast')).toBeTruthy()
    await detail.locator('[data-testid="broadcast-status"][data-status="sending"]').waitFor()
    await detail
      .locator('[data-testid="broadcast-status"][data-status="completed"]')
      .waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('broadcast-progress-figure').textContent()).toBe('4 / 4')
    const count = (status: string) => detail.locator(`[data-count="${status}"] dd`).textContent()
    expect(await count('sent')).toBe('2')
    expect(await count('skipped')).toBe('2')
    expect(await count('pending')).toBe('0')
    expect(await page.getByTestId('broadcast-skipped').textContent()).toMatch(/Opted out: 1.*No consent.*: 1/)

    // The recipients: the skipped ones with why.
    const recipients = page.getByTestId('recipients-table')
    // The table follows the counts: once the broadcast completes, no row is left waiting.
    await recipients.locator('[data-testid="recipient-row"][data-status="sent"]').nth(1).waitFor()
    expect(await recipients.getByTestId('recipient-row').count()).toBe(4)
    await page.getByLabel('Show', { exact: true }).selectOption('skipped')
    await recipients
      .locator('[data-testid="recipient-row"]:not([data-status="skipped"])')
      .first()
      .waitFor({ state: 'detached' })
    const skipped = recipients.getByTestId('recipient-row')
    expect(await skipped.count()).toBe(2)
    expect(await skipped.filter({ hasText: 'Olga Stop' }).getByTestId('recipient-reason').textContent()).toBe(
      'Opted out',
    )
    expect(await skipped.filter({ hasText: 'Ben Lee' }).getByTestId('recipient-reason').textContent()).toBe(
      'No consent (never opted in)',
    )
    await expectAccessible(page, 'broadcasts: a completed broadcast')
    await dismissToasts(page)
    await page.evaluate(() => window.scrollTo(0, 0))
    await docScreenshot(page, 'broadcasts')

    // The results file: one line per recipient.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the results (CSV)' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('Spring-sale-recipients.csv')
    const path = await download.path()
    const lines = (await readFile(path, 'utf8')).trim().split(/\r?\n/)
    expect(lines[0]).toBe('phone,name,status,reason,sent_at,updated_at,variables')
    expect(lines).toHaveLength(5)
    const line = (phone: string) => lines.find((l) => l.startsWith(`${phone},`)) ?? ''
    expect(line('+33612345678')).toMatch(/^\+33612345678,Ana Martin,sent,,\d{4}-/)
    expect(line('+33612345678')).toMatch(/,\{\{1\}\}=Ana Martin; \{\{2\}\}=Paris$/)
    expect(line('+447700900123')).toMatch(/,\{\{1\}\}=Chloé Dubois; \{\{2\}\}=your town$/)
    expect(line('+14155550123')).toMatch(/^\+14155550123,Ben Lee,skipped,no_consent,/)
    expect(line(OLGA)).toMatch(/^\+15550009999,Olga Stop,skipped,opted_out,/)

    // The list: the broadcast, completed, 4 of 4.
    await page.getByRole('button', { name: 'Back to the list' }).click()
    const row = page.getByTestId('broadcast-row').filter({ hasText: 'Spring sale' })
    await row.and(page.locator('[data-status="completed"]')).waitFor()
    expect(await row.textContent()).toContain('4 / 4')
    await expectAccessible(page, 'broadcasts')
    expect(pageErrors).toEqual([])
    await context.close()
  })

  it('offers to send up to the limit, schedules in the organization time zone, cancels; viewers only read', {
    timeout: 240_000,
  }, async () => {
    const { owner, cookie, orgId } = await ownerWithOrganization(suite.server, 'Tea Room')
    await provisionViaApi(suite.server, cookie, orgId)
    await approvedTemplate(suite.server, cookie, orgId)
    const contactIds: string[] = []
    for (const [phone, name, city] of [
      ['+33600000001', 'Amir', 'Lyon'],
      ['+33600000002', 'Bea', 'Nice'],
      ['+33600000003', 'Cyril', 'Lille'],
    ] as const) {
      const { contact } = await apiJson<{ contact: { id: string } }>(
        suite.server,
        cookie,
        `/api/organizations/${orgId}/contacts`,
        {
          phone,
          name,
          tags: ['tea'],
          attributes: { city },
          optedIn: true,
        },
      )
      contactIds.push(contact.id)
    }
    const operatorCookie = await signUpOperator(suite.server, OPERATOR)
    await setPlanViaApi(suite.server, operatorCookie, orgId, { monthlyMessageLimit: 2 })
    // A time zone far from the test machine's, so a schedule read in the wrong zone would show.
    const zone = 'Pacific/Auckland'
    const org = await apiJson<{ organization: { businessHours: Record<string, unknown> } }>(
      suite.server,
      cookie,
      `/api/organizations/${orgId}`,
    )
    const patched = await suite.server.request(`/api/organizations/${orgId}`, {
      method: 'PATCH',
      cookie,
      body: JSON.stringify({ businessHours: { ...org.organization.businessHours, timezone: zone } }),
    })
    expect(patched.status).toBe(200)

    const { context, page } = await newPage(suite.browser, suite.server.url)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await signInInBrowser(page, owner)
    await page.goto(`/Dashboard/organizations/${orgId}?tab=broadcasts&compose=1`)

    // Three to message, two left this month: the preview warns, the server refuses with the numbers.
    await composeMessage(page, 'Tea tasting')
    await page.getByLabel('Contacts with tags').check()
    await page.getByRole('checkbox', { name: /tea/ }).check()
    const preview = page.getByTestId('broadcast-preview')
    await preview.getByTestId('preview-sendable').getByText('3', { exact: true }).waitFor()
    expect(await preview.getByTestId('preview-remaining').textContent()).toBe('2')
    await preview.getByTestId('preview-over-limit').waitFor()
    await page.getByRole('button', { name: 'Send now to 3 contacts' }).click()
    await page
      .getByRole('dialog', { name: 'Send this broadcast now?' })
      .getByRole('button', { name: 'Send' })
      .click()
    const over = page.getByTestId('over-limit')
    await over.getByText('This broadcast needs 3 messages, and 2 are left this month.').waitFor()
    await expectAccessible(page, 'broadcasts: a broadcast over the monthly limit')

    // Schedule it for tomorrow 09:30 in Auckland, up to the limit.
    await page.getByLabel('Schedule', { exact: true }).check()
    const tomorrow = await page.locator('#bc-send-date').inputValue()
    await page.locator('#bc-send-time').fill('09:30')
    expect(await page.getByTestId('schedule-zone').textContent()).toContain(zone)
    await over.getByRole('button', { name: 'Send up to the limit (2)' }).click()
    const detail = page.getByTestId('broadcast-detail')
    await detail.locator('[data-testid="broadcast-status"][data-status="scheduled"]').waitFor()
    expect(await page.getByTestId('broadcast-send-at').textContent()).toMatch(/9:30.*\(Pacific\/Auckland\)$/)
    const created = await apiJson<{ broadcasts: { sendAtLocal: string; recipientCount: number }[] }>(
      suite.server,
      cookie,
      `/api/organizations/${orgId}/broadcasts`,
    )
    expect(created.broadcasts[0]?.sendAtLocal).toBe(`${tomorrow}T09:30`)
    expect(await detail.locator('[data-count="pending"] dd').textContent()).toBe('2')
    expect(await page.getByTestId('broadcast-skipped').textContent()).toContain('Over the monthly limit: 1')

    // A viewer follows the scheduled broadcast but can neither make one nor cancel it.
    const viewer = uniqueUser('viewer')
    const viewerCookie = await signUpViaApi(suite.server, viewer)
    await addMemberViaApi(
      suite.server,
      cookie,
      orgId,
      { email: viewer.email, cookie: viewerCookie },
      'viewer',
    )
    const v = await newPage(suite.browser, suite.server.url)
    await signInInBrowser(v.page, viewer)
    await v.page.goto(`/Dashboard/organizations/${orgId}?tab=broadcasts`)
    await v.page.getByTestId('read-only-note').waitFor()
    expect(await v.page.getByRole('button', { name: 'New broadcast' }).count()).toBe(0)
    await v.page.getByRole('button', { name: 'Tea tasting' }).click()
    await v.page.locator('[data-testid="broadcast-status"][data-status="scheduled"]').waitFor()
    await v.page.getByRole('link', { name: 'Download the results (CSV)' }).waitFor()
    expect(await v.page.getByRole('button', { name: 'Cancel the broadcast' }).count()).toBe(0)
    await expectAccessible(v.page, "broadcasts: a viewer's scheduled broadcast")

    // The owner cancels, after a confirmation: the waiting recipients are skipped as cancelled.
    await page.getByRole('button', { name: 'Cancel the broadcast' }).click()
    await page
      .getByRole('dialog', { name: 'Cancel this broadcast?' })
      .getByRole('button', { name: 'Cancel the broadcast' })
      .click()
    await detail.locator('[data-testid="broadcast-status"][data-status="cancelled"]').waitFor()
    await page.getByTestId('broadcast-skipped').getByText('Cancelled: 2').waitFor()
    expect(await page.getByRole('button', { name: 'Cancel the broadcast' }).count()).toBe(0)
    // The viewer's page, polling while the broadcast was scheduled, sees it cancelled too.
    await v.page.locator('[data-testid="broadcast-status"][data-status="cancelled"]').waitFor()

    // Contacts selected on the Contacts tab are an audience of their own (the address carries their ids).
    await page.getByRole('tab', { name: 'Contacts' }).click()
    await page.getByRole('checkbox', { name: 'Select Amir' }).check()
    await page.getByRole('checkbox', { name: 'Select Bea' }).check()
    await page.getByRole('link', { name: 'Send a broadcast to 2 selected' }).click()
    await page.getByRole('tab', { name: 'Broadcasts', selected: true }).waitFor()
    expect(new URL(page.url()).searchParams.get('contacts')?.split(',').sort()).toEqual(
      contactIds.slice(0, 2).sort(),
    )
    expect(await page.getByLabel('The 2 contacts you chose').isChecked()).toBe(true)
    await composeMessage(page, 'Two friends')
    await preview.getByTestId('preview-total').getByText('2', { exact: true }).waitFor()
    const chosen = await preview.getByTestId('preview-sample').allTextContents()
    expect(chosen.join('\n')).toContain('Hi Amir, our spring sale starts today in Lyon!')
    expect(chosen.join('\n')).toContain('Hi Bea, our spring sale starts today in Nice!')
    expect(pageErrors).toEqual([])
    await v.context.close()
    await context.close()
  })
})
