import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { and, eq, sql } from 'drizzle-orm'
import { queryRows, type Tx } from '../../db/client.js'
import { writeEncrypted } from '../../db/encrypted-columns.js'
import { contactImports, contacts } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { mergeTermsSql, nameTermsKeyId, termsOf } from '../crypto/blind-index.js'
import { type CsvContactRow, contactRows, IMPORT_LIMITS } from './contacts-csv.js'
import { ensureTags } from './ensure-tags.js'
import { CONTACT_LIMITS } from './schemas.js'

/** Rows written per statement: one set-based upsert, one progress update. */
export const IMPORT_BATCH_ROWS = 1_000

interface BatchResult {
  created: number
  updated: number
}

/**
 * Rows of one batch by number, in file order; a number met again merges into the earlier row the
 * way a later import would (a later name and consent win, tags are added, attributes merged).
 * One upsert statement cannot touch the same contact twice.
 */
function mergeByPhone(rows: CsvContactRow[]) {
  const byPhone = new Map<string, CsvContactRow & { phone: string }>()
  for (const row of rows) {
    if (row.phone === null) continue
    const seen = byPhone.get(row.phone)
    if (!seen) {
      byPhone.set(row.phone, {
        ...row,
        phone: row.phone,
        tags: [...row.tags],
        attributes: { ...row.attributes },
      })
      continue
    }
    seen.name = row.name ?? seen.name
    seen.optedIn = row.optedIn ?? seen.optedIn
    seen.tags = [...new Set([...seen.tags, ...row.tags])].slice(0, CONTACT_LIMITS.tagsPerContact)
    Object.assign(seen.attributes, row.attributes)
  }
  return [...byPhone.values()]
}

// A row with a name replaces the name part of the contact's blind index, keeping the profile name's.
const nameTerms = mergeTermsSql({
  field: 'n',
  existingTerms: sql`contacts.name_terms`,
  existingKey: sql`contacts.name_terms_key`,
  incoming: sql`case when excluded.name is null then null else excluded.name_terms end`,
  incomingKey: sql`excluded.name_terms_key`,
})

/**
 * Writes one batch of valid rows: never a second contact for a number. A re-import replaces the
 * name when the row has one, adds its tags (at most 50 kept), merges its attributes, records
 * consent on an explicit yes (an earlier consent keeps its date) and clears it only on an explicit
 * no; an empty cell changes nothing.
 */
async function upsertBatch(tx: Tx, organizationId: string, rows: CsvContactRow[]): Promise<BatchResult> {
  const merged = mergeByPhone(rows)
  if (merged.length === 0) return { created: 0, updated: 0 }
  const tagNames = new Set(merged.flatMap((r) => r.tags))
  const { list } = await ensureTags(tx, organizationId, tagNames)
  // In number order: two imports writing the same contacts lock them in the same order.
  merged.sort((a, b) => (a.phone < b.phone ? -1 : a.phone > b.phone ? 1 : 0))
  const termsKey = nameTermsKeyId()
  const payload = merged.map((r) => ({
    wa_id: r.phone,
    // Encrypted at rest, with the name's blind-index tokens (core/crypto/blind-index.ts).
    name: writeEncrypted(r.name),
    name_terms: r.name ? termsOf('n', r.name) : null,
    tags: list(r.tags),
    attributes: r.attributes,
    opt_in: r.optedIn === true,
  }))
  const written = await queryRows<{ inserted: boolean }>(
    tx,
    sql`insert into ${contacts} (organization_id, wa_id, name, name_terms, name_terms_key, tags, attributes, opted_in_at, last_seen_at, simulated)
        select ${organizationId}, x.wa_id, x.name, coalesce(x.name_terms, '{}'::text[]), ${termsKey}::text,
               coalesce(x.tags, '{}'::text[]), coalesce(x.attributes, '{}'::jsonb),
               case when x.opt_in then now() end, null, false
        from jsonb_to_recordset(${JSON.stringify(payload)}::jsonb)
          as x(wa_id text, name text, name_terms text[], tags text[], attributes jsonb, opt_in boolean)
        on conflict (organization_id, wa_id, simulated) do update set
          name = coalesce(excluded.name, ${contacts.name}),
          name_terms = ${nameTerms.terms},
          name_terms_key = ${nameTerms.key},
          tags = (
            select coalesce((array_agg(t order by o))[1:${CONTACT_LIMITS.tagsPerContact}], '{}'::text[])
            from (
              select t, min(o) as o
              from unnest(${contacts.tags} || excluded.tags) with ordinality as u(t, o)
              group by t
            ) s
          ),
          attributes = ${contacts.attributes} || excluded.attributes,
          opted_in_at = coalesce(${contacts.optedInAt}, excluded.opted_in_at),
          updated_at = now()
        returning (xmax = 0) as inserted`,
  )
  const no = merged.filter((r) => r.optedIn === false).map((r) => r.phone)
  if (no.length > 0) {
    await tx
      .update(contacts)
      .set({ optedInAt: null, updatedAt: sql`now()` })
      .where(
        and(
          eq(contacts.organizationId, organizationId),
          eq(contacts.simulated, false),
          sql`${contacts.waId} = any(${sql`array[${sql.join(
            no.map((p) => sql`${p}`),
            sql`, `,
          )}]::text[]`})`,
          sql`${contacts.optedInAt} is not null`,
        ),
      )
  }
  const created = written.filter((w) => w.inserted === true || String(w.inserted) === 'true').length
  return { created, updated: written.length - created }
}

