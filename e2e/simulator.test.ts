import { describe, expect, it } from 'vitest'
import { waitFor } from '../test/support/wait'
import { expectAccessible } from './support/axe'
import { newPage, signInInBrowser } from './support/browser'
import { addMemberViaApi, signUpViaApi, uniqueUser } from './support/server'
import { browserSuite } from './support/suite'

// The simulator as a business owner uses it: the rehearsal is marked as such in Analytics, and
// only those who may edit the assistant can write in it.
describe('the simulator in a real browser', () => {
  const suite = browserSuite()

  it('marks simulated conversations and keeps viewers to reading', async () => {
    const owner = uniqueUser('simowner')
    const ownerCookie = await signUpViaApi(suite.server, owner)
    const call = async <T>(path: string, method = 'GET', body?: unknown): Promise<T> => {
      const res = await suite.server.request(path, {
        method,
        cookie: ownerCookie,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      expect(res.ok).toBe(true)
      return (await res.json()) as T
    }
    type OrganizationAnswer = { organization: { id: string; numberStatus: string } }
    const { organization } = await call<OrganizationAnswer>('/api/organizations', 'POST', {
      name: 'Rehearsal Bakery',
      welcomeMessage: '',
    })
    const { numbers } = await call<{ numbers: { phoneNumber: string }[] }>(
      '/api/organizations/search-numbers?country=US&type=local&limit=1',
    )
    const number = numbers.at(0)
    if (!number) throw new Error('the number search found nothing to provision')
    await call(`/api/organizations/${organization.id}/provision-number`, 'POST', {
      phoneNumber: number.phoneNumber,
    })
    await waitFor(
      async () =>
        (await call<OrganizationAnswer>(`/api/organizations/${organization.id}`)).organization
          .numberStatus === 'active',
      { timeoutMs: 25_000, intervalMs: 250, what: 'the number active' },
    )

    const { context, page } = await newPage(suite.browser, suite.server.url)
    await signInInBrowser(page, owner)
    await page.goto(`/Dashboard/organizations/${organization.id}/simulator`)
    await page.getByLabel('Customer phone number').fill('+15553332211')
    await page.locator('#sim-text').fill('Hello there')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    await page
      .locator('[data-testid="sim-message"][data-direction="outbound"][data-source="ai"]')
      .first()
      .waitFor({ timeout: 60_000 })

    await page.goto(`/Dashboard/organizations/${organization.id}?tab=analytics`)
    const row = page.getByTestId('conversation-row').filter({ hasText: '+1 555 333 2211' })
    await row.waitFor({ timeout: 30_000 })
    expect(await row.getByTestId('simulated-badge').textContent()).toBe('Simulated')
    await expectAccessible(page, 'Analytics with a simulated conversation')
    await context.close()

    const viewer = uniqueUser('simviewer')
    const viewerCookie = await signUpViaApi(suite.server, viewer)
    await addMemberViaApi(
      suite.server,
      ownerCookie,
      organization.id,
      { email: viewer.email, cookie: viewerCookie },
      'viewer',
    )
    const second = await newPage(suite.browser, suite.server.url)
    await signInInBrowser(second.page, viewer)
    await second.page.goto(`/Dashboard/organizations/${organization.id}/simulator`)
    await second.page
      .getByText("Only the organization's owners and admins can write in the simulator")
      .waitFor()
    expect(await second.page.locator('#sim-text').isDisabled()).toBe(true)
    await expectAccessible(second.page, "a viewer's simulator")
    await second.context.close()
  }, 180_000)
})
