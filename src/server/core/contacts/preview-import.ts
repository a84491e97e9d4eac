import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { decodeCsv, scanContactsCsv } from './contacts-csv.js'

/**
 * What importing this file would do, without doing it: the columns, the first 20 rows as they
 * would be imported (or their error), how many rows, how many with errors (the first 100 by line).
 */
export async function previewImport({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; bytes: Uint8Array }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:write')
  const scan = await scanContactsCsv(decodeCsv(input.bytes))
  return {
    columns: scan.columns,
    rows: scan.sample,
    totalRows: scan.totalRows,
    errorCount: scan.errorCount,
    errors: scan.errors,
  }
}
