import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Auth } from '../auth.js'
import type { Services } from '../core/context.js'
import { pingDatabase, type SqlExecutor } from '../db/client.js'
import { apiRoutes, OPENAPI_INFO } from './api-routes.js'
import { inApiErrorShape } from './auth-response.js'
import { clientIp, NO_SOCKET } from './client-ip.js'
import type { AppEnv } from './env.js'
import { errorBody, handleError } from './errors.js'
import { authentication } from './middleware/api-key-auth.js'
import { csrfGuard } from './middleware/csrf.js'
import { idempotencyMiddleware } from './middleware/idempotency.js'
import { inputTextGuard } from './middleware/input-text.js'
import { rateLimitMiddleware } from './middleware/rate-limit.js'
import { securityHeaders } from './middleware/security-headers.js'
import { withApiSecurity } from './openapi-security.js'
import { createRouter } from './router.js'
import { apiDocsRoutes } from './routes/api-docs.js'
import { helpRoutes } from './routes/help.js'
import { WEBHOOK_BODY_LIMIT } from './twilio-webhook.js'

export const JSON_BODY_LIMIT = 1024 * 1024
export const UPLOAD_BODY_LIMIT = 11 * 1024 * 1024

/** Paths that are not user API calls: signed by Twilio or Stripe, or bearer-authenticated cron. */
const isMachinePath = (path: string) =>
  path.startsWith('/api/whatsapp/') ||
  path.startsWith('/api/cron/') ||
  path.startsWith('/api/billing/stripe/')
const isUploadPath = (path: string) => /\/knowledge\/files$/.test(path)
// A contacts CSV may be 20 MB (core/contacts/contacts-csv.ts IMPORT_LIMITS); the form adds a little.
const isImportPath = (path: string) => /\/contacts\/imports(\/preview)?$/.test(path)
export const IMPORT_BODY_LIMIT = 21 * 1024 * 1024

export interface AppOptions {
  services: Services
  auth: Auth
  sql: SqlExecutor
  /** Folder of the built web app; omitted in API-only tests. */
  webRoot?: string
}

export function createApp({ services, auth, sql, webRoot }: AppOptions) {
  const app = createRouter()
  const log = services.log

  app.use('*', async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 64) || crypto.randomUUID()
    const reqLog = log.child({ requestId })
    c.set('requestId', requestId)
    c.set('log', reqLog)
    c.set('services', services)
    c.set('auth', auth)
    c.set('dispatch', async (request: Request) => app.fetch(request))
    const started = performance.now()
    await next()
    try {
      c.res.headers.set('x-request-id', requestId)
    } catch {
      // Immutable headers (a proxied response): the id is still in the logs.
    }
    const ms = Math.round((performance.now() - started) * 10) / 10
    if (c.req.path !== '/healthz') {
      reqLog.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms }, 'request')
    }
  })

  app.use('*', securityHeaders(services.config.appUrl))
  const csrf = csrfGuard(services.config.appUrl)
  app.use('/api/*', (c, next) => (isMachinePath(c.req.path) ? next() : csrf(c, next)))

  const tooLarge = (limit: number) => (c: Context<AppEnv>) =>
    c.json(
      errorBody('PAYLOAD_TOO_LARGE', `Request body is larger than ${Math.round(limit / 1024 / 1024)} MB`),
      413,
    )
  const jsonLimit = bodyLimit({ maxSize: JSON_BODY_LIMIT, onError: tooLarge(JSON_BODY_LIMIT) })
  const uploadLimit = bodyLimit({ maxSize: UPLOAD_BODY_LIMIT, onError: tooLarge(UPLOAD_BODY_LIMIT) })
  const importLimit = bodyLimit({
    maxSize: IMPORT_BODY_LIMIT,
    onError: tooLarge(IMPORT_BODY_LIMIT - 1024 * 1024),
  })
  // Twilio's forms are a few KB: a forged one is refused before its signature is even computed.
  const webhookLimit = bodyLimit({
    maxSize: WEBHOOK_BODY_LIMIT,
    onError: (c) =>
      c.json(
        errorBody('PAYLOAD_TOO_LARGE', `Webhook form is larger than ${WEBHOOK_BODY_LIMIT / 1024} KB`),
        413,
      ),
  })
  app.use('/api/*', (c, next) => {
    if (c.req.path.startsWith('/api/whatsapp/')) return webhookLimit(c, next)
    if (isImportPath(c.req.path)) return importLimit(c, next)
    return isUploadPath(c.req.path) ? uploadLimit(c, next) : jsonLimit(c, next)
  })

  // Who asks (session cookie or API key), then the rate limit, whose keys depend on who asks.
  const authenticated = authentication(rateLimitMiddleware(sql, services.config))
  app.use('/api/*', async (c, next) => {
    if (isMachinePath(c.req.path)) return next()
    await authenticated(c, next)
  })
  // After the rate limit: nobody gets a body parsed for free.
  app.use('/api/*', (c, next) => (isMachinePath(c.req.path) ? next() : inputTextGuard(c, next)))
  // After authentication (keys belong to their caller) and the input checks (a refused body keeps no key).
  app.use('/api/*', idempotencyMiddleware)

  app.on(['GET', 'POST'], '/api/auth/*', async (c) => {
    // better-auth records a session's address from X-Forwarded-For: give it the one resolved under TRUST_PROXY.
    const headers = new Headers(c.req.raw.headers)
    const ip = clientIp(c)
    if (ip === NO_SOCKET) headers.delete('x-forwarded-for')
    else headers.set('x-forwarded-for', ip)
    return inApiErrorShape(await auth.handler(new Request(c.req.raw, { headers })))
  })

  app.get('/healthz', (c) => c.json({ ok: true }))
  app.get('/readyz', async (c) => {
    try {
      await pingDatabase(services.db)
      return c.json({ ok: true, database: 'up' })
    } catch {
      return c.json(errorBody('INTERNAL', 'Database unreachable'), 503)
    }
  })

  for (const routes of apiRoutes()) app.route('/', routes)
  // The document with its security declared (http/openapi-security.ts), built once on first request.
  let openApi: ReturnType<typeof app.getOpenAPI31Document> | undefined
  app.get('/api/openapi.json', (c) => {
    openApi ??= withApiSecurity(app.getOpenAPI31Document(OPENAPI_INFO))
    return c.json(openApi)
  })
  app.route('/', apiDocsRoutes())
  // The guides as pages, for the dashboard's Help links (served with or without the built web app).
  app.route('/', helpRoutes())

  app.all('/api/*', (c) => c.json(errorBody('NOT_FOUND', `No route ${c.req.method} ${c.req.path}`), 404))

  if (webRoot && existsSync(join(webRoot, 'index.html'))) {
    const root = resolve(webRoot)
    const indexHtml = readFileSync(join(root, 'index.html'), 'utf8')
    app.use('/assets/*', serveStatic({ root }))
    app.use('*', serveStatic({ root }))
    // Deep links (/Dashboard/organizations/123) load the app, which routes on the client.
    app.get('*', (c) => c.html(indexHtml))
  }

  app.onError((err, c) => handleError(err, c, c.get('log') ?? log))
  return app
}

export type App = ReturnType<typeof createApp>
export type { AppEnv }
