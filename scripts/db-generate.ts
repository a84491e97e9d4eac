/**
 * `npm run db:generate`: drizzle-kit generate, one run at a time per working tree.
 *
 * Two runs at once (two people or tools changing schemas in one checkout) would both number their
 * migration after the same last one. An exclusive lock file (created with `wx`, which fails when
 * it exists) serialises them on every platform; a lock left by a process that died is taken over.
 * Extra arguments go to drizzle-kit: `npm run db:generate -- --name add_tags`.
 */
import { spawnSync } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const LOCK = join(ROOT, 'node_modules', '.cache', 'drizzle-generate.lock')
const WAIT_MS = 5 * 60_000

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function acquireLock() {
  mkdirSync(dirname(LOCK), { recursive: true })
  const deadline = Date.now() + WAIT_MS
  let said = false
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    let holder = Number.NaN
    try {
      holder = Number(readFileSync(LOCK, 'utf8'))
    } catch {
      continue // released between our attempt and the read: try again at once
    }
    // A holder that died (or a lock half written by one) is taken over.
    if (!Number.isInteger(holder) || holder <= 0 || !alive(holder)) {
      rmSync(LOCK, { force: true })
      continue
    }
    if (Date.now() > deadline) throw new Error(`db:generate: ${LOCK} still held by process ${holder}`)
    if (!said) console.log(`db:generate: waiting for process ${holder} to finish generating…`)
    said = true
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

await acquireLock()
let status = 1
try {
  const drizzleKit = join(ROOT, 'node_modules', 'drizzle-kit', 'bin.cjs')
  const run = spawnSync(process.execPath, [drizzleKit, 'generate', ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
  })
  status = run.status ?? 1
} finally {
  rmSync(LOCK, { force: true })
}
process.exit(status)
