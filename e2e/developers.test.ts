import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { defined } from '../test/support/defined'
import { waitFor } from '../test/support/wait'
import { expectAccessible } from './support/axe'
import { newPage, signInInBrowser } from './support/browser'
import { setPlanViaApi, signUpOperator } from './support/operator'
import { apiJson, ownerWithOrganization } from './support/sandbox'
import { docScreenshot } from './support/screenshots'
import { uniqueUser } from './support/server'
import { browserSuite } from './support/suite'

// The Developers tab in the browser: an owner creates an API key (its secret shown once, and it
// works as a Bearer token within its scopes), adds a webhook endpoint on a local receiver, sends a
// test event and sees it delivered — signed the Standard Webhooks way — in the delivery log, then
// replays it. The server may call 127.0.0.1 only because WEBHOOK_ALLOW_PRIVATE says so.

interface Received {
  headers: IncomingHttpHeaders
  body: string
}

/** A local endpoint answering 200 to every POST, remembering what it got. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('thanks')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks/whatsapp`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The Standard Webhooks check: `v1,<base64 HMAC-SHA256 of id.timestamp.body>` keyed by the secret's bytes. */
function signatureValid(secret: string, r: Received): boolean {
  const header = (name: string) => {
    const v = r.headers[name]
    return typeof v === 'string' ? v : ''
  }
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const expected = createHmac('sha256', key)
    .update(`${header('webhook-id')}.${header('webhook-timestamp')}.${r.body}`)
    .digest()
  return header('webhook-signature')
    .split(' ')
    .some((part) => {
      const [version, sig] = part.split(',')
      if (version !== 'v1' || !sig) return false
      const given = Buffer.from(sig, 'base64')
      return given.length === expected.length && timingSafeEqual(given, expected)
    })
}

// API keys and webhooks are Enterprise features (issue 17): an operator puts the organization on it.
const OPERATOR = uniqueUser('operator')

