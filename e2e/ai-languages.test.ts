import { describe, expect, it } from 'vitest'
import { expectAccessible } from './support/axe'
import { newPage, signInInBrowser } from './support/browser'
import { signUpViaApi, uniqueUser } from './support/server'
import { browserSuite } from './support/suite'

// Settings → AI: the languages customers are answered in.
describe('the AI languages setting in a real browser', () => {
  const suite = browserSuite()

  it('restricts the answering languages and saves them', { timeout: 120_000 }, async () => {
    const owner = uniqueUser('languages')
    const cookie = await signUpViaApi(suite.server, owner)
    const created = await suite.server.request('/api/organizations', {
      method: 'POST',
      cookie,
      body: JSON.stringify({ name: 'Lingua Cafe' }),
    })
    const org = ((await created.json()) as { organization: { id: string } }).organization

    const { page } = await newPage(suite.browser, suite.server.url)
    await signInInBrowser(page, owner)
    await page.goto(`/Dashboard/organizations/${org.id}?tab=settings`)
    const section = page.getByTestId('settings-ai')
    const restrict = section.getByLabel(/Only answer in the languages chosen below/)
    await restrict.waitFor()
    expect(await restrict.isChecked()).toBe(false)
    await restrict.check()
    // The default language is always among them.
    expect(await section.getByLabel('English', { exact: true }).isDisabled()).toBe(true)
    await section.getByLabel('French', { exact: true }).check()
    await section.getByLabel('Kinyarwanda', { exact: true }).check()
    await expectAccessible(page, 'the AI settings with chosen languages')
    await section.getByRole('button', { name: 'Save AI settings' }).click()
    await page.getByText('AI settings saved.').waitFor()

    const read = await suite.server.request(`/api/organizations/${org.id}`, { cookie })
    const body = (await read.json()) as { organization: { ai: { languages?: string[] } } }
    expect(body.organization.ai.languages).toEqual(['en', 'fr', 'rw'])

    // Unticking the restriction goes back to following the customer (no list saved).
    await restrict.uncheck()
    await section.getByRole('button', { name: 'Save AI settings' }).click()
    await page.getByText('AI settings saved.').last().waitFor()
    await expect
      .poll(async () => {
        const again = await suite.server.request(`/api/organizations/${org.id}`, { cookie })
        return ((await again.json()) as { organization: { ai: { languages?: string[] } } }).organization.ai
          .languages
      })
      .toBeUndefined()
  })
})
