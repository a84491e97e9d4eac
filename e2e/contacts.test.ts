import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { testEnv } from '../test/support/env'
import { waitFor } from '../test/support/wait'
import { expectAccessible } from './support/axe'
import { newPage, signInInBrowser } from './support/browser'
import { customerWrites, ownerWithOrganization, provisionViaApi } from './support/sandbox'
import { docScreenshot } from './support/screenshots'
import { addMemberViaApi, type RunningServer, signUpViaApi, uniqueUser } from './support/server'
import { browserSuite } from './support/suite'

// Line 4 (the header is line 1) has no usable number: shown in the preview, skipped by the import.
const CSV = `phone,name,tags,opt_in,city
+33612345678,Ana Martin,vip;paris,yes,Paris
+14155550123,Ben Lee,wholesale,no,San Francisco
not-a-number,Bad Row,,yes,
+447700900123,Chloé Dubois,vip,yes,London
`

const rows = (page: Page) => page.getByTestId('contact-row')
const row = (page: Page, name: string) => rows(page).filter({ hasText: name })

// A known auth secret: the sandbox provider's webhook token derives from it (config.ts), so the
// test can sign a customer's message as Twilio would.
const AUTH_SECRET = randomBytes(32).toString('hex')

/** Imports a CSV through the API (multipart, so not server.request's JSON) and waits for the job. */
async function importViaApi(server: RunningServer, cookie: string, orgId: string, csv: string) {
  const form = new FormData()
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'many.csv')
  const res = await fetch(`${server.url}/api/organizations/${orgId}/contacts/imports`, {
    method: 'POST',
    headers: { cookie, origin: server.url },
    body: form,
  })
  expect(res.status).toBe(202)
  const { import: started } = (await res.json()) as { import: { id: string } }
  await waitFor(
    async () => {
      const got = await server.request(`/api/organizations/${orgId}/contacts/imports/${started.id}`, {
        cookie,
      })
      const { import: job } = (await got.json()) as { import: { status: string } }
      if (job.status === 'failed') throw new Error('the import failed')
      return job.status === 'done'
    },
    { timeoutMs: 60_000, intervalMs: 300, what: 'the import done' },
  )
}

