// Tests read their own switches here (the app reads env only through config.ts).
export const testEnv = {
  TEST_DATABASE_URL: process.env.TEST_DATABASE_URL || undefined,
}

/** The environment a spawned server process inherits (PATH etc.), with overrides. */
export const childEnv = (overrides: Record<string, string>) => ({ ...process.env, ...overrides })
