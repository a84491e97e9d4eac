import { rm } from 'node:fs/promises'
import { and, eq, inArray, lte } from 'drizzle-orm'
import { dataExports } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { exportPath } from './view.js'

/** Deletes the files of exports whose link has expired and marks them expired (hourly job). */
export async function expireExports({ ctx, now = new Date() }: { ctx: Ctx; now?: Date }) {
  let expired = 0
  for (;;) {
    const rows = await ctx.db
      .select({ id: dataExports.id, format: dataExports.format })
      .from(dataExports)
      .where(and(eq(dataExports.status, 'completed'), lte(dataExports.expiresAt, now)))
      .limit(500)
    if (rows.length === 0) return { expired }
    for (const row of rows) await rm(exportPath(ctx.config, row), { force: true })
    await ctx.db
      .update(dataExports)
      .set({ status: 'expired', sizeBytes: null })
      .where(
        inArray(
          dataExports.id,
          rows.map((r) => r.id),
        ),
      )
    expired += rows.length
  }
}
