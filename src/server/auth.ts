import { betterAuth } from 'better-auth'
import { drizzleAdapter } from 'better-auth/adapters/drizzle'
import type { Config } from './config.js'
import type { Db } from './db/client.js'
import { account, session, user, verification } from './db/schema/auth.js'

export function createAuth(db: Db, config: Config) {
  return betterAuth({
    appName: 'WhatsApp AI Assistants',
    baseURL: config.appUrl,
    basePath: '/api/auth',
    secret: config.authSecret,
    database: drizzleAdapter(db, { provider: 'pg', schema: { user, session, account, verification } }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: true },
    user: {
      additionalFields: {
        phone: { type: 'string', required: false, input: false },
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    // Our own limiter (http/middleware/rate-limit.ts) covers /api/auth/* with a shared store.
    rateLimit: { enabled: false },
    advanced: {
      database: { generateId: () => crypto.randomUUID() },
      useSecureCookies: config.appUrl.startsWith('https://'),
    },
    trustedOrigins: [config.appUrl],
    telemetry: { enabled: false },
    logger: { disabled: config.env === 'test' },
  })
}

export type Auth = ReturnType<typeof createAuth>
