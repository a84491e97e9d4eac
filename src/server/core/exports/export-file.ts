import { eq } from 'drizzle-orm'
import { dataExports } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { NotFound } from '../errors.js'
import { isUuid } from '../members/permissions.js'
import { CONTENT_TYPES } from './encode.js'
import { exportPath, tokenMatches } from './view.js'

/**
 * The file behind a download link. The link is the credential (no session needed): a wrong token,
 * an export that is not finished, expired or deleted — all the same 404, so a guessed id learns
 * nothing.
 */
export async function exportFile({ ctx, input }: { ctx: Ctx; input: { exportId: string; token: string } }) {
  if (!isUuid(input.exportId)) throw new NotFound('Export')
  const [row] = await ctx.db.select().from(dataExports).where(eq(dataExports.id, input.exportId)).limit(1)
  if (
    row?.status !== 'completed' ||
    !row.expiresAt ||
    !tokenMatches(ctx.config, row.id, row.expiresAt, input.token)
  )
    throw new NotFound('Export')
  if (row.expiresAt <= new Date()) throw new NotFound('Export (the link has expired)')
  return {
    path: exportPath(ctx.config, row),
    fileName: row.fileName ?? `export.${row.format}`,
    contentType: CONTENT_TYPES[row.format],
    sizeBytes: row.sizeBytes,
  }
}
