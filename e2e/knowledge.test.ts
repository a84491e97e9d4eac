import { describe, expect, it } from 'vitest'
import { docx } from '../test/support/bombs'
import { expectAccessible } from './support/axe'
import { newPage, signInInBrowser } from './support/browser'
import { signUpViaApi, uniqueUser } from './support/server'
import { browserSuite } from './support/suite'

describe('AI Training files in a real browser', () => {
  const suite = browserSuite()

  it('shows each file being read, ready, refused or failed with the reason, and deletes a failed one', {
    timeout: 180_000,
  }, async () => {
    const owner = uniqueUser('owner')
    const cookie = await signUpViaApi(suite.server, owner)
    const res = await suite.server.request('/api/organizations', {
      method: 'POST',
      cookie,
      body: JSON.stringify({ name: 'Tool Library' }),
    })
    const { organization } = (await res.json()) as { organization: { id: string } }

    const { context, page } = await newPage(suite.browser, suite.server.url)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await signInInBrowser(page, owner)
    await page.goto(`/Dashboard/organizations/${organization.id}?tab=training`)
    const files = page.getByRole('list', { name: 'Files' })

    // A good file: accepted, read in the background, then ready with its length.
    await page.locator('#knowledge-file').setInputFiles({
      name: 'loans.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Tools are lent for one week. Late returns cost 1 EUR a day.\n'),
    })
    await page.getByText('Uploaded loans.txt').waitFor()
    const loans = page.getByTestId('file-item').filter({ hasText: 'loans.txt' })
    await loans.and(page.locator('[data-status="ready"]')).waitFor({ timeout: 60_000 })
    await loans.getByText('characters of text').waitFor()

    // Refused at once: the reason is shown and nothing is added.
    await page.locator('#knowledge-file').setInputFiles({
      name: 'inventory.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`Tool,Shelf\n${'Drill,A1\n'.repeat(100_001)}`),
    })
    const refused = page.getByRole('alert').filter({ hasText: 'Upload failed' })
    await refused.getByText('more than 100,000 rows').waitFor()
    expect(await files.getByText('inventory.csv').count()).toBe(0)

    // Accepted, but reading shows it expands far beyond what it declares: failed with the reason.
    await page.locator('#knowledge-file').setInputFiles({
      name: 'manual.docx',
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      buffer: Buffer.from(docx(100, { declaredSize: 4096 })),
    })
    const manual = page.getByTestId('file-item').filter({ hasText: 'manual.docx' })
    await manual.and(page.locator('[data-status="failed"]')).waitFor({ timeout: 60_000 })
    expect(await manual.getByTestId('file-error').textContent()).toMatch(
      /Could not be read\..*expands beyond the 4,096 bytes/,
    )
    await page.getByText('One file could not be read and is left out of training').waitFor()
    await expectAccessible(page, 'the AI Training tab with a ready and a failed file')

    await page.getByRole('button', { name: 'Delete manual.docx' }).click()
    await manual.waitFor({ state: 'detached' })
    expect(await files.getByText('loans.txt').count()).toBe(1)

    // Training uses the ready file.
    await page.getByRole('button', { name: 'Train', exact: true }).click()
    await page
      .getByTestId('training-status')
      .getByText('Trained', { exact: true })
      .waitFor({ timeout: 90_000 })
    await page.locator('#try-question').fill('How long can I borrow a tool?')
    await page.getByRole('button', { name: 'Ask', exact: true }).click()
    await page.getByTestId('try-answer').waitFor({ timeout: 60_000 })
    await page.getByRole('button', { name: 'Details' }).click()
    expect(await page.getByTestId('try-passages').textContent()).toContain('one week')
    expect(pageErrors).toEqual([])
    await context.close()
  })
})
