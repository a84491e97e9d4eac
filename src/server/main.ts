import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { ConfigError, parseConfig, parseRole } from './config.js'
import { createLogger } from './logger.js'
import { startRuntime, WEB_ROOT } from './runtime.js'

async function ensureWebBuilt(log: ReturnType<typeof createLogger>) {
  if (existsSync(join(WEB_ROOT, 'index.html'))) return
  log.info('building the dashboard (first start)…')
  const { build } = await import('vite')
  await build({ configFile: join(WEB_ROOT, '..', '..', 'vite.config.ts'), logLevel: 'warn' })
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
  if (web) await ensureWebBuilt(log)
  const runtime = await startRuntime({ config, role, log, webRoot: web ? WEB_ROOT : undefined })
  let server: ReturnType<typeof serve> | undefined
  if (web) {
    server = serve({ fetch: runtime.app.fetch, port: config.port }, (info) => {
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
