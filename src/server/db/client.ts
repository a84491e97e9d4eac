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
import type { Logger } from '../logger.js'
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
  /**
   * Calls `onPayload` with every NOTIFY on `channel` until the returned function is called. On
   * PostgreSQL a dedicated connection, opened again a second after it is lost; `onReconnect` then
   * says that notifications sent meanwhile were missed (LISTEN has no replay).
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    opts?: { onReconnect?: () => void },
  ): Promise<() => Promise<void>>
  close(): Promise<void>
}

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

// Any constant: every process that starts against the same server waits here, so migrations
// run once and never race.
const MIGRATION_LOCK_KEY = 7_313_019_001

export async function openPostgres(
  url: string,
  opts: { max?: number; log?: Pick<Logger, 'warn'> } = {},
): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 20 })
  // An idle client lost its connection (a server restart, a network cut). The pool replaces it on
  // next use, so this is not fatal, but it is worth a line: several in a row mean the database is away.
  pool.on('error', (err) => {
    if (opts.log) opts.log.warn({ err }, 'idle database connection lost')
    else console.warn('idle database connection lost:', err.message)
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
  const db: Db = drizzlePg(pool, { schema })
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
    listen: (channel, onPayload, listenOpts) =>
      listenOnPostgres(url, channel, onPayload, { ...listenOpts, log: opts.log }),
    close: () => pool.end(),
  }
}

/** A dedicated client LISTENing on `channel`, reconnecting after a second when the connection drops. */
async function listenOnPostgres(
  url: string,
  channel: string,
  onPayload: (payload: string) => void,
  opts: { onReconnect?: () => void; log?: Pick<Logger, 'warn'> },
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined
  let closed = false
  let lost = false
  const warn = (err: unknown, message: string) =>
    opts.log ? opts.log.warn({ err, channel }, message) : console.warn(`${message} (${channel})`)
  const given = new WeakSet<pg.Client>()
  const retry = (c: pg.Client) => {
    // A client fails once: its 'error' event and a failed query may both report the same loss.
    if (given.has(c)) return
    given.add(c)
    c.end().catch(() => {})
    if (client === c) client = undefined
    lost = true
    if (!closed) setTimeout(() => void connect(), 1000).unref()
  }
  const connect = async () => {
    if (closed) return
    const c = new pg.Client({ connectionString: url, application_name: `listen-${channel}` })
    c.on('notification', (msg) => {
      if (msg.channel === channel && msg.payload !== undefined) onPayload(msg.payload)
    })
    c.on('error', (err) => {
      warn(err, 'listen connection lost; reconnecting')
      retry(c)
    })
    try {
      await c.connect()
      await c.query(`listen ${pg.escapeIdentifier(channel)}`)
      if (closed) {
        await c.end().catch(() => {})
        return
      }
      client = c
      if (lost) opts.onReconnect?.()
      lost = false
    } catch (err) {
      warn(err, 'listen connection could not be opened; retrying')
      retry(c)
    }
  }
  await connect()
  return async () => {
    closed = true
    await client?.end().catch(() => {})
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
    db: d,
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
    listen: async (channel, onPayload) => {
      const unlisten = await client.listen(channel, onPayload)
      return async () => {
        if (!client.closed) await unlisten()
      }
    },
    close: async () => {
      if (!client.closed) await client.close()
    },
  }
}

export async function openDatabase(
  cfg: { databaseUrl?: string; dataDir: string },
  log?: Pick<Logger, 'warn'>,
): Promise<Database> {
  return cfg.databaseUrl ? openPostgres(cfg.databaseUrl, { log }) : openPglite(cfg.dataDir)
}

export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`)
}

/**
 * The rows of a raw `execute` result, typed as the caller's row shape. Both drivers answer
 * `{ rows }`, but drizzle types a raw result as `unknown`: this is the one place that casts it,
 * so `T` must match the query's select list.
 */
export const rowsOf = <T = Record<string, unknown>>(result: unknown): T[] =>
  (result as { rows?: T[] }).rows ?? []

/** Runs one raw SQL query and returns its rows, typed as `T`. */
export async function queryRows<T = Record<string, unknown>>(db: Tx, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query))
}

/**
 * The row of a statement that always yields one (an `INSERT … RETURNING`, an aggregate without
 * GROUP BY, an UPDATE of a row the caller has just read or locked). No row means the database
 * broke that promise, so it throws instead of letting `undefined` flow on.
 */
export function oneRow<T>(rows: readonly T[], what: string): T {
  const row = rows[0]
  if (row === undefined) throw new Error(`expected one ${what} row, the statement returned none`)
  return row
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
      return { rows: await queryRows(tx, sql.join(chunks, sql.raw(''))) }
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
  const client = '$client' in db ? db.$client : undefined
  if (client instanceof pg.Pool) return rowsOf<Row>(await client.query({ name, text, values }))
  if (client instanceof PGlite) return rowsOf<Row>(await client.query(text, values))
  throw new Error('executePrepared needs the database itself, not a transaction')
}
