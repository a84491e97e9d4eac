import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { type SQL, sql } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import * as schema from './schema/index.js'

export type Schema = typeof schema
export type Db = PgDatabase<PgQueryResultHKT, Schema>
/** A transaction or the database itself: core actions accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db

/** Raw SQL access with positional parameters, used by pg-boss and the rate limiter. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
}

export interface Database {
  db: Db
  kind: 'pglite' | 'postgres'
  sql: SqlExecutor
  /** Plain connection string (postgres) for pg-boss, or undefined for PGlite. */
  url?: string
  close(): Promise<void>
}

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

// Any constant: every process that starts against the same server waits here, so migrations
// run once and never race.
const MIGRATION_LOCK_KEY = 7_313_019_001

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 20 })
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  })
  const client = await pool.connect()
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
    try {
      await migratePg(drizzlePg(client, { schema }), { migrationsFolder })
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
    }
  } finally {
    client.release()
  }
  const db = drizzlePg(pool, { schema }) as unknown as Db
  return {
    db,
    kind: 'postgres',
    url,
    sql: {
      async executeSql(text, values) {
        const r = await pool.query(text, values as unknown[] | undefined)
        // Multi-statement text yields an array of results; pg-boss wants the last one.
        const last = Array.isArray(r) ? r[r.length - 1] : r
        return { rows: last?.rows ?? [] }
      },
    },
    close: () => pool.end(),
  }
}

/** dataDir undefined → in-memory (tests). */
export async function openPglite(dataDir?: string): Promise<Database> {
  let client: PGlite
  if (dataDir) {
    const dir = join(dataDir, 'pglite')
    mkdirSync(dir, { recursive: true })
    client = new PGlite(dir)
  } else {
    client = new PGlite()
  }
  await client.waitReady
  const d = drizzlePglite(client, { schema })
  await migratePglite(d, { migrationsFolder })
  return {
    db: d as unknown as Db,
    kind: 'pglite',
    sql: {
      async executeSql(text, values) {
        if (!values || values.length === 0) {
          // exec() accepts several statements (pg-boss migrations) and returns one result each.
          const results = await client.exec(text)
          const last = results[results.length - 1]
          return { rows: (last?.rows ?? []) as Record<string, unknown>[] }
        }
        const r = await client.query(text, values as unknown[])
        return { rows: r.rows as Record<string, unknown>[] }
      },
    },
    close: async () => {
      if (!client.closed) await client.close()
    },
  }
}

export async function openDatabase(cfg: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  return cfg.databaseUrl ? openPostgres(cfg.databaseUrl) : openPglite(cfg.dataDir)
}

export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`)
}

/** The rows of a raw `execute` result (both drivers answer `{ rows }`). */
export const rowsOf = <T = Record<string, unknown>>(result: unknown): T[] => (result as { rows: T[] }).rows

/** Runs one raw SQL query and returns its rows. */
export async function queryRows<T>(db: Tx, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query))
}

/**
 * Runs raw positional-parameter SQL inside a drizzle transaction, so pg-boss can enqueue a job
 * atomically with the rows that caused it (pg-boss `send(…, { db })`).
 */
export function txExecutor(tx: Tx): SqlExecutor {
  return {
    async executeSql(text, values = []) {
      const parts = text.split(/\$(\d+)/)
      const chunks = parts.map((part, i) =>
        i % 2 === 0 ? sql.raw(part) : sql`${values[Number(part) - 1] ?? null}`,
      )
      const result = (await tx.execute(sql.join(chunks, sql.raw('')))) as unknown as {
        rows: Record<string, unknown>[]
      }
      return { rows: result.rows ?? [] }
    },
  }
}

/**
 * Runs one static SQL text with positional parameters; on PostgreSQL as a named prepared
 * statement, planned once per connection (worth it for hot, complex statements). `name` must be
 * unique per text. Not for use inside a transaction (it takes its own connection).
 */
export async function executePrepared<Row>(
  db: Db,
  name: string,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const client = (db as unknown as { $client: unknown }).$client
  if (client instanceof pg.Pool) return (await client.query({ name, text, values })).rows as Row[]
  return (
    await (client as { query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> }).query(
      text,
      values,
    )
  ).rows as Row[]
}
