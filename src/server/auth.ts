import { betterAuth } from 'better-auth'
import { drizzleAdapter } from 'better-auth/adapters/drizzle'
import { authHooks } from './auth-hooks.js'
import type { Config } from './config.js'
import { verificationEmail } from './core/account/emails.js'
import type { Db } from './db/client.js'
import { account, session, user, verification } from './db/schema/auth.js'
import type { Logger } from './logger.js'
import type { Mailer } from './providers/mail/types.js'

export function createAuth(db: Db, config: Config, mailer: Mailer, log: Logger) {
  return betterAuth({
    appName: 'WhatsApp AI Assistants',
    baseURL: config.appUrl,
    basePath: '/api/auth',
    secret: config.authSecret,
    database: drizzleAdapter(db, { provider: 'pg', schema: { user, session, account, verification } }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: true },
    // Password policy, sign-up without revealing existing accounts, per-account sign-in throttle.
    hooks: authHooks({ db, config }),
    // Sign-up signs in without a verified email (autoSignIn) and sends the link; operator rights
    // and accepting invitations need the verified address (http/middleware/session.ts, core/members).
    emailVerification: {
      sendOnSignUp: true,
      expiresIn: 60 * 60 * 24,
      sendVerificationEmail: async ({ user, url }) => {
        try {
          await mailer.send(verificationEmail({ to: user.email, name: user.name, url }))
        } catch (err) {
          log.error({ err, userId: user.id }, 'verification email not sent')
          throw err
        }
      },
    },
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
