import { and, count, eq, inArray } from 'drizzle-orm'
import type { ExportFormat, ExportKind } from '../../../shared/enums.js'
import { oneRow } from '../../db/client.js'
import { dataExports } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { type ExportFilters, storedFilters } from './filters.js'
import { exportView } from './view.js'

/** Background exports an organization may have queued or running at once. */
export const MAX_RUNNING_EXPORTS = 5

/**
 * Starts a background export: the row, its `exports.run` job and the audit entry are written in
 * one transaction, so there is never a row without a job nor a job without its row.
 */
export async function createExport({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; kind: ExportKind; format: ExportFormat; filters: ExportFilters }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'data:export')
  const row = await ctx.db.transaction(async (tx) => {
    const running = oneRow(
      await tx
        .select({ n: count() })
        .from(dataExports)
        .where(
          and(
            eq(dataExports.organizationId, input.organizationId),
            inArray(dataExports.status, ['queued', 'running']),
          ),
        ),
      'export count',
    ).n
    if (running >= MAX_RUNNING_EXPORTS)
      throw new Conflict(
        `${MAX_RUNNING_EXPORTS} exports are already being made for this organization: wait for one to finish`,
        { reason: 'OVER_LIMIT', limit: MAX_RUNNING_EXPORTS },
      )
    const created = oneRow(
      await tx
        .insert(dataExports)
        .values({
          organizationId: input.organizationId,
          kind: input.kind,
          format: input.format,
          filters: storedFilters(input.filters),
          createdBy: ctx.actor.userId || null,
        })
        .returning(),
      'export',
    )
    await ctx.jobs.send('exports.run', { organizationId: input.organizationId, exportId: created.id }, { tx })
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'export.created',
        target: { type: 'export', id: created.id },
        details: { kind: input.kind, format: input.format, filters: created.filters },
      },
      tx,
    )
    return created
  })
  ctx.jobs.wake('exports.run')
  return exportView(ctx.config, row)
}
