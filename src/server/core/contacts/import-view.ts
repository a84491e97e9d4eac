import { and, desc, eq, getTableColumns } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { contactImports } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'

// Everything of an import but the file itself (up to 20 MB of text, never sent back).
const { csv: _csv, ...importColumns } = getTableColumns(contactImports)

export { importColumns }

type ImportRow = Omit<typeof contactImports.$inferSelect, 'csv'>

export const importView = (i: ImportRow) => ({
  id: i.id,
  fileName: i.fileName,
  status: i.status,
  totalRows: i.totalRows,
  processedRows: i.processedRows,
  createdCount: i.createdCount,
  updatedCount: i.updatedCount,
  errorCount: i.errorCount,
  errors: i.errors,
  failureReason: i.failureReason,
  createdAt: i.createdAt.toISOString(),
  finishedAt: i.finishedAt?.toISOString() ?? null,
})

export async function loadImport(db: Tx, organizationId: string, importId: string) {
  if (!isUuid(importId)) throw new NotFound('Import')
  const [row] = await db
    .select(importColumns)
    .from(contactImports)
    .where(and(eq(contactImports.organizationId, organizationId), eq(contactImports.id, importId)))
  if (!row) throw new NotFound('Import')
  return row
}

/** The latest 20 imports, newest first (every member). */
export async function listImports({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:read')
  const rows = await ctx.db
    .select(importColumns)
    .from(contactImports)
    .where(eq(contactImports.organizationId, input.organizationId))
    .orderBy(desc(contactImports.createdAt))
    .limit(20)
  return rows.map(importView)
}

/** One import with its progress (every member). */
export async function getImport({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; importId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:read')
  return importView(await loadImport(ctx.db, input.organizationId, input.importId))
}
