import { describe, expect, it } from 'vitest'
import { waitFor } from '../test/support/wait'
import { expectAccessible } from './support/axe'
import { newPage, signInInBrowser } from './support/browser'
import { apiJson, ownerWithOrganization, provisionViaApi } from './support/sandbox'
import { docScreenshot } from './support/screenshots'
import { browserSuite } from './support/suite'

// Templates in the browser, on the sandbox provider (which approves at once): an owner writes a
// template with a live preview, sees it approved, and an agent's composer offers it in a
// conversation whose 24-hour window is closed.

describe('templates in the dashboard', () => {
  const suite = browserSuite()

  it('writes a template with a live preview, sees it approved, and sends it where the window is closed', async () => {
    const { server, browser } = suite
    const { owner, cookie, orgId } = await ownerWithOrganization(server, 'Bakery Rosa')
    await provisionViaApi(server, cookie, orgId)

    const { page, context } = await newPage(browser, server.url)
    try {
      await signInInBrowser(page, owner)
      await page.goto(`/Dashboard/organizations/${orgId}?tab=templates`)
      await page.getByRole('tab', { name: 'Templates', selected: true }).waitFor()
      await page.getByText('No templates yet').waitFor()
      await page.getByRole('button', { name: 'New template' }).click()

      // The preview follows the text; a variable shows as its placeholder until its example is in.
      await page.locator('#template-name').fill('Order Ready')
      expect(await page.locator('#template-name').inputValue()).toBe('order_ready')
      await page.locator('#template-body').fill('Hi {{1}}, your cake is ready. Pick it up before ')
      await page.getByRole('button', { name: 'Add variable {{2}}' }).click()
      const preview = page.getByTestId('template-preview')
      await preview.getByText('{{1}}').waitFor()
      await page.locator('#template-example-1').fill('Ana')
      await page.locator('#template-example-2').fill('6 pm')
      await preview.getByText('Hi Ana, your cake is ready. Pick it up before 6 pm').waitFor()
      await expectAccessible(page, 'the template form')
      await docScreenshot(page, 'template-form')

      // A missing example is named next to its field.
      await page.locator('#template-example-2').fill('')
      await page.getByRole('button', { name: 'Submit for approval' }).click()
      await page.getByText("Give an example value for {{2}} (WhatsApp's review needs one)").waitFor()
      await page.locator('#template-example-2').fill('6 pm')
      await page.getByRole('button', { name: 'Submit for approval' }).click()

      const row = page.locator('[data-testid="template-row"][data-name="order_ready"]')
      await row
        .locator('[data-testid="template-status"][data-status="approved"]')
        .waitFor({ timeout: 30_000 })
      await row.getByText('Approved').waitFor()
      await expectAccessible(page, 'the templates list')

      // A customer who never wrote: the business reached them by a broadcast, so only templates may follow.
      const { contact } = await apiJson<{ contact: { id: string; phone: string } }>(
        server,
        cookie,
        `/api/organizations/${orgId}/contacts`,
        { phone: '+33612345678', name: 'Ana', optedIn: true },
      )
      const { templates } = await apiJson<{ templates: { id: string }[] }>(
        server,
        cookie,
        `/api/organizations/${orgId}/templates`,
      )
      const templateId = templates[0]?.id
      const { broadcast } = await apiJson<{ broadcast: { id: string } }>(
        server,
        cookie,
        `/api/organizations/${orgId}/broadcasts`,
        {
          name: 'Cakes ready',
          templateId,
          variables: { '1': { from: 'name' }, '2': { from: 'text', value: '6 pm' } },
          audience: { kind: 'contacts', contactIds: [contact.id] },
        },
      )
      await waitFor(
        async () =>
          (
            await apiJson<{ broadcast: { status: string } }>(
              server,
              cookie,
              `/api/organizations/${orgId}/broadcasts/${broadcast.id}`,
            )
          ).broadcast.status === 'completed',
        { timeoutMs: 30_000, intervalMs: 300, what: 'the broadcast sent' },
      )
      const { conversations } = await apiJson<{
        conversations: { id: string; windowOpen: boolean; contact: { waId: string } }[]
      }>(server, cookie, `/api/organizations/${orgId}/conversations`)
      const conversation = conversations.find((c) => c.contact.waId === contact.phone)
      expect(conversation?.windowOpen).toBe(false)

      await page.goto(`/Dashboard/organizations/${orgId}?tab=analytics&conversation=${conversation?.id}`)
      const closed = page.getByTestId('window-closed')
      await closed.getByText('This customer has not written yet.', { exact: false }).waitFor()
      // No free-text box while the window is closed: a template instead.
      expect(await page.locator('#agent-reply').count()).toBe(0)
      await page.getByLabel('Template', { exact: true }).selectOption({ label: 'order_ready (en)' })
      await page.getByLabel('Value for {{1}}').fill('Ana')
      const send = page.getByRole('button', { name: 'Send template' })
      expect(await send.isDisabled()).toBe(true)
      await page.getByLabel('Value for {{2}}').fill('7 pm')
      await closed
        .getByTestId('template-preview')
        .getByText('Hi Ana, your cake is ready. Pick it up before 7 pm')
        .waitFor()
      await expectAccessible(page, 'the template composer')
      await docScreenshot(page, 'template-composer')
      await send.click()

      const transcript = page.getByTestId('transcript')
      await transcript.getByText('Hi Ana, your cake is ready. Pick it up before 7 pm').waitFor()
      await waitFor(
        async () => {
          const { messages } = await apiJson<{
            messages: { body: string; status: string; templateId: string | null }[]
          }>(server, cookie, `/api/organizations/${orgId}/conversations/${conversation?.id}`)
          const sent = messages.find((m) => m.body.endsWith('before 7 pm'))
          return sent && sent.templateId === templateId && ['sent', 'delivered'].includes(sent.status)
        },
        { timeoutMs: 20_000, intervalMs: 300, what: 'the template message sent' },
      )
    } finally {
      await context.close()
    }
  })
})
