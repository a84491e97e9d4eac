/**
 * `npm run dev`: the dashboard with hot reload. Vite's dev server (http://localhost:5173) serves
 * src/web and forwards /api and /help to the API, which runs under `tsx watch` (restarted when the
 * server's code changes) on PORT (default 3000).
 *
 * The API is told the dashboard's address is Vite's (APP_URL), so that sign-in and the cross-site
 * request checks accept the pages Vite serves. Set APP_URL yourself (in .env, say) when the
 * dashboard is reached some other way, e.g. a tunnel to Vite's port for Twilio's webhooks.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServer } from 'vite'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const ENV_FILE = join(ROOT, '.env')
// Read here, not only by the API, so PORT and APP_URL from .env decide where the proxy points.
if (existsSync(ENV_FILE)) process.loadEnvFile(ENV_FILE)

const apiPort = Number(process.env.PORT || 3000)
const webPort = Number(process.env.VITE_PORT || 5173)
const apiUrl = `http://localhost:${apiPort}`

const api = spawn(
  process.execPath,
  [
    join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
    'watch',
    '--clear-screen=false',
    'src/server/main.ts',
  ],
  {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      PORT: String(apiPort),
      APP_URL: process.env.APP_URL || `http://localhost:${webPort}`,
    },
  },
)

const vite = await createServer({
  configFile: join(ROOT, 'vite.config.ts'),
  server: {
    port: webPort,
    strictPort: true,
    proxy: { '/api': apiUrl, '/help': apiUrl },
  },
})
await vite.listen()
vite.printUrls()
console.log(`  ➜  API:     ${apiUrl} (tsx watch; /api and /help are forwarded to it)`)

const stop = async () => {
  api.kill('SIGTERM')
  await vite.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
api.on('exit', (code, signal) => {
  if (signal !== 'SIGTERM') {
    console.error(`the API stopped (${signal ?? code}); stopping the dev server`)
    void vite.close().then(() => process.exit(code ?? 1))
  }
})
