import { rm } from 'node:fs/promises'
import { and, eq } from 'drizzle-orm'
import { dataExports } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { exportOf } from './list-exports.js'
import { exportPath } from './view.js'

/**
 * Deletes an export and its file. A job still writing it notices the row is gone at its next
 * batch, stops and removes what it wrote.
 */
export async function deleteExport({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; exportId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'data:export')
  const row = await exportOf(ctx.db, input.organizationId, input.exportId)
  await ctx.db.transaction(async (tx) => {
    await tx
      .delete(dataExports)
      .where(and(eq(dataExports.organizationId, input.organizationId), eq(dataExports.id, row.id)))
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'export.deleted',
        target: { type: 'export', id: row.id },
        details: { kind: row.kind, format: row.format, status: row.status },
      },
      tx,
    )
  })
  await rm(exportPath(ctx.config, row), { force: true })
}
