import { describe, expect, it } from 'vitest'
import { readOutbox } from '../src/server/providers/mail/log-outbox'
import { formatPhone } from '../src/web/components/format'
import { expectAccessible } from './support/axe'
import { newPage, signInInBrowser, signUpInBrowser } from './support/browser'
import { docScreenshot } from './support/screenshots'
import { signUpViaApi, uniqueUser } from './support/server'
import { browserSuite } from './support/suite'

// Proofs of identity in the dashboard: the verify-email banner, an invitation sent from the team
// settings and accepted by the invitee, and a WhatsApp number linked with a code (sandbox).
const SHARED = '+14155238886'

describe('invitations and account verification in a real browser', () => {
  const suite = browserSuite({ TWILIO_PHONE_NUMBER: `whatsapp:${SHARED}` })

  const lastLink = async (email: string) => {
    const mail = (await readOutbox(suite.server.dataDir))
      .filter((m) => m.to === email && m.text.includes('/verify-email?'))
      .pop()
    const link = mail && /https?:\/\/\S+\/api\/auth\/verify-email\?token=\S+/.exec(mail.text)?.[0]
    if (!link) throw new Error(`no verification link for ${email}`)
    return link
  }

  it('invites by email from the team settings; the invitee verifies, accepts, and links a phone', {
    timeout: 180_000,
  }, async () => {
    const owner = uniqueUser('owner')
    const invitee = uniqueUser('invitee')
    const ownerCookie = await signUpViaApi(suite.server, owner)
    const created = await suite.server.request('/api/organizations', {
      method: 'POST',
      cookie: ownerCookie,
      body: JSON.stringify({ name: 'Invite Cafe' }),
    })
    const org = ((await created.json()) as { organization: { id: string } }).organization

    // The invitee signs up: signed in at once, with a banner asking to verify the address.
    const b = await newPage(suite.browser, suite.server.url)
    const pageErrors: string[] = []
    b.page.on('pageerror', (e) => pageErrors.push(e.message))
    await signUpInBrowser(b.page, invitee)
    const banner = b.page.getByTestId('verify-email-banner')
    await banner.getByText('Verify your email.').waitFor()
    await banner.getByRole('button', { name: 'Resend the link' }).click()
    await banner.getByText('Sent — check your inbox.').waitFor()
    await expectAccessible(b.page, 'the organizations page with the verify-email banner')

    // The owner invites the address from the Settings tab's team section.
    const a = await newPage(suite.browser, suite.server.url)
    await signInInBrowser(a.page, owner)
    await a.page.goto(`/Dashboard/organizations/${org.id}?tab=settings`)
    await a.page.getByLabel('Invite by email').fill(invitee.email)
    await a.page.getByLabel('Role', { exact: true }).selectOption('agent')
    await a.page.getByRole('button', { name: 'Send invitation' }).click()
    await a.page.getByText(`Invitation sent to ${invitee.email}.`).waitFor()
    const pendingRow = a.page.getByTestId('invitation-row').filter({ hasText: invitee.email })
    await pendingRow.getByText(/agent · expires/).waitFor()
    await expectAccessible(a.page, 'the team section with a pending invitation')
    await a.page.getByRole('heading', { name: 'Team' }).scrollIntoViewIfNeeded()
    await docScreenshot(a.page, 'team')
    const invitationMail = (await readOutbox(suite.server.dataDir)).find(
      (m) => m.to === invitee.email && m.subject.includes('Invite Cafe'),
    )
    expect(invitationMail?.text).toContain(`${suite.server.url}/Dashboard/organizations`)

    // The invitee opens the newest link from their email: verified, and the invitation shows up.
    await b.page.goto(await lastLink(invitee.email))
    await b.page.getByRole('heading', { name: 'Account', exact: true }).waitFor()
    await b.page.getByText('Thank you: your email address is verified.').waitFor()
    await expectAccessible(b.page, 'the account page after verifying')
    expect(await b.page.getByTestId('verify-email-banner').count()).toBe(0)
    await b.page.getByRole('link', { name: 'WhatsApp Organizations' }).click()
    const invitation = b.page.getByTestId('my-invitation').filter({ hasText: 'Invite Cafe' })
    await invitation.getByText(`${owner.name} invited you to Invite Cafe as agent.`).waitFor()
    await expectAccessible(b.page, 'an invitation on the organizations page')
    await docScreenshot(b.page, 'invitations')
    await invitation.getByRole('button', { name: 'Accept the invitation to Invite Cafe' }).click()
    await b.page.getByTestId('organization-card').filter({ hasText: 'Invite Cafe' }).waitFor()
    // Answered: it leaves the list (its refetch may land just after the organization's card).
    await invitation.waitFor({ state: 'detached' })

    // The owner's team now lists the invitee as agent, and nothing is pending.
    await a.page.reload()
    await a.page.getByTestId('member-row').filter({ hasText: invitee.email }).waitFor()
    await a.page.getByText('Loading invitations…').waitFor({ state: 'detached' })
    expect(await a.page.getByTestId('invitation-row').count()).toBe(0)

    // Linking a WhatsApp number: the number, then the code it received (shown by the sandbox).
    await b.page.getByRole('link', { name: 'Account' }).first().click()
    const phone = `+1415555${String(Date.now() % 10_000).padStart(4, '0')}`
    await b.page.getByLabel('Your WhatsApp number').fill(phone)
    await b.page.getByRole('button', { name: 'Send code' }).click()
    const sandbox = b.page.getByTestId('sandbox-code')
    await sandbox.waitFor()
    await expectAccessible(b.page, 'the account page with a code sent')
    await docScreenshot(b.page, 'account')
    const code = /(\d{6}) is your/.exec((await sandbox.textContent()) ?? '')?.[1] as string
    expect(code).toMatch(/^\d{6}$/)
    await b.page.getByLabel('Code').fill(code === '000000' ? '111111' : '000000')
    await b.page.getByRole('button', { name: 'Link number' }).click()
    await b.page.getByText('Wrong code; 4 tries left').waitFor()
    await b.page.getByLabel('Code').fill(code)
    await b.page.getByRole('button', { name: 'Link number' }).click()
    await b.page
      .getByTestId('account-phone')
      .getByText(`${formatPhone(phone, 'international')} is linked to your account.`)
      .waitFor()
    await b.page.getByRole('button', { name: 'Unlink this number' }).waitFor()

    expect(pageErrors).toEqual([])
    await a.context.close()
    await b.context.close()
  })
})
