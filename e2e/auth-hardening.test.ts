import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectAccessible } from './support/axe'
import { launchBrowser } from './support/browser'
import { type RunningServer, signUpViaApi, startServer, uniqueUser } from './support/server'

/** A sign-in over a real socket from 127.0.0.1, with whatever X-Forwarded-For the caller claims. */
async function signInAttempt(server: RunningServer, email: string, forwardedFor: string) {
  const res = await server.request('/api/auth/sign-in/email', {
    method: 'POST',
    headers: { 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ email, password: 'not-the-password-1' }),
  })
  return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') }
}

describe('client address on a real server', () => {
  let direct: RunningServer
  beforeAll(async () => {
    direct = await startServer({ AUTH_RATE_LIMIT_PER_MINUTE: '5' })
  })
  afterAll(async () => {
    await direct?.stop()
  })

  it('ignores X-Forwarded-For without TRUST_PROXY: rotating it still gets 429 from the socket address', async () => {
    const statuses: number[] = []
    // Twice the limit plus one: a 429 even if a minute ends during the loop.
    for (let i = 0; i < 11; i++) {
      const attempt = await signInAttempt(direct, `rotating-${i}@example.test`, `198.51.100.${i}`)
      statuses.push(attempt.status)
      if (attempt.status === 429) {
        expect(attempt.body.error.code).toBe('RATE_LIMITED')
        expect(Number(attempt.retryAfter)).toBeGreaterThan(0)
      }
    }
    expect(statuses).toContain(429)
  })
})

describe('behind a trusted proxy, and the sign-up and sign-in forms', () => {
  let server: RunningServer
  let browser: Browser
  beforeAll(async () => {
    ;[server, browser] = await Promise.all([
      startServer({ AUTH_RATE_LIMIT_PER_MINUTE: '10', TRUST_PROXY: '127.0.0.1' }),
      launchBrowser(),
    ])
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  /** A browser whose requests the trusted proxy (127.0.0.1) reports as coming from `client`. */
  async function pageAs(client: string): Promise<Page> {
    const context = await browser.newContext({
      baseURL: server.url,
      extraHTTPHeaders: { 'x-forwarded-for': client },
    })
    context.setDefaultTimeout(15_000)
    return context.newPage()
  }

  it('keys on the address the proxy reports', async () => {
    const one: number[] = []
    // Twice the limit plus one: a 429 even if a minute ends during the loop.
    for (let i = 0; i < 21; i++)
      one.push((await signInAttempt(server, `one-${i}@example.test`, '198.51.100.1')).status)
    expect(one.slice(0, 10).every((s) => s === 401)).toBe(true)
    expect(one).toContain(429)
    // Another client behind the same proxy is not affected.
    expect((await signInAttempt(server, 'two@example.test', '198.51.100.2')).status).toBe(401)
  })

  it('shows why a password is refused, before and after asking the server', async () => {
    const page = await pageAs('198.51.100.20')
    const user = uniqueUser('weak')
    await page.goto('/sign-up')
    await page.getByLabel('Name').fill(user.name)
    await page.getByLabel('Email').fill(user.email)
    await page.getByLabel('Password').fill('aaaaaaaa')
    await expect
      .poll(() => page.locator('#password-hint').textContent())
      .toBe('Use more than a few different characters.')
    await page.getByRole('button', { name: 'Sign up' }).click()
    await expect
      .poll(() => page.locator('#password-error').textContent())
      .toBe('Use more than a few different characters.')
    await expectAccessible(page, 'the sign-up page with a refused password')
    // Passes the form's own checks; the server refuses it as common and the form says so.
    await page.getByLabel('Password').fill('password1234')
    await page.getByRole('button', { name: 'Sign up' }).click()
    await expect
      .poll(() => page.locator('#password-error').textContent())
      .toBe('This password is too common. Choose one that others are unlikely to use.')
    expect(new URL(page.url()).pathname).toBe('/sign-up')
    // A good one signs up.
    await page.getByLabel('Password').fill(user.password)
    await page.getByRole('button', { name: 'Sign up' }).click()
    await page.getByRole('heading', { name: 'WhatsApp Organizations' }).waitFor()
    await page.context().close()
  })

  it('does not sign in with an email that already has an account, and says to sign in instead', async () => {
    const owner = uniqueUser('owner')
    await signUpViaApi(server, owner)
    const page = await pageAs('198.51.100.21')
    await page.goto('/sign-up')
    await page.getByLabel('Name').fill('Someone else')
    await page.getByLabel('Email').fill(owner.email)
    await page.getByLabel('Password').fill('another-good-pass-3')
    await page.getByRole('button', { name: 'Sign up' }).click()
    await page.getByRole('status').filter({ hasText: 'If you already have one, sign in instead' }).waitFor()
    await expectAccessible(page, 'the sign-up page saying to sign in instead')
    expect(new URL(page.url()).pathname).toBe('/sign-up')
    const session = await page.evaluate(async () => (await fetch('/api/auth/get-session')).json())
    expect(session).toBeNull()
    await page.context().close()
  })

  it('tells a user whose account is throttled to wait', async () => {
    const owner = uniqueUser('locked')
    await signUpViaApi(server, owner)
    const page = await pageAs('198.51.100.22')
    await page.goto('/sign-in')
    await page.getByLabel('Email').fill(owner.email)
    for (let i = 0; i < 6; i++) {
      await page.getByLabel('Password').fill(`wrong-guess-${i}-x`)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('alert').waitFor()
    }
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toMatch(/Too many failed sign-ins for this account\. Wait \d+ seconds?/)
    await expectAccessible(page, 'the sign-in page with an error')
    await page.context().close()
  })
})
