import { oneRow } from '../../db/client.js'
import { contactImports } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { decodeCsv, scanContactsCsv } from './contacts-csv.js'
import { importColumns, importView } from './import-view.js'

/**
 * Accepts a contacts CSV: the whole file is read once (a header without a phone column, a
 * malformed file or more than 200,000 rows → 400, nothing stored), then stored with its row count
 * in the same transaction as the `contacts.import` job that imports it in batches.
 */
export async function startImport({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; fileName: string; bytes: Uint8Array }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:write')
  const fileName = input.fileName.replace(/[\\/]/g, '_').trim().slice(0, 255) || 'contacts.csv'
  const text = decodeCsv(input.bytes)
  const scan = await scanContactsCsv(text, 0)
  const row = await ctx.db.transaction(async (tx) => {
    const created = oneRow(
      await tx
        .insert(contactImports)
        .values({
          organizationId: input.organizationId,
          createdBy: ctx.actor.userId,
          fileName,
          csv: text,
          status: 'pending',
          totalRows: scan.totalRows,
        })
        .returning(importColumns),
      'contact import',
    )
    await ctx.jobs.send(
      'contacts.import',
      { organizationId: input.organizationId, importId: created.id },
      { tx },
    )
    return created
  })
  ctx.jobs.wake('contacts.import')
  return importView(row)
}
