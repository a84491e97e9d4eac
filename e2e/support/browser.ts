import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { findChromium, INSTALL_HINT } from './find-chromium'

export async function launchBrowser(): Promise<Browser> {
  // vitest.config.ts already leaves the browser tests out when there is no browser.
  const executablePath = findChromium()
  if (!executablePath) throw new Error(`no Chromium for the browser tests: ${INSTALL_HINT}`)
  return chromium.launch({
    executablePath,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
}

/** A fresh context (its own cookies) at the dashboard's desktop size. */
export async function newPage(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1280, height: 800 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport })
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  return { context, page }
}

/** Signs up through the form; ends on the organizations grid. */
export async function signUpInBrowser(page: Page, user: { name: string; email: string; password: string }) {
  await page.goto('/sign-up')
  await page.getByLabel('Name').fill(user.name)
  await page.getByLabel('Email').fill(user.email)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Sign up' }).click()
  await page.getByRole('heading', { name: 'WhatsApp Organizations' }).waitFor()
}

export async function signInInBrowser(page: Page, user: { email: string; password: string }) {
  await page.goto('/sign-in')
  await page.getByLabel('Email').fill(user.email)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'WhatsApp Organizations' }).waitFor()
}