describe('the Developers tab', () => {
  const suite = browserSuite({ WEBHOOK_ALLOW_PRIVATE: 'true', OPERATOR_EMAILS: OPERATOR.email })

  it('creates a key shown once that works as a Bearer token, adds a webhook and sees a test event delivered', async () => {
    const { server, browser } = suite
    const { owner, cookie, orgId } = await ownerWithOrganization(server, 'Bakery Rosa')
    await setPlanViaApi(server, await signUpOperator(server, OPERATOR), orgId, { planType: 'enterprise' })
    const receiver = await startReceiver()
    const { page, context } = await newPage(browser, server.url)
    try {
      await signInInBrowser(page, owner)
      await page.goto(`/Dashboard/organizations/${orgId}?tab=developers`)
      await page.getByRole('tab', { name: 'Developers', selected: true }).waitFor()
      await page.getByText('No API keys yet').waitFor()
      await page.getByText('No webhook endpoints yet').waitFor()
      await expectAccessible(page, 'the empty Developers tab')
      // Its Help link opens this tab's guide.
      expect(await page.getByTestId('help-link').getAttribute('href')).toBe('/help/developers')
      const help = await fetch(`${server.url}/help/developers`)
      expect(help.status).toBe(200)
      expect(await help.text()).toContain('Developers: API keys and webhooks')

      // An API key that may read contacts, and nothing else.
      await page.getByRole('button', { name: 'Create API key' }).click()
      const keyDialog = page.getByRole('dialog', { name: 'Create an API key' })
      await keyDialog.locator('#api-key-name').fill('CRM sync')
      // No scope ticked: the form says so before asking the server.
      await keyDialog.getByRole('button', { name: 'Create key' }).click()
      await keyDialog.getByText('Choose at least one scope.').waitFor()
      await keyDialog.locator('#api-key-scope-contacts-read').check()
      await expectAccessible(page, 'the create-key form')
      await keyDialog.getByRole('button', { name: 'Create key' }).click()

      const shown = page.getByRole('dialog', { name: 'Copy your new API key' })
      await shown.getByText('This is the only time the key is shown.').waitFor()
      const secret = await shown.locator('#api-key-secret').inputValue()
      expect(secret).toMatch(/^wak_[0-9A-Za-z]{40}$/)
      await expectAccessible(page, 'the new key dialog')
      await docScreenshot(page, 'developers-api-key')
      await shown.getByRole('button', { name: 'I have copied it' }).click()

      const keyRow = page.locator('[data-testid="api-key-row"][data-name="CRM sync"]')
      await keyRow.locator('[data-testid="api-key-status"][data-status="active"]').waitFor()
      await keyRow.getByText('contacts:read').waitFor()
      // Once closed, the secret is nowhere on the page (the list shows its prefix), nor after a reload.
      expect(await page.content()).not.toContain(secret)
      await page.reload()
      await keyRow.waitFor()
      expect(await page.content()).not.toContain(secret)

      // The key works from a program, within its scope.
      const bearer = { authorization: `Bearer ${secret}` }
      const contacts = await fetch(`${server.url}/api/organizations/${orgId}/contacts`, { headers: bearer })
      expect(contacts.status).toBe(200)
      const templates = await fetch(`${server.url}/api/organizations/${orgId}/templates`, { headers: bearer })
      expect(templates.status).toBe(403)
      // The list says when the key was last used.
      await waitFor(
        async () =>
          (
            await apiJson<{ keys: { name: string; lastUsedAt: string | null }[] }>(
              server,
              cookie,
              `/api/organizations/${orgId}/api-keys`,
            )
          ).keys.find((k) => k.name === 'CRM sync')?.lastUsedAt,
        { timeoutMs: 10_000, intervalMs: 200, what: 'the key marked as used' },
      )
      await page.reload()
      expect(await keyRow.getByTestId('api-key-last-used').textContent()).not.toBe('Never')

      // A webhook endpoint on the local receiver.
      await page.getByRole('button', { name: 'Add endpoint' }).click()
      const hookDialog = page.getByRole('dialog', { name: 'Add a webhook endpoint' })
      await hookDialog.locator('#webhook-new-url').fill(receiver.url)
      await hookDialog.locator('#webhook-new-description').fill('Order system')
      await hookDialog.locator('#webhook-new-event-message-received').check()
      await hookDialog.locator('#webhook-new-event-conversation-handed-off').check()
      await expectAccessible(page, 'the add-endpoint form')
      await hookDialog.getByRole('button', { name: 'Add endpoint' }).click()
      const added = page.getByRole('dialog', { name: 'Endpoint added' })
      const signingSecret = await added.locator('#webhook-secret-new').inputValue()
      expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/)
      await added.getByRole('button', { name: 'Done' }).click()

      const hookRow = page.locator(`[data-testid="webhook-row"][data-url="${receiver.url}"]`)
      await hookRow.locator('[data-testid="webhook-state"][data-enabled="true"]').waitFor()
      await hookRow.getByText('message.received').waitFor()

      // "Reveal secret" shows the same signing secret again.
      await hookRow.getByRole('button', { name: 'Reveal secret' }).click()
      expect(await hookRow.locator('[data-testid="secret-value"]').inputValue()).toBe(signingSecret)
      await hookRow.getByRole('button', { name: 'Hide secret' }).click()

      // A test event: the delivery log opens and follows it until it is delivered.
      await hookRow.getByRole('button', { name: 'Send test event' }).click()
      const log = hookRow.getByTestId('delivery-log')
      const testRow = log.locator('[data-testid="delivery-row"][data-event="webhook.test"]')
      await log
        .locator('[data-testid="delivery-row"][data-event="webhook.test"][data-status="delivered"]')
        .waitFor({ timeout: 30_000 })
      expect(await testRow.count()).toBe(1)
      await expectAccessible(page, 'the delivery log')
      // The screenshot without the toast over the log (it may also have gone by itself already).
      for (const dismiss of await page.getByTestId('toasts').getByRole('button', { name: 'Dismiss' }).all()) {
        await dismiss.click({ timeout: 1000 }).catch(() => undefined)
      }
      await hookRow.scrollIntoViewIfNeeded()
      await docScreenshot(page, 'developers')

      const first = defined(receiver.received[0], 'a request at the receiver')
      expect(first.headers['webhook-id']).toMatch(/^msg_/)
      expect(first.headers['webhook-timestamp']).toMatch(/^\d+$/)
      expect(signatureValid(signingSecret, first)).toBe(true)
      expect((JSON.parse(first.body) as { type: string }).type).toBe('webhook.test')

      // Its detail: the payload and the attempt with our receiver's answer; then a replay.
      await testRow.getByRole('button', { name: /^Details/ }).click()
      const detail = page.getByRole('dialog', { name: 'Delivery' })
      await detail.getByTestId('delivery-payload').getByText('"webhook.test"', { exact: false }).waitFor()
      await detail.getByTestId('attempt-status').getByText('200').waitFor()
      await expectAccessible(page, 'a delivery with its attempts')
      await docScreenshot(page, 'developers-delivery')
      await detail.getByRole('button', { name: 'Replay' }).click()
      await page.getByTestId('toasts').getByText('Delivery queued again', { exact: false }).waitFor()
      const replayed = await waitFor(() => receiver.received[1], {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: 'the replayed delivery at the receiver',
      })
      expect(replayed.headers['webhook-id']).toBe(first.headers['webhook-id'])
      expect(signatureValid(signingSecret, replayed)).toBe(true)
      await detail.getByRole('button', { name: 'Close' }).click()

      // Revoking the key: its next request is refused.
      await keyRow.getByRole('button', { name: 'Revoke CRM sync' }).click()
      await page
        .getByRole('dialog', { name: 'Revoke this API key?' })
        .getByRole('button', { name: 'Revoke key' })
        .click()
      await keyRow.locator('[data-testid="api-key-status"][data-status="revoked"]').waitFor()
      const refused = await fetch(`${server.url}/api/organizations/${orgId}/contacts`, { headers: bearer })
      expect(refused.status).toBe(401)
    } finally {
      await context.close()
      await receiver.close()
    }
  }, 180_000)
})
