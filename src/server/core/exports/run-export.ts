import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { and, eq } from 'drizzle-orm'
import { dataExports, organizations } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { encodeRows, exportFileName } from './encode.js'
import { ExportFiltersSchema, resolveFilters } from './filters.js'
import { type ExportRow, exportSource } from './rows.js'
import { exportPath } from './view.js'

/** The export's row was deleted while its file was being written. */
class ExportDeleted extends Error {}

/**
 * Writes a background export to `EXPORTS_DIR/<id>.<ext>` a batch at a time (through a `.part`
 * file renamed at the end, so a half-written file is never served), recording progress after
 * every batch. A retry starts the file again. Finished, it is downloadable until now + linkHours.
 */
export async function runExport({
  ctx,
  input,
}: {
  ctx: Ctx
  input: { organizationId: string; exportId: string }
}) {
  const [row] = await ctx.db
    .select({ exp: dataExports, orgName: organizations.name })
    .from(dataExports)
    .innerJoin(organizations, eq(organizations.id, dataExports.organizationId))
    .where(and(eq(dataExports.organizationId, input.organizationId), eq(dataExports.id, input.exportId)))
    .limit(1)
  if (!row || !['queued', 'running'].includes(row.exp.status)) return
  const exp = row.exp
  const byId = and(eq(dataExports.organizationId, exp.organizationId), eq(dataExports.id, exp.id))
  const source = exportSource(
    ctx.db,
    exp.organizationId,
    exp.kind,
    resolveFilters(ExportFiltersSchema.parse(exp.filters)),
  )
  const totalRows = await source.count()
  await ctx.db
    .update(dataExports)
    .set({ status: 'running', totalRows, processedRows: 0, failureReason: null })
    .where(byId)

  let processed = 0
  async function* tracked(): AsyncGenerator<ExportRow[]> {
    for await (const rows of source.batches()) {
      yield rows
      // Resumed once the batch's text is written.
      processed += rows.length
      const still = await ctx.db
        .update(dataExports)
        .set({ processedRows: processed })
        .where(byId)
        .returning({ id: dataExports.id })
      if (still.length === 0) throw new ExportDeleted()
    }
  }

  const path = exportPath(ctx.config, exp)
  const part = `${path}.part`
  await mkdir(ctx.config.exports.dir, { recursive: true })
  try {
    await pipeline(Readable.from(encodeRows(exp.format, source.columns, tracked())), createWriteStream(part))
  } catch (err) {
    await rm(part, { force: true })
    if (err instanceof ExportDeleted) return
    throw err
  }
  await rename(part, path)
  const { size } = await stat(path)
  const finishedAt = new Date()
  const done = await ctx.db
    .update(dataExports)
    .set({
      status: 'completed',
      processedRows: processed,
      sizeBytes: size,
      fileName: exportFileName(row.orgName, exp.kind, exp.format, exp.createdAt),
      finishedAt,
      expiresAt: new Date(finishedAt.getTime() + ctx.config.exports.linkHours * 3_600_000),
    })
    .where(byId)
    .returning({ id: dataExports.id })
  if (done.length === 0) await rm(path, { force: true })
}

/** The last attempt failed: say why on the export, and drop what was written. */
export async function markExportFailed({
  ctx,
  input,
}: {
  ctx: Ctx
  input: { organizationId: string; exportId: string; reason: string }
}) {
  await ctx.db
    .update(dataExports)
    .set({ status: 'failed', failureReason: input.reason.slice(0, 500), finishedAt: new Date() })
    .where(and(eq(dataExports.organizationId, input.organizationId), eq(dataExports.id, input.exportId)))
  await rm(`${exportPath(ctx.config, { id: input.exportId, format: 'csv' })}.part`, { force: true })
  await rm(`${exportPath(ctx.config, { id: input.exportId, format: 'json' })}.part`, { force: true })
}
