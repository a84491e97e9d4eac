import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { type Database, openPglite, openPostgres } from '../../src/server/db/client.js'
import { testEnv } from './env.js'

/**
 * A fresh database for one test file: in-memory PGlite by default, or a new database on the
 * server named by TEST_DATABASE_URL (created here, dropped on close).
 */
export async function createTestDatabase(): Promise<Database> {
  const serverUrl = testEnv.TEST_DATABASE_URL
  if (!serverUrl) return openPglite()
  const name = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const database = await openPostgres(url.toString(), { max: 20 })
  return {
    ...database,
    url: url.toString(),
    async close() {
      await database.close()
      const c = new pg.Client({ connectionString: serverUrl })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}
