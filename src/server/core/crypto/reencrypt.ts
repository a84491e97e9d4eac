import { sql } from 'drizzle-orm'
import { queryRows, type Tx } from '../../db/client.js'
import type { MediaItem } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { nameTermsKeyId, nameTermsOf } from './blind-index.js'
import { currentKeyPattern, DecryptionError, decryptText, encryptText, isEncrypted } from './encryption.js'

// The `crypto.reencrypt` job: rewrites, under the current key, every stored value that is plaintext
// (written before encryption existed) or under an older key, and rebuilds the contact-name blind
// index where it was made under another key (or never). Tables are walked in id order, 500 rows a
// batch, each batch one statement per table that only writes a row still holding the value read
// (compare-and-set: a concurrent change wins). The cursor (table, last id) makes it resumable and
// makes it move past a row it cannot decrypt (counted and logged, left as it is).

export const REENCRYPT_BATCH = 500
export const REENCRYPT_TABLES = ['messages', 'inbox', 'contacts', 'broadcast_recipients'] as const
export type ReencryptTable = (typeof REENCRYPT_TABLES)[number]
export interface ReencryptCursor {
  table: ReencryptTable
  after: string
}
export interface ReencryptBatchResult {
  /** Where the next batch starts; null when every table was walked to its end. */
  next: ReencryptCursor | null
  rewritten: number
  unreadable: number
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`

/** Whether a stored text needs rewriting: plaintext, or encrypted under another key than the current. */
function stale(stored: string | null, currentPrefix: string): boolean {
  return stored !== null && stored !== '' && !stored.startsWith(currentPrefix)
}

const recrypt = (stored: string) => encryptText(decryptText(stored))
const recryptNullable = (stored: string | null) =>
  stored === null || stored === '' ? stored : recrypt(stored)
const recryptMedia = (items: MediaItem[]) => items.map((m) => ({ ...m, url: recrypt(m.url) }))
/** Template variables: only values that were encrypted (a contact's name) are encrypted again. */
const recryptVariables = (vars: Record<string, string> | null) =>
  vars === null
    ? null
    : Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, isEncrypted(v) ? recrypt(v) : v]))

const parseJson = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T

/** The SQL condition "this text needs rewriting" (mirrors `stale`). */
const staleSql = (column: string, pattern: string) =>
  sql`(${sql.raw(column)} <> '' and ${sql.raw(column)} not like ${pattern})`
const staleMediaSql = (pattern: string) =>
  sql`exists (select 1 from jsonb_array_elements(media) e where e->>'url' not like ${pattern})`
const staleVariablesSql = (column: string, pattern: string) =>
  sql`exists (select 1 from jsonb_each_text(coalesce(${sql.raw(column)}, '{}'::jsonb)) e where e.value like 'enc1:%' and e.value not like ${pattern})`

/** One batch of one table, from the cursor. */
export async function reencryptBatch(
  db: Tx,
  cursor: ReencryptCursor,
  limit = REENCRYPT_BATCH,
): Promise<ReencryptBatchResult & { last: string | null; unreadableKeys: string[] }> {
  const pattern = currentKeyPattern()
  const prefix = pattern.slice(0, -1).replace(/\\(.)/g, '$1')
  const indexKey = nameTermsKeyId()
  let rewritten = 0
  const bad = new Set<string>()
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn()
    } catch (err) {
      if (!(err instanceof DecryptionError)) throw err
      bad.add(err.keyId)
      return undefined
    }
  }
  let last: string | null = null
  let unreadable = 0

  if (cursor.table === 'messages') {
    const rows = await queryRows<{ id: string; body: string; media: unknown; content_variables: unknown }>(
      db,
      sql`select id, body, media, content_variables from messages
        where id > ${cursor.after}
          and (${staleSql('body', pattern)} or ${staleMediaSql(pattern)} or ${staleVariablesSql('content_variables', pattern)})
        order by id limit ${limit}`,
    )
    const out: unknown[] = []
    for (const r of rows) {
      last = r.id
      const media = parseJson<MediaItem[]>(r.media)
      const vars = parseJson<Record<string, string> | null>(r.content_variables)
      const next = attempt(() => ({
        id: r.id,
        old_body: r.body,
        old_media: media,
        old_vars: vars,
        body: stale(r.body, prefix) ? recrypt(r.body) : r.body,
        media: recryptMedia(media),
        vars: recryptVariables(vars),
      }))
      if (next) out.push(next)
      else unreadable++
    }
    if (out.length > 0) {
      const done = await queryRows<{ id: string }>(
        db,
        sql`update messages m set body = x.body, media = x.media, content_variables = x.vars
          from jsonb_to_recordset(${json(out)})
            as x(id text, old_body text, old_media jsonb, old_vars jsonb, body text, media jsonb, vars jsonb)
          where m.id = x.id and m.body = x.old_body and m.media = x.old_media
            and m.content_variables is not distinct from x.old_vars
          returning m.id`,
      )
      rewritten = done.length
    }
    return {
      next: nextCursor(cursor, rows.length, limit, last),
      rewritten,
      unreadable,
      last,
      unreadableKeys: [...bad],
    }
  }

  if (cursor.table === 'inbox') {
    const rows = await queryRows<{
      id: string | number
      profile_name: string | null
      body: string
      media: unknown
    }>(
      db,
      sql`select id, profile_name, body, media from inbox
        where id > ${Number(cursor.after) || 0}::bigint
          and (${staleSql('body', pattern)} or ${staleSql('profile_name', pattern)} or ${staleMediaSql(pattern)})
        order by id limit ${limit}`,
    )
    const out: unknown[] = []
    for (const r of rows) {
      last = String(r.id)
      const media = parseJson<MediaItem[]>(r.media)
      const next = attempt(() => ({
        id: Number(r.id),
        old_body: r.body,
        old_profile: r.profile_name,
        body: stale(r.body, prefix) ? recrypt(r.body) : r.body,
        profile: stale(r.profile_name, prefix) ? recryptNullable(r.profile_name) : r.profile_name,
        media: recryptMedia(media),
      }))
      if (next) out.push(next)
      else unreadable++
    }
    if (out.length > 0) {
      const done = await queryRows<{ id: string }>(
        db,
        sql`update inbox i set body = x.body, profile_name = x.profile, media = x.media
          from jsonb_to_recordset(${json(out)})
            as x(id bigint, old_body text, old_profile text, body text, profile text, media jsonb)
          where i.id = x.id and i.body = x.old_body and i.profile_name is not distinct from x.old_profile
          returning i.id`,
      )
      rewritten = done.length
    }
    return {
      next: nextCursor(cursor, rows.length, limit, last),
      rewritten,
      unreadable,
      last,
      unreadableKeys: [...bad],
    }
  }

  if (cursor.table === 'contacts') {
    const rows = await queryRows<{
      id: string
      name: string | null
      profile_name: string | null
      notes: string | null
      name_terms_key: string | null
    }>(
      db,
      sql`select id, name, profile_name, notes, name_terms_key from contacts
        where id > ${cursor.after}
          and (${staleSql('name', pattern)} or ${staleSql('profile_name', pattern)} or ${staleSql('notes', pattern)}
            or name_terms_key is distinct from ${indexKey})
        order by id limit ${limit}`,
    )
    const out: unknown[] = []
    for (const r of rows) {
      last = r.id
      const next = attempt(() => {
        const name = r.name === null ? null : decryptText(r.name)
        const profile = r.profile_name === null ? null : decryptText(r.profile_name)
        const terms = nameTermsOf(name, profile)
        return {
          id: r.id,
          old_name: r.name,
          old_profile: r.profile_name,
          old_notes: r.notes,
          name: stale(r.name, prefix) ? recryptNullable(r.name) : r.name,
          profile: stale(r.profile_name, prefix) ? recryptNullable(r.profile_name) : r.profile_name,
          notes: stale(r.notes, prefix) ? recryptNullable(r.notes) : r.notes,
          terms: terms.nameTerms,
          terms_key: terms.nameTermsKey,
        }
      })
      if (next) out.push(next)
      else unreadable++
    }
    if (out.length > 0) {
      const done = await queryRows<{ id: string }>(
        db,
        sql`update contacts c set name = x.name, profile_name = x.profile, notes = x.notes,
            name_terms = x.terms, name_terms_key = x.terms_key
          from jsonb_to_recordset(${json(out)})
            as x(id text, old_name text, old_profile text, old_notes text, name text, profile text, notes text,
                 terms text[], terms_key text)
          where c.id = x.id and c.name is not distinct from x.old_name
            and c.profile_name is not distinct from x.old_profile and c.notes is not distinct from x.old_notes
          returning c.id`,
      )
      rewritten = done.length
    }
    return {
      next: nextCursor(cursor, rows.length, limit, last),
      rewritten,
      unreadable,
      last,
      unreadableKeys: [...bad],
    }
  }

  // broadcast_recipients.variables: a broadcast's `name` variable is the contact's stored name.
  const rows = await queryRows<{ id: string; variables: unknown }>(
    db,
    sql`select id, variables from broadcast_recipients
      where id > ${cursor.after} and ${staleVariablesSql('variables', pattern)}
      order by id limit ${limit}`,
  )
  const out: unknown[] = []
  for (const r of rows) {
    last = r.id
    const vars = parseJson<Record<string, string>>(r.variables)
    const next = attempt(() => ({ id: r.id, old_vars: vars, vars: recryptVariables(vars) }))
    if (next) out.push(next)
    else unreadable++
  }
  if (out.length > 0) {
    const done = await queryRows<{ id: string }>(
      db,
      sql`update broadcast_recipients r set variables = x.vars
        from jsonb_to_recordset(${json(out)}) as x(id text, old_vars jsonb, vars jsonb)
        where r.id = x.id and r.variables = x.old_vars
        returning r.id`,
    )
    rewritten = done.length
  }
  return {
    next: nextCursor(cursor, rows.length, limit, last),
    rewritten,
    unreadable,
    last,
    unreadableKeys: [...bad],
  }
}

/** The same table after the last row seen, or the next table from its start once a table is done. */
function nextCursor(
  cursor: ReencryptCursor,
  seen: number,
  limit: number,
  last: string | null,
): ReencryptCursor | null {
  if (seen >= limit && last !== null) return { table: cursor.table, after: last }
  const i = REENCRYPT_TABLES.indexOf(cursor.table)
  const table = REENCRYPT_TABLES[i + 1]
  return table ? { table, after: table === 'inbox' ? '0' : '' } : null
}

export const firstReencryptCursor = (): ReencryptCursor => ({ table: 'messages', after: '' })

/**
 * Runs batches from the cursor for at most `budgetMs`; returns where to go on (null: done).
 * The job handler re-enqueues itself with that cursor, so a long rewrite survives restarts.
 */
export async function reencryptStep(
  ctx: Pick<Ctx, 'db' | 'log'>,
  input: { cursor?: ReencryptCursor; budgetMs?: number; batchSize?: number },
): Promise<{ next: ReencryptCursor | null; rewritten: number; unreadable: number }> {
  const started = Date.now()
  let cursor: ReencryptCursor | null = input.cursor ?? firstReencryptCursor()
  let rewritten = 0
  let unreadable = 0
  const keys = new Set<string>()
  while (cursor && Date.now() - started < (input.budgetMs ?? 20_000)) {
    const r: Awaited<ReturnType<typeof reencryptBatch>> = await reencryptBatch(
      ctx.db,
      cursor,
      input.batchSize,
    )
    rewritten += r.rewritten
    unreadable += r.unreadable
    for (const k of r.unreadableKeys) keys.add(k)
    cursor = r.next
  }
  if (unreadable > 0)
    ctx.log.error(
      { unreadable, keys: [...keys] },
      'crypto.reencrypt: rows that cannot be decrypted with ENCRYPTION_KEYS were left as they are',
    )
  if (rewritten > 0)
    ctx.log.info({ rewritten, next: cursor }, 'crypto.reencrypt: rows rewritten under the current key')
  return { next: cursor, rewritten, unreadable }
}
