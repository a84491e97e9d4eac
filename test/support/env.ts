// Tests read their own switches here (the app reads env only through config.ts).
export const testEnv = {
  TEST_DATABASE_URL: process.env.TEST_DATABASE_URL || undefined,
  /**
   * The browser tests write docs/screenshots only when asked: `npm run screenshots` (npm names the
   * script it runs in npm_lifecycle_event, on every platform) or SCREENSHOTS=1.
   */
  SCREENSHOTS: process.env.SCREENSHOTS === '1' || process.env.npm_lifecycle_event === 'screenshots',
  /** The Chromium (or Chrome) binary for the browser tests; unset, it is looked for on the PATH. */
  CHROMIUM_PATH: process.env.CHROMIUM_PATH || undefined,
  /** `1` (CI): no browser found fails the browser tests instead of skipping them. */
  REQUIRE_BROWSER: process.env.REQUIRE_BROWSER === '1',
}

/** The environment a spawned server process inherits (PATH etc.), with overrides. */
export const childEnv = (overrides: Record<string, string>) => ({ ...process.env, ...overrides })
