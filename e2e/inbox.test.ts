import { randomBytes } from 'node:crypto'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { expectAccessible } from './support/axe'
import { newPage, signInInBrowser } from './support/browser'
import { customerWrites, ownerWithOrganization, provisionViaApi } from './support/sandbox'
import { docScreenshot } from './support/screenshots'
import { browserSuite } from './support/suite'

// A known auth secret: the sandbox provider's webhook token derives from it (config.ts), so the
// test can sign a customer's message as Twilio would.
const AUTH_SECRET = randomBytes(32).toString('hex')
// The platform's shared number: WhatsApp notifications are offered only when there is one.
const SHARED = '+14155238886'
const ANA = '+15557650001'

const row = (page: Page, name: string) => page.getByTestId('inbox-row').filter({ hasText: name })

describe('The live inbox in a real browser', () => {
  const suite = browserSuite({ AUTH_SECRET, TWILIO_PHONE_NUMBER: `whatsapp:${SHARED}` })

  it('shows a customer message and a hand-off live, then assigns, notes, uses a canned reply and resolves', {
    timeout: 240_000,
  }, async () => {
    const { owner, cookie, orgId } = await ownerWithOrganization(suite.server, 'Corner Bakery')
    const number = await provisionViaApi(suite.server, cookie, orgId)
    const { context, page } = await newPage(suite.browser, suite.server.url)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await signInInBrowser(page, owner)
    await page.goto(`/Dashboard/organizations/${orgId}?tab=inbox`)
    await page.getByRole('tab', { name: 'Inbox', selected: true }).waitFor()
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor()
    await page.getByText('Nothing here').waitFor()
    // A mark on the window: a reload or a navigation would wipe it.
    await page.evaluate(() => {
      ;(window as unknown as { inboxMark: number }).inboxMark = 1
    })
    const stillSamePage = () =>
      page.evaluate(() => (window as unknown as { inboxMark?: number }).inboxMark === 1)

    // A customer writes while the inbox is open: the conversation appears without a reload (the
    // inbox does not poll while the live stream is up, so only the stream can bring it).
    await customerWrites(suite.server, AUTH_SECRET, {
      from: ANA,
      to: number,
      name: 'Ana',
      body: 'Hello! Do you bake gluten-free bread?',
    })
    const ana = row(page, 'Ana')
    // Within the fallback poll's 15 s, with the stream still up: the stream brought it.
    await ana.waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('live-status').getAttribute('data-status')).toBe('live')
    expect(await stillSamePage()).toBe(true)
    await ana.click()
    expect(new URL(page.url()).searchParams.get('conversation')).toMatch(/.+/)
    const transcript = page.getByTestId('inbox-transcript')
    await transcript.getByText('Hello! Do you bake gluten-free bread?').waitFor()
    // The assistant's answer arrives live in the open transcript too.
    await transcript.locator('[data-direction="outbound"]').first().waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('customer-window').getAttribute('data-open')).toBe('true')
    expect(await page.getByTestId('customer-window').textContent()).toMatch(/window closes in (23|24) h/)
    await expect.poll(() => ana.getByTestId('attention-badge').count(), { timeout: 15_000 }).toBe(0)

    // The customer asks for a person while the owner looks at the list: the hand-off shows live,
    // with its reason in words, and the bell counts the notification.
    await page.getByRole('button', { name: 'Close', exact: true }).click()
    await page.getByText('Pick a conversation').waitFor()
    await customerWrites(suite.server, AUTH_SECRET, {
      from: ANA,
      to: number,
      name: 'Ana',
      body: 'I want to talk to a person please',
    })
    const badge = ana.getByTestId('attention-badge')
    await badge.waitFor({ timeout: 14_000 })
    expect(await badge.getAttribute('data-reason')).toBe('customer_asked')
    expect(await badge.textContent()).toBe('Asked for a person')
    const bell = page.getByTestId('notification-bell')
    await page.locator('[data-testid="notification-bell"][data-count="1"]').waitFor({ timeout: 30_000 })
    await ana.getByTestId('unread-badge').waitFor()
    expect(await stillSamePage()).toBe(true)
    await page.getByRole('button', { name: /^Needs attention/ }).click()
    await ana.waitFor()
    await expect.poll(() => page.getByTestId('inbox-row').count(), { timeout: 15_000 }).toBe(1)
    await expectAccessible(page, 'the inbox with a conversation that needs a person')

    // The bell lists it and links to the conversation; opening it reads the notification.
    await bell.click()
    const link = page.getByTestId('notification-link')
    expect(await link.textContent()).toContain('Asked for a person')
    await expectAccessible(page, 'the notifications panel')
    await link.click()
    await transcript.getByText('I want to talk to a person please').waitFor()
    await page.locator('[data-testid="inbox-conversation"][data-status="human"]').waitFor()
    await page.locator('[data-testid="notification-bell"][data-count="0"]').waitFor()
    await expect.poll(() => ana.getByTestId('unread-badge').count(), { timeout: 15_000 }).toBe(0)
    await page.getByRole('button', { name: /^Needs attention/ }).click()
    await page.locator('[data-filter="attention"][aria-pressed="true"]').waitFor()

    // Assign to myself.
    await page.getByLabel('Assigned to', { exact: true }).selectOption({ label: `Me (${owner.name})` })
    await ana.getByTestId('assignee-badge').getByText(`→ ${owner.name}`).waitFor()

    // An internal note.
    await page.getByLabel('New note').fill('Regular customer: offer the spelt loaf.')
    await page.getByRole('button', { name: 'Add note' }).click()
    const note = page.getByTestId('note').filter({ hasText: 'Regular customer: offer the spelt loaf.' })
    await note.waitFor()
    expect(await note.textContent()).toContain(owner.name)
    await page.evaluate(() => window.scrollTo(0, 0))
    await docScreenshot(page, 'inbox')

    // An owner writes a canned reply in the dialog; the reply box inserts it.
    await page.getByRole('button', { name: 'Canned replies' }).click()
    await page.getByRole('button', { name: 'New canned reply' }).click()
    await page.getByLabel('Title', { exact: true }).fill('Gluten-free')
    await page
      .getByLabel('Text', { exact: true })
      .fill('Yes: our gluten-free loaf is baked every Friday morning.')
    await expectAccessible(page, 'the canned replies dialog')
    await page.getByRole('button', { name: 'Add the canned reply' }).click()
    await page.getByTestId('canned-row').filter({ hasText: 'Gluten-free' }).waitFor()
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click()
    await page.getByLabel('Canned reply', { exact: true }).selectOption({ label: 'Gluten-free' })
    expect(await page.getByLabel('Reply as an agent').inputValue()).toBe(
      'Yes: our gluten-free loaf is baked every Friday morning.',
    )
    await page.getByRole('button', { name: 'Send reply' }).click()
    await transcript
      .locator('[data-direction="outbound"]', { hasText: 'our gluten-free loaf is baked every Friday' })
      .waitFor({ timeout: 30_000 })
    // Answering handled it: no longer in "Needs attention".
    await page.getByText('No conversation needs a person right now.').waitFor({ timeout: 30_000 })

    // Resolve: it moves to the Resolved filter, and can be reopened.
    await page.getByRole('button', { name: 'Resolve', exact: true }).click()
    await page.getByRole('button', { name: 'Reopen' }).waitFor()
    await page.getByRole('button', { name: /^Resolved/ }).click()
    await row(page, 'Ana').getByTestId('resolved-badge').waitFor()
    await expectAccessible(page, 'the inbox, resolved filter, conversation open')

    // Opening a conversation from a link (as a notification does) works from a fresh load.
    const cid = new URL(page.url()).searchParams.get('conversation')
    await page.goto(`/Dashboard/organizations/${orgId}?tab=inbox&conversation=${cid}`)
    await page.getByTestId('inbox-transcript').getByText('I want to talk to a person please').waitFor()
    expect(pageErrors).toEqual([])
    await context.close()
  })

  it('explains that WhatsApp notifications need a verified phone, with a link to the account page', {
    timeout: 120_000,
  }, async () => {
    const { owner, orgId } = await ownerWithOrganization(suite.server, 'Quiet Florist')
    const { context, page } = await newPage(suite.browser, suite.server.url)
    await signInInBrowser(page, owner)
    await page.goto(`/Dashboard/organizations/${orgId}?tab=settings`)
    const form = page.getByTestId('notification-preferences')
    await form.waitFor()
    expect(await page.getByLabel(/^In the dashboard/).isChecked()).toBe(true)
    await page.getByLabel(/^By WhatsApp/).check()
    await page.getByRole('button', { name: 'Save notification settings' }).click()
    const refusal = page.getByTestId('phone-not-verified')
    await refusal.waitFor()
    expect(await refusal.getByRole('link', { name: 'Link your WhatsApp number' }).getAttribute('href')).toBe(
      '/Dashboard/account',
    )
    await expectAccessible(page, 'notification settings refused for want of a verified phone')
    // Turning email off alone saves.
    await page.getByLabel(/^By WhatsApp/).uncheck()
    await page.getByLabel(/^By email/).uncheck()
    await page.getByRole('button', { name: 'Save notification settings' }).click()
    await page.getByTestId('toasts').getByText('Notification settings saved.').waitFor()
    await page.reload()
    await form.waitFor()
    expect(await page.getByLabel(/^By email/).isChecked()).toBe(false)
    await context.close()
  })
})
