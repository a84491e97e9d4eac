import type { ExportFormat, ExportKind } from '../../../shared/enums.js'
import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { loadOrganization } from '../organizations/view.js'
import { CONTENT_TYPES, encodeRows, exportFileName } from './encode.js'
import { type ExportFilters, resolveFilters } from './filters.js'
import { exportSource } from './rows.js'

/**
 * An export answered at once, as text chunks read a batch at a time (nothing is stored). The
 * authorization and the organization's 404 happen before the first chunk.
 */
export async function downloadNow({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; kind: ExportKind; format: ExportFormat; filters: ExportFilters }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'data:export')
  const org = await loadOrganization(ctx.db, input.organizationId)
  const source = exportSource(ctx.db, input.organizationId, input.kind, resolveFilters(input.filters))
  return {
    fileName: exportFileName(org?.name ?? '', input.kind, input.format, new Date()),
    contentType: CONTENT_TYPES[input.format],
    chunks: () => encodeRows(input.format, source.columns, source.batches()),
  }
}