describe('Contacts in a real browser', () => {
  const suite = browserSuite({ AUTH_SECRET })

  it('imports a CSV with a bad line, filters by tag, tags in bulk, edits a contact and saves a segment', {
    timeout: 180_000,
  }, async () => {
    const { owner, orgId } = await ownerWithOrganization(suite.server, 'Corner Bakery')
    const { context, page } = await newPage(suite.browser, suite.server.url)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await signInInBrowser(page, owner)
    await page.goto(`/Dashboard/organizations/${orgId}`)
    await page.getByRole('tab', { name: 'Contacts' }).click()
    await page.getByRole('tab', { name: 'Contacts', selected: true }).waitFor()
    expect(new URL(page.url()).searchParams.get('tab')).toBe('contacts')
    await page.getByText('No contacts yet').waitFor()

    // The example CSV downloads, and the server reads it without an error.
    await page.getByText("The CSV's columns").click()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the example CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('contacts-example.csv')
    const example = readFileSync(await download.path(), 'utf8')
    expect(example.split('\n')[0]).toBe('phone,name,tags,opt_in,city')
    await page.locator('#contacts-csv').setInputFiles({
      name: 'contacts-example.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(example),
    })
    await page.getByTestId('preview-summary').getByText('3 rows found · no errors found').waitFor()
    await page.getByRole('button', { name: 'Cancel' }).click()
    await page.getByTestId('import-preview').waitFor({ state: 'detached' })

    // The preview: the rows as the server reads them, the bad line highlighted with its reason.
    await page.locator('#contacts-csv').setInputFiles({
      name: 'customers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    })
    const preview = page.getByTestId('import-preview')
    await preview.waitFor()
    expect(await preview.getByTestId('preview-row').count()).toBe(4)
    const bad = preview.locator('[data-testid="preview-row"][data-error="true"]')
    expect(await bad.count()).toBe(1)
    expect(await bad.getByTestId('preview-error').textContent()).toMatch(/^Error on line 4:/)
    expect(await page.getByTestId('preview-summary').textContent()).toMatch(/4 rows found · 1 with an error/)
    await expectAccessible(page, 'contacts: an import preview with a row error')

    // The import runs as a job; the result names the skipped line.
    await page.getByRole('button', { name: 'Import 3 rows, skip 1' }).click()
    const result = page.locator('[data-testid="import-result"][data-status="done"]')
    await result.waitFor({ timeout: 60_000 })
    expect(await result.getByTestId('import-counts').textContent()).toBe(
      '3 created · 0 updated · 1 row with an error',
    )
    expect(await result.getByTestId('import-errors').textContent()).toMatch(/^Line 4: /)

    // The table: the three contacts, their tags in colour chips, consent badges, the total.
    await rows(page).nth(2).waitFor()
    expect(await page.getByTestId('contacts-total').textContent()).toBe('3 of 3 contacts')
    const ana = row(page, 'Ana Martin')
    expect(await ana.getAttribute('data-phone')).toBe('+33612345678')
    expect(await ana.getByTestId('tag-chip').allTextContents()).toEqual(['vip', 'paris'])
    expect(await ana.getByTestId('consent').textContent()).toBe('Opted in')
    expect(await row(page, 'Ben Lee').getByTestId('consent').textContent()).toBe('No opt-in')
    expect(await ana.textContent()).toContain('Never wrote')

    // Filter by a tag: only the two vip customers.
    await page.getByTestId('tag-filter').filter({ hasText: 'vip' }).click()
    await page.getByTestId('contacts-total').getByText('2 of 2 contacts').waitFor()
    expect((await rows(page).allTextContents()).some((t) => t.includes('Ben Lee'))).toBe(false)

    // Tag the selection in bulk.
    await page.getByRole('checkbox', { name: 'Select all the contacts shown' }).check()
    expect(await page.getByTestId('selected-count').textContent()).toBe('2 selected')
    await page.getByLabel('Tag for the selected contacts').fill('spring sale')
    await page.getByRole('button', { name: 'Add tag' }).click()
    await page.getByTestId('toasts').getByText('Tag “spring sale” added to 2 contacts.').waitFor()
    await row(page, 'Chloé Dubois').locator('[data-tag="spring sale"]').waitFor()
    expect(await ana.locator('[data-tag="spring sale"]').count()).toBe(1)
    const springTag = page.getByTestId('tag-row').filter({ hasText: 'spring sale' })
    await springTag.getByTestId('tag-count').getByText('2 contacts').waitFor()

    // Save the current filters (vip, opted in) as a segment and see its count.
    await page.getByLabel('Consent').selectOption('yes')
    await page.getByLabel('Save the current filters as a segment').fill('VIP with consent')
    await page.getByRole('button', { name: 'Save the segment' }).click()
    const segment = page.getByTestId('segment-row').filter({ hasText: 'VIP with consent' })
    await segment.waitFor()
    expect(await segment.getByTestId('segment-count').textContent()).toBe('2 contacts')

    // Edit a contact in its dialog: name, a tag, an attribute, notes, consent.
    await page.getByRole('button', { name: 'Clear the filters' }).click()
    await page.getByTestId('contacts-total').getByText('3 of 3 contacts').waitFor()
    // The list is ordered by last activity and refetched after the tagging and the segment: let it
    // settle, or a click aimed at one row can land on another that just moved there.
    await page.waitForLoadState('networkidle')
    const dialog = page.getByRole('dialog', { name: 'Ben Lee' })
    for (let attempt = 1; ; attempt++) {
      await row(page, 'Ben Lee').getByRole('button', { name: 'Ben Lee' }).click()
      try {
        await dialog.waitFor({ timeout: 5000 })
        break
      } catch (err) {
        if (attempt === 3) throw err
        await page.keyboard.press('Escape')
        await page.getByRole('dialog').waitFor({ state: 'detached' })
      }
    }
    await dialog.getByLabel('Name', { exact: true }).fill('Benjamin Lee')
    await dialog.getByLabel('Add a tag').fill('vip')
    await dialog.getByRole('button', { name: 'Add', exact: true }).click()
    await dialog.getByTestId('contact-tags').locator('[data-tag="vip"]').waitFor()
    expect(await dialog.getByLabel('Attribute 1 name').inputValue()).toBe('city')
    await dialog.getByRole('button', { name: 'Add an attribute' }).click()
    await dialog.getByLabel('Attribute 2 name').fill('plan')
    await dialog.getByLabel('Attribute 2 value').fill('gold')
    await dialog.getByLabel('Notes').fill('Orders croissants every Friday.')
    await dialog.getByLabel(/^Opted in/).check()
    expect(await dialog.getByTestId('open-conversation').count()).toBe(0)
    await dialog.getByText('No conversation yet').waitFor()
    await expectAccessible(page, "contacts: an owner's contact dialog")
    await dialog.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByTestId('toasts').getByText('Benjamin Lee saved.').waitFor()
    await dialog.waitFor({ state: 'hidden' })
    const ben = row(page, 'Benjamin Lee')
    await ben.getByTestId('consent').getByText('Opted in').waitFor()
    expect(await ben.getByTestId('tag-chip').allTextContents()).toEqual(['wholesale', 'vip'])

    // The segment resolves when used: Ben is now vip and opted in, so it counts 3.
    await segment.getByTestId('segment-count').getByText('3 contacts').waitFor()
    await segment.getByRole('button', { name: 'Apply the segment VIP with consent' }).click()
    await page.getByTestId('contacts-total').getByText('3 of 3 contacts').waitFor()

    // What the server kept for Ben.
    await ben.getByRole('button', { name: 'Benjamin Lee' }).click()
    const again = page.getByRole('dialog', { name: 'Benjamin Lee' })
    expect(await again.getByLabel('Attribute 2 value').inputValue()).toBe('gold')
    expect(await again.getByLabel('Notes').inputValue()).toBe('Orders croissants every Friday.')
    await again.getByRole('button', { name: 'Cancel' }).click()

    if (testEnv.SCREENSHOTS) {
      // The guide's picture without the confirmations of what was just done.
      await page
        .getByTestId('toasts')
        .getByRole('button')
        .first()
        .waitFor({ state: 'detached', timeout: 10_000 })
      await page.evaluate(() => window.scrollTo(0, 0))
    }
    await docScreenshot(page, 'contacts')
    await expectAccessible(page, 'contacts')

    // An owner deletes a contact, after a confirmation.
    await row(page, 'Chloé Dubois').getByRole('button', { name: 'Chloé Dubois' }).click()
    await page
      .getByRole('dialog', { name: 'Chloé Dubois' })
      .getByRole('button', { name: 'Delete the contact' })
      .click()
    await page
      .getByRole('dialog', { name: 'Delete this contact?' })
      .getByRole('button', { name: 'Delete' })
      .click()
    await page.getByTestId('toasts').getByText('Chloé Dubois deleted.').waitFor()
    await page.getByTestId('contacts-total').getByText('2 of 2 contacts').waitFor()

    // The tags manager: a rename reaches the contacts; a deletion, after a confirmation, too.
    await springTag.getByRole('button', { name: 'Edit the tag spring sale' }).click()
    await page.getByLabel('Name of the tag spring sale').fill('spring promo')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await ana.locator('[data-tag="spring promo"]').waitFor()
    expect(await ana.locator('[data-tag="spring sale"]').count()).toBe(0)
    await page
      .getByTestId('tag-row')
      .filter({ hasText: 'paris' })
      .getByRole('button', { name: 'Delete the tag paris' })
      .click()
    await page
      .getByRole('dialog', { name: 'Delete the tag “paris”?' })
      .getByRole('button', { name: 'Delete the tag' })
      .click()
    await page.getByTestId('tag-row').filter({ hasText: 'paris' }).waitFor({ state: 'detached' })
    await ana.locator('[data-tag="paris"]').waitFor({ state: 'detached' })
    expect(await ana.getByTestId('tag-chip').allTextContents()).toEqual(['vip', 'spring promo'])
    expect(pageErrors).toEqual([])
    await context.close()
  })

  it('is read-only for a viewer, and only owners and admins see Delete', { timeout: 180_000 }, async () => {
    const { cookie, orgId } = await ownerWithOrganization(suite.server, 'Viewer Bakery')
    const created = await suite.server.request(`/api/organizations/${orgId}/contacts`, {
      method: 'POST',
      cookie,
      body: JSON.stringify({ phone: '+33611111111', name: 'Dana Roy', tags: ['vip'], optedIn: true }),
    })
    expect(created.status).toBe(201)

    const openDana = async (role: 'viewer' | 'agent') => {
      const member = uniqueUser(role)
      const memberCookie = await signUpViaApi(suite.server, member)
      await addMemberViaApi(suite.server, cookie, orgId, { email: member.email, cookie: memberCookie }, role)
      const { context, page } = await newPage(suite.browser, suite.server.url)
      await signInInBrowser(page, member)
      await page.goto(`/Dashboard/organizations/${orgId}?tab=contacts`)
      await row(page, 'Dana Roy').waitFor()
      return { context, page }
    }

    const viewer = await openDana('viewer')
    await viewer.page.getByTestId('read-only-note').waitFor()
    expect(await viewer.page.getByRole('checkbox').count()).toBe(0)
    expect(await viewer.page.locator('#contacts-csv').count()).toBe(0)
    expect(await viewer.page.getByLabel('New tag').count()).toBe(0)
    expect(await viewer.page.getByRole('button', { name: 'Save the segment' }).count()).toBe(0)
    await row(viewer.page, 'Dana Roy').getByRole('button', { name: 'Dana Roy' }).click()
    const shown = viewer.page.getByRole('dialog', { name: 'Dana Roy' })
    await shown.getByText('No conversation yet').waitFor()
    expect(await shown.getByRole('textbox').count()).toBe(0)
    expect(await shown.getByRole('button', { name: /Delete|Save/ }).count()).toBe(0)
    await expectAccessible(viewer.page, "contacts: a viewer's contact dialog")
    await viewer.context.close()

    const agent = await openDana('agent')
    // Agents send broadcasts: a selection can become one's audience.
    await agent.page.getByRole('checkbox', { name: 'Select Dana Roy' }).check()
    await agent.page.getByRole('link', { name: 'Send a broadcast to 1 selected' }).waitFor()
    await row(agent.page, 'Dana Roy').getByRole('button', { name: 'Dana Roy' }).click()
    const editing = agent.page.getByRole('dialog', { name: 'Dana Roy' })
    await editing.getByRole('button', { name: 'Save', exact: true }).waitFor()
    expect(await editing.getByRole('button', { name: 'Delete the contact' }).count()).toBe(0)
    await agent.context.close()
  })

  it('sends a broadcast to up to 200 selected contacts, and points to a tag or a segment past that', {
    timeout: 180_000,
  }, async () => {
    const { owner, cookie, orgId } = await ownerWithOrganization(suite.server, 'Busy Bakery')
    const many = Array.from({ length: 201 }, (_, i) => `+3362000${String(i).padStart(4, '0')},Buyer ${i}`)
    await importViaApi(suite.server, cookie, orgId, `phone,name\n${many.join('\n')}\n`)
    const { context, page } = await newPage(suite.browser, suite.server.url)
    await signInInBrowser(page, owner)
    await page.goto(`/Dashboard/organizations/${orgId}?tab=contacts`)
    for (const shown of [100, 150, 200, 201]) {
      await page.getByRole('button', { name: 'Load more' }).click()
      await page.getByTestId('contacts-total').getByText(`${shown} of 201 contacts`).waitFor()
    }
    await page.getByRole('checkbox', { name: 'Select all the contacts shown' }).check()
    expect(await page.getByTestId('selected-count').textContent()).toBe('201 selected')
    await page
      .getByTestId('broadcast-selection-too-large')
      .getByText('at most 200 selected contacts')
      .waitFor()
    expect(await page.getByRole('link', { name: /^Send a broadcast/ }).count()).toBe(0)
    await page.getByRole('checkbox', { name: 'Select Buyer 0', exact: true }).uncheck()
    await page.getByRole('link', { name: 'Send a broadcast to 200 selected' }).click()
    await page.getByRole('tab', { name: 'Broadcasts', selected: true }).waitFor()
    expect(new URL(page.url()).searchParams.get('contacts')?.split(',')).toHaveLength(200)
    await page.getByLabel('The 200 contacts you chose').waitFor()
    await context.close()
  })

  it("pages with Load more, and opens a customer's conversation from their contact in one click", {
    timeout: 180_000,
  }, async () => {
    const { owner, cookie, orgId } = await ownerWithOrganization(suite.server, 'Chatty Bakery')
    const number = await provisionViaApi(suite.server, cookie, orgId)
    const many = Array.from({ length: 60 }, (_, i) => `+3361000${String(i).padStart(4, '0')},Customer ${i}`)
    await importViaApi(suite.server, cookie, orgId, `phone,name\n${many.join('\n')}\n`)
    await customerWrites(suite.server, AUTH_SECRET, {
      from: '+15550001234',
      to: number,
      name: 'Eve Customer',
      body: 'Are you open on Sunday?',
    })

    const { context, page } = await newPage(suite.browser, suite.server.url)
    await signInInBrowser(page, owner)
    await page.goto(`/Dashboard/organizations/${orgId}?tab=contacts`)
    // Whoever wrote last comes first; a page holds 50, Load more brings the rest.
    await page.getByTestId('contacts-total').getByText('50 of 61 contacts').waitFor()
    const eve = rows(page).first()
    expect(await eve.getByRole('button').first().textContent()).toBe('Eve Customer')
    await page.getByRole('button', { name: 'Load more' }).click()
    await page.getByTestId('contacts-total').getByText('61 of 61 contacts').waitFor()
    expect(await rows(page).count()).toBe(61)
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0)
    expect(
      new Set(await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-phone')))).size,
    ).toBe(61)

    // Search by name (typed, then asked after a short pause).
    await page.getByLabel('Search').fill('Customer 42')
    await page.getByTestId('contacts-total').getByText('1 of 1 contact').waitFor()
    expect(await rows(page).first().getAttribute('data-phone')).toBe('+33610000042')
    await page.getByLabel('Search').fill('')
    await page
      .getByTestId('contacts-total')
      .getByText(/ of 61 contacts$/)
      .waitFor()
    expect(await eve.getAttribute('data-phone')).toBe('+15550001234')
    expect(await eve.textContent()).not.toContain('Never wrote')
    await eve.getByRole('button', { name: 'Eve Customer' }).click()
    await page
      .getByRole('dialog', { name: 'Eve Customer' })
      .getByRole('link', { name: 'Open the conversation' })
      .click()
    await page.getByRole('tab', { name: 'Analytics', selected: true }).waitFor()
    expect(new URL(page.url()).searchParams.get('conversation')).toBeTruthy()
    await page.getByTestId('transcript').getByText('Are you open on Sunday?').waitFor()
    await context.close()
  })
})