/**
 * The `contacts.import` job: imports the stored file in batches of 1,000 rows, each batch one
 * transaction that writes its contacts and the import's progress together. A retried job resumes
 * after the rows already counted; the file is cleared when the import is done.
 */
export async function runImport({
  ctx,
  input,
}: {
  ctx: Ctx
  input: { organizationId: string; importId: string }
}) {
  const [job] = await ctx.db
    .select({
      csv: contactImports.csv,
      status: contactImports.status,
      processedRows: contactImports.processedRows,
      keptErrors: sql<number>`jsonb_array_length(${contactImports.errors})`,
    })
    .from(contactImports)
    .where(
      and(eq(contactImports.organizationId, input.organizationId), eq(contactImports.id, input.importId)),
    )
  if (!job || job.status === 'done' || job.status === 'failed' || job.csv === null) return
  const where = and(
    eq(contactImports.organizationId, input.organizationId),
    eq(contactImports.id, input.importId),
  )
  await ctx.db.update(contactImports).set({ status: 'running' }).where(where)

  let keptErrors = Number(job.keptErrors)
  let rowIndex = 0
  let batch: CsvContactRow[] = []
  const flush = async () => {
    const rows = batch
    batch = []
    const errors = rows
      .filter((r) => r.error !== undefined)
      .map((r) => ({ line: r.line, message: r.error ?? '' }))
    const keep = errors.slice(0, Math.max(0, IMPORT_LIMITS.keptErrors - keptErrors))
    keptErrors += keep.length
    await ctx.db.transaction(async (tx) => {
      const result = await upsertBatch(
        tx,
        input.organizationId,
        rows.filter((r) => r.error === undefined),
      )
      await tx
        .update(contactImports)
        .set({
          processedRows: sql`${contactImports.processedRows} + ${rows.length}`,
          createdCount: sql`${contactImports.createdCount} + ${result.created}`,
          updatedCount: sql`${contactImports.updatedCount} + ${result.updated}`,
          errorCount: sql`${contactImports.errorCount} + ${errors.length}`,
          ...(keep.length > 0 && { errors: sql`${contactImports.errors} || ${JSON.stringify(keep)}::jsonb` }),
        })
        .where(where)
    })
    // Other requests and jobs of this process get their turn between batches.
    await yieldToLoop()
  }
  for await (const item of contactRows(job.csv)) {
    if (item.kind === 'header') continue
    // A retried job skips the rows a previous attempt already wrote.
    if (rowIndex++ < job.processedRows) continue
    batch.push(item.row)
    if (batch.length >= IMPORT_BATCH_ROWS) await flush()
  }
  if (batch.length > 0) await flush()
  await ctx.db.update(contactImports).set({ status: 'done', csv: null, finishedAt: sql`now()` }).where(where)
}

/** The last attempt failed: the import says why, and the file is not kept. */
export async function markImportFailed({
  ctx,
  input,
}: {
  ctx: Ctx
  input: { organizationId: string; importId: string; reason: string }
}) {
  await ctx.db
    .update(contactImports)
    .set({ status: 'failed', failureReason: input.reason.slice(0, 500), csv: null, finishedAt: sql`now()` })
    .where(
      and(eq(contactImports.organizationId, input.organizationId), eq(contactImports.id, input.importId)),
    )
}
