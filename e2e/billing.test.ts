import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeStripe, startFakeStripe, stripeEnv } from '../test/support/fake-stripe'
import { waitFor } from '../test/support/wait'
import { expectAccessible } from './support/axe'
import { newPage, signInInBrowser } from './support/browser'
import { signUpOperator } from './support/operator'
import { apiJson, ownerWithOrganization } from './support/sandbox'
import { docScreenshot } from './support/screenshots'
import { addMemberViaApi, signUpViaApi, uniqueUser } from './support/server'
import { browserSuite } from './support/suite'

// Plans in the dashboard with billing off (this installation): gated features show an upgrade
// prompt instead of their buttons, an owner switches plans from the Billing tab after a dialog that
// says what changes, and other members read the tab without the controls.

const planCard = (page: Page, plan: string) => page.locator(`[data-testid="plan-card"][data-plan="${plan}"]`)

async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name }).click()
  await page.getByRole('tab', { name, selected: true }).waitFor()
}

describe('billing in the dashboard', () => {
  const operator = uniqueUser('operator')
  const suite = browserSuite({ OPERATOR_EMAILS: operator.email })

  it('gates API keys on Starter, switches to Enterprise and back with what changes', {
    timeout: 120_000,
  }, async () => {
    const { owner, orgId } = await ownerWithOrganization(suite.server, 'Billing Bakery')
    const { page, context } = await newPage(suite.browser, suite.server.url)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    try {
      await signInInBrowser(page, owner)

      // Starter: the API keys section stays, with the upgrade prompt instead of "Create API key".
      await page.goto(`/Dashboard/organizations/${orgId}?tab=developers`)
      await page.getByRole('tab', { name: 'Developers', selected: true }).waitFor()
      const apiPrompt = page.locator('[data-testid="plan-required"][data-feature="apiAccess"]')
      await apiPrompt.getByText('are part of the Enterprise plan', { exact: false }).waitFor()
      await page.locator('[data-testid="plan-required"][data-feature="webhooks"]').waitFor()
      expect(await page.getByRole('button', { name: 'Create API key' }).count()).toBe(0)
      expect(await page.getByRole('button', { name: 'Add endpoint' }).count()).toBe(0)

      await openTab(page, 'Settings')
      await page.locator('[data-testid="plan-required"][data-feature="businessHours"]').waitFor()
      expect(await page.locator('#hours-enabled').isDisabled()).toBe(true)

      // The prompt's link opens Billing.
      await page.getByRole('link', { name: 'See the plans in Billing' }).first().click()
      await page.getByRole('tab', { name: 'Billing', selected: true }).waitFor()
      await page.getByTestId('billing-off').getByText('plans are not charged', { exact: false }).waitFor()
      expect(await page.getByTestId('billing-plan-name').textContent()).toBe('Starter')
      expect(await page.getByTestId('billing-messages-limit').textContent()).toBe('500')
      expect(await page.getByTestId('billing-numbers-limit').textContent()).toBe('1')
      await page.getByTestId('billing-messages-figure').getByText('0 / 500').waitFor()
      expect(await planCard(page, 'starter').getByText('Current plan').count()).toBe(1)
      await expectAccessible(page, 'the Billing tab (owner)')
      await page.evaluate(() => window.scrollTo(0, 0))
      await docScreenshot(page, 'billing-tab')

      // Upgrade: the dialog lists the gains, then the plan and limits are Enterprise's.
      await planCard(page, 'enterprise').getByRole('button', { name: 'Switch to Enterprise' }).click()
      const upgrade = page.getByRole('dialog', { name: 'Switch to Enterprise?' })
      const gains = upgrade.getByTestId('plan-gains')
      await gains.getByText('More messages: 500 → 10,000 a month').waitFor()
      await gains.getByText('More WhatsApp numbers: 1 → 5').waitFor()
      await gains.getByText('API keys and the public API').waitFor()
      await gains.getByText('Business hours').waitFor()
      expect(await upgrade.getByTestId('plan-losses').count()).toBe(0)
      await expectAccessible(page, 'the plan switch dialog')
      await docScreenshot(page, 'billing-switch-plan')
      await upgrade.getByRole('button', { name: 'Switch to Enterprise' }).click()
      await page.getByText('You are now on the Enterprise plan.').waitFor()
      await page.getByTestId('billing-plan-name').getByText('Enterprise').waitFor()
      expect(await page.getByTestId('billing-messages-limit').textContent()).toBe('10,000')
      expect(await page.getByTestId('billing-numbers-limit').textContent()).toBe('5')
      await page.getByTestId('billing-messages-figure').getByText('0 / 10,000').waitFor()
      expect(
        await page
          .locator('[data-testid="billing-feature"][data-feature="apiAccess"]')
          .getAttribute('data-included'),
      ).toBe('true')

      await openTab(page, 'Developers')
      await page.getByRole('button', { name: 'Create API key' }).waitFor()
      await page.getByRole('button', { name: 'Add endpoint' }).waitFor()
      expect(await page.getByTestId('plan-required').count()).toBe(0)

      await openTab(page, 'Settings')
      await page.getByTestId('settings-hours').waitFor()
      expect(await page.locator('#hours-enabled').isEnabled()).toBe(true)
      expect(await page.locator('[data-testid="plan-required"][data-feature="businessHours"]').count()).toBe(
        0,
      )

      // Downgrade: the dialog lists the losses.
      await openTab(page, 'Billing')
      await planCard(page, 'starter').getByRole('button', { name: 'Switch to Starter' }).click()
      const downgrade = page.getByRole('dialog', { name: 'Switch to Starter?' })
      const losses = downgrade.getByTestId('plan-losses')
      await losses.getByText('Fewer messages: 10,000 → 500 a month').waitFor()
      await losses.getByText('API keys stop working', { exact: false }).waitFor()
      await losses.getByText('Business hours stop applying', { exact: false }).waitFor()
      await losses.getByText('Webhooks stop', { exact: false }).waitFor()
      await downgrade.getByRole('button', { name: 'Switch to Starter' }).click()
      await page.getByTestId('billing-plan-name').getByText('Starter').waitFor()
      expect(await page.getByTestId('billing-messages-limit').textContent()).toBe('500')
      expect(pageErrors).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('shows an agent the Billing tab read-only', { timeout: 60_000 }, async () => {
    const { cookie, orgId } = await ownerWithOrganization(suite.server, 'Team Billing Shop')
    const agent = uniqueUser('agent')
    const agentCookie = await signUpViaApi(suite.server, agent)
    await addMemberViaApi(suite.server, cookie, orgId, { email: agent.email, cookie: agentCookie }, 'agent')
    const { page, context } = await newPage(suite.browser, suite.server.url)
    try {
      await signInInBrowser(page, agent)
      await page.goto(`/Dashboard/organizations/${orgId}?tab=billing`)
      await page.getByRole('tab', { name: 'Billing', selected: true }).waitFor()
      await page.getByText('Only an owner can change the plan').waitFor()
      expect(await page.getByTestId('billing-plan-name').textContent()).toBe('Starter')
      await page.getByTestId('billing-usage').waitFor()
      expect(await page.getByTestId('plan-card').count()).toBe(3)
      expect(await page.getByRole('button', { name: /^Switch to/ }).count()).toBe(0)
      await expectAccessible(page, 'the Billing tab (agent)')
    } finally {
      await context.close()
    }
  })

  it("lets an operator override one organization's limits and features, which its owner sees", {
    timeout: 90_000,
  }, async () => {
    const { owner, orgId } = await ownerWithOrganization(suite.server, 'Custom Deal Deli')
    await signUpOperator(suite.server, operator)
    const op = await newPage(suite.browser, suite.server.url)
    try {
      await signInInBrowser(op.page, operator)
      await op.page.goto('/Dashboard/operator')
      await op.page.getByLabel('Find an organization by name').fill('Custom Deal Deli')
      const card = op.page.getByTestId('operator-organization').filter({ hasText: owner.email })
      await card.waitFor()
      await op.page.getByRole('button', { name: 'Change plan' }).click()
      const overrides = card.getByTestId('operator-overrides')
      await overrides.getByLabel('WhatsApp numbers').fill('3')
      await overrides.getByLabel('API keys and the public API').selectOption('on')
      await card.getByRole('button', { name: 'Change plan' }).click()
      await card.getByText('Plan changed.').waitFor()
      await card
        .getByTestId('operator-overrides-summary')
        .getByText('Custom deal: 3 numbers, API keys and the public API on')
        .waitFor()
      await expectAccessible(op.page, 'the operator plan form with overrides')
    } finally {
      await op.context.close()
    }

    const { page, context } = await newPage(suite.browser, suite.server.url)
    try {
      await signInInBrowser(page, owner)
      await page.goto(`/Dashboard/organizations/${orgId}?tab=billing`)
      await page.getByTestId('billing-plan-name').getByText('Starter').waitFor()
      expect(await page.getByTestId('billing-numbers-limit').textContent()).toBe(
        '3(set for this organization)',
      )
      const api = page.locator('[data-testid="billing-feature"][data-feature="apiAccess"]')
      expect(await api.getAttribute('data-included')).toBe('true')
      await api.getByText('(set for this organization)').waitFor()
      await openTab(page, 'Developers')
      await page.getByRole('button', { name: 'Create API key' }).waitFor()
      await page.locator('[data-testid="plan-required"][data-feature="webhooks"]').waitFor()
    } finally {
      await context.close()
    }
  })

  it('refuses a downgrade while more numbers are live than the plan holds, naming them', {
    timeout: 120_000,
  }, async () => {
    const { owner, cookie, orgId } = await ownerWithOrganization(suite.server, 'Two Numbers Shop')
    const put = await suite.server.request(`/api/organizations/${orgId}/billing/plan`, {
      method: 'PUT',
      cookie,
      body: JSON.stringify({ planType: 'enterprise' }),
    })
    expect(put.status).toBe(200)
    const { numbers } = await apiJson<{ numbers: { phoneNumber: string }[] }>(
      suite.server,
      cookie,
      '/api/organizations/search-numbers?country=US&type=local&limit=5',
    )
    const picked = numbers.slice(0, 2).map((n) => n.phoneNumber)
    expect(picked).toHaveLength(2)
    for (const phoneNumber of picked) {
      await apiJson(suite.server, cookie, `/api/organizations/${orgId}/provision-number`, { phoneNumber })
    }

    const { page, context } = await newPage(suite.browser, suite.server.url)
    try {
      await signInInBrowser(page, owner)
      await page.goto(`/Dashboard/organizations/${orgId}?tab=billing`)
      await page.getByTestId('billing-plan-name').getByText('Enterprise').waitFor()
      await page.getByTestId('billing-numbers-figure').getByText('2 / 5').waitFor({ timeout: 30_000 })
      await planCard(page, 'starter').getByRole('button', { name: 'Switch to Starter' }).click()
      const dialog = page.getByRole('dialog', { name: 'Switch to Starter?' })
      await dialog
        .getByTestId('plan-warnings')
        .getByText('You have 2 live numbers', { exact: false })
        .waitFor()
      await dialog.getByRole('button', { name: 'Switch to Starter' }).click()
      const over = dialog.getByTestId('numbers-over-plan')
      await over.getByText('The Starter plan holds 1 number: release these first, then switch.').waitFor()
      expect(await over.getByRole('listitem').count()).toBe(2)
      await expectAccessible(page, 'a downgrade refused for its numbers')
      await dialog.getByRole('button', { name: 'Cancel' }).click()
      expect(await page.getByTestId('billing-plan-name').textContent()).toBe('Enterprise')
    } finally {
      await context.close()
    }
  })
})

// Billing on, against the fake Stripe (its own server, hosted Checkout page and signed webhooks):
// an owner upgrades through Checkout and comes back to the new plan; a failed renewal shows the banner.
describe('billing through Stripe in the dashboard', () => {
  let fake: FakeStripe | undefined
  const env: Record<string, string> = {}
  // Before the suite's server starts (hooks run in order): its env needs the fake's URL and prices.
  beforeAll(async () => {
    fake = await startFakeStripe()
    Object.assign(env, stripeEnv(fake))
  })
  afterAll(async () => {
    await fake?.close()
  })
  const suite = browserSuite(env)
  const stripe = () => {
    if (!fake) throw new Error('the fake Stripe did not start')
    return fake
  }

  /** The fake's subscription for an organization (metadata set at Checkout, on it or its customer). */
  const subscriptionOf = (orgId: string): string | undefined => {
    const { subscriptions, customers } = stripe().state
    const ofOrg = (o: { metadata?: Record<string, string> } | undefined) =>
      o?.metadata?.organization_id === orgId
    return [...subscriptions.values()].find((s) => ofOrg(s) || ofOrg(customers.get(s.customer)))?.id
  }

  it('upgrades through Checkout, shows the new plan and invoice, then the failed-payment banner', {
    timeout: 150_000,
  }, async () => {
    stripe().setWebhookUrl(`${suite.server.url}/api/billing/stripe/webhook`)
    const { owner, cookie, orgId } = await ownerWithOrganization(suite.server, 'Stripe Upgrade Cafe')
    const { page, context } = await newPage(suite.browser, suite.server.url)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    try {
      await signInInBrowser(page, owner)
      await page.goto(`/Dashboard/organizations/${orgId}?tab=billing`)
      await page.locator('[data-testid="billing-tab"][data-billing="on"]').waitFor()
      expect(await page.getByTestId('billing-off').count()).toBe(0)
      expect(await page.getByTestId('billing-plan-name').textContent()).toBe('Starter')
      await page.locator('[data-testid="billing-subscription"][data-status="none"]').waitFor()
      expect(await page.getByTestId('payment-issue').count()).toBe(0)

      // No subscription yet: choosing a plan goes straight to Stripe Checkout.
      await planCard(page, 'business').getByRole('button', { name: 'Upgrade to Business' }).click()
      await page.waitForURL((url) => url.href.startsWith(`${stripe().url}/c/pay/`))
      await page.getByRole('button', { name: 'Subscribe' }).click()

      // Back on the Billing tab: synced with Stripe, said once, and the return parameters gone.
      await page.waitForURL(
        (url) => url.origin === suite.server.url && url.searchParams.get('tab') === 'billing',
      )
      await page
        .getByTestId('billing-return-notice')
        .getByText('Subscription active: Business plan.')
        .waitFor()
      await waitFor(async () => !new URL(page.url()).searchParams.has('checkout'), {
        timeoutMs: 10_000,
        what: 'the checkout parameter removed from the URL',
      })
      expect(new URL(page.url()).searchParams.has('session_id')).toBe(false)
      await page.getByTestId('billing-plan-name').getByText('Business').waitFor()
      expect(await page.getByTestId('billing-messages-limit').textContent()).toBe('2,000')
      await page.getByTestId('billing-messages-figure').getByText('0 / 2,000').waitFor()
      await page.locator('[data-testid="billing-subscription"][data-status="active"]').waitFor()
      expect(await page.getByTestId('billing-subscription-status').textContent()).toBe('Active')
      await page.getByTestId('billing-renewal').getByText('Renews on', { exact: false }).waitFor()
      expect(await planCard(page, 'business').getByText('Current plan').count()).toBe(1)
      const invoice = page.getByTestId('billing-invoice').first()
      await invoice.waitFor()
      expect(await invoice.getAttribute('data-status')).toBe('paid')
      await invoice.getByRole('link', { name: /^View/ }).waitFor()
      await page.getByRole('button', { name: 'Manage billing' }).waitFor()
      await page.getByTestId('billing-upcoming-amount').waitFor()
      await page.getByTestId('billing-overage').getByText('Pause replies until next month').waitFor()
      await expectAccessible(page, 'the Billing tab with a Stripe subscription')
      await page.evaluate(() => window.scrollTo(0, 0))
      await docScreenshot(page, 'billing-stripe')

      // The renewal payment fails: past_due, the paid plan kept until the grace period ends.
      const subId = subscriptionOf(orgId)
      expect(subId).toBeDefined()
      await stripe().failPayment(subId ?? '')
      await stripe().settled()
      // The webhook is stored, then applied by a job: wait until the API says so before reloading.
      await waitFor(
        async () => {
          const { billing } = await apiJson<{ billing: { paymentIssue: unknown } }>(
            suite.server,
            cookie,
            `/api/organizations/${orgId}/billing`,
          )
          return billing.paymentIssue !== null
        },
        {
          timeoutMs: 30_000,
          intervalMs: 250,
          what: `the payment issue applied (deliveries: ${JSON.stringify(stripe().state.deliveries)})`,
        },
      )
      await page.reload()
      const banner = page.getByTestId('payment-issue')
      await banner.getByText('Payment failed on', { exact: false }).waitFor()
      expect(await banner.getAttribute('role')).toBe('alert')
      await banner.getByText('Your Business plan is kept until', { exact: false }).waitFor()
      await banner.getByRole('button', { name: 'Update payment method' }).waitFor()
      expect(await page.getByTestId('billing-plan-name').textContent()).toBe('Business')
      await expectAccessible(page, 'the failed-payment banner')
      await page.evaluate(() => window.scrollTo(0, 0))
      await docScreenshot(page, 'billing-payment-failed')

      // Above every tab, not only Billing.
      await openTab(page, 'Overview')
      await page.getByTestId('payment-issue').waitFor()
      expect(pageErrors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
