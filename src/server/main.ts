import cluster from 'node:cluster'
import { existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { type Config, ConfigError, parseConfig, parseRole, type Role } from './config.js'
import { inboundWebhookListener, isInboundWebhook } from './http/twilio-webhook.js'
import { createLogger, type Logger } from './logger.js'
import { startRuntime, WEB_ROOT } from './runtime.js'

async function ensureWebBuilt(log: Logger) {
  if (existsSync(join(WEB_ROOT, 'index.html'))) return
  log.info('building the dashboard (first start)…')
  const { build } = await import('vite')
  await build({ configFile: join(WEB_ROOT, '..', '..', 'vite.config.ts'), logLevel: 'warn' })
}

/**
 * `--role=all` on PostgreSQL: web processes on every core (they share the port through
 * node:cluster) and the worker in a process of its own, so answering customers never holds up
 * the webhook's acknowledgements. A process that dies is started again.
 */
function superviseProcesses(config: Config, log: Logger) {
  const webCount = config.webProcesses || availableParallelism()
  const roles = new Map<number, Role>()
  let stopping = false
  const fork = (role: Role) => {
    cluster.setupPrimary({ args: [`--role=${role}`] })
    const child = cluster.fork()
    roles.set(child.id, role)
  }
  for (let i = 0; i < webCount; i++) fork('web')
  fork('worker')
  cluster.on('exit', (child, code, signal) => {
    const role = roles.get(child.id) ?? 'web'
    roles.delete(child.id)
    if (stopping) return
    log.error({ role, code, signal }, 'a process died; starting another')
    setTimeout(() => fork(role), 1000)
  })
  log.info(
    { web: webCount, worker: 1, port: config.port },
    `serving http://localhost:${config.port} from ${webCount} web processes and 1 worker`,
  )
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    for (const child of Object.values(cluster.workers ?? {})) child?.process.kill('SIGTERM')
    // A process that has not finished its shutdown in 15 s is killed; then the supervisor exits.
    setTimeout(() => {
      for (const child of Object.values(cluster.workers ?? {})) child?.process.kill('SIGKILL')
      process.exit(0)
    }, 15_000)
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0)
    })
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

async function main() {
  let config: ReturnType<typeof parseConfig>
  let role: ReturnType<typeof parseRole>
  try {
    config = parseConfig()
    role = parseRole(process.argv.slice(2))
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
  const log = createLogger(config.logLevel)
  const web = role === 'web' || role === 'all'
  if (web && cluster.isPrimary) await ensureWebBuilt(log)
  // PGlite is one in-process database: with it, `all` stays one process (see the README).
  if (role === 'all' && config.databaseUrl && cluster.isPrimary) return superviseProcesses(config, log)

  const runtime = await startRuntime({ config, role, log, webRoot: web ? WEB_ROOT : undefined })
  let server: ReturnType<typeof serve> | undefined
  if (web) {
    const webhook = inboundWebhookListener(runtime.services)
    // The inbound webhook, the busiest route, is answered ahead of the framework (twilio-webhook.ts).
    const withWebhook = ((options: ServerOptions, app: (req: IncomingMessage, res: ServerResponse) => void) =>
      createServer(options, (req, res) =>
        isInboundWebhook(req) ? webhook(req, res) : app(req, res),
      )) as typeof createServer
    server = serve({ fetch: runtime.app.fetch, port: config.port, createServer: withWebhook }, (info) => {
      log.info(
        {
          port: info.port,
          role,
          database: runtime.database.kind,
          telephony: runtime.services.telephony.kind,
          appUrl: config.appUrl,
        },
        `listening on http://localhost:${info.port}`,
      )
    })
  } else {
    log.info({ role, database: runtime.database.kind }, 'worker started')
  }
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    // Work in flight gets 10 s to finish; whatever is left is taken again by another worker.
    setTimeout(() => process.exit(0), 10_000).unref()
    server?.close()
    await runtime.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
