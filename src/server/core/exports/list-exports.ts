import { and, desc, eq } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { dataExports } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { exportView } from './view.js'

/** The organization's 20 latest exports, newest first. */
export async function listExports({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'data:export')
  const rows = await ctx.db
    .select()
    .from(dataExports)
    .where(eq(dataExports.organizationId, input.organizationId))
    .orderBy(desc(dataExports.createdAt), desc(dataExports.id))
    .limit(20)
  return rows.map((r) => exportView(ctx.config, r))
}

export async function exportOf(db: Tx, organizationId: string, exportId: string) {
  const [row] = await db
    .select()
    .from(dataExports)
    .where(and(eq(dataExports.organizationId, organizationId), eq(dataExports.id, exportId)))
    .limit(1)
  if (!row) throw new NotFound('Export')
  return row
}

export async function getExport({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; exportId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'data:export')
  return exportView(ctx.config, await exportOf(ctx.db, input.organizationId, input.exportId))
}
