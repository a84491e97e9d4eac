import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestDatabase } from './database.js'
import { defined } from './defined.js'
import { startTestRuntime, TEST_ENCRYPTION_KEYS, type TestRuntime } from './runtime.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export interface WebAndWorkers {
  /** The web role, in this process: every job is done by the worker processes. */
  web: TestRuntime
  /** Starts one more `src/server/main.ts --role=worker` process; its stderr shows in the test output. */
  startWorker(): ChildProcess
  /** SIGKILLs every started worker still running. */
  killWorkers(): void
  /** Kills the workers, closes the web role and drops the database. */
  close(): Promise<void>
}

/**
 * The app split in processes, as deployed: a web role here and worker processes (started by the test)
 * on one fresh database, configured by `env` (the workers get only `env`, PATH and HOME). Processes
 * share the database, so this needs the PostgreSQL server (TEST_DATABASE_URL).
 */
export async function startWebAndWorkers(env: Record<string, string>): Promise<WebAndWorkers> {
  const database = await createTestDatabase()
  const processEnv = {
    DATABASE_URL: defined(database.url, 'a PostgreSQL database URL'),
    AUTH_SECRET: 'crash-test-secret-crash-test-secret-0123456789',
    // Every process of a deployment shares one key ring.
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    APP_URL: 'http://localhost:3999',
    ...env,
  }
  const web = await startTestRuntime({ role: 'web', database, env: processEnv }).catch(async (error) => {
    await database.close()
    throw error
  })
  const children: ChildProcess[] = []
  const killWorkers = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  }
  return {
    web,
    startWorker() {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--role=worker'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...processEnv },
        stdio: ['ignore', 'ignore', 'inherit'],
      })
      children.push(child)
      return child
    },
    killWorkers,
    async close() {
      killWorkers()
      await web.close()
      await database.close()
    },
  }
}
