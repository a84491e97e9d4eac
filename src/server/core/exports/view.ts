import { createHmac, timingSafeEqual } from 'node:crypto'
import { join } from 'node:path'
import type { Config } from '../../config.js'
import type { dataExports } from '../../db/schema/index.js'

type ExportRowDb = typeof dataExports.$inferSelect

/** Signs a download link: valid for this export until its expiry (a new expiry, a new token). */
export function downloadToken(config: Pick<Config, 'authSecret'>, exportId: string, expiresAt: Date) {
  return createHmac('sha256', config.authSecret)
    .update(`export-download:${exportId}:${expiresAt.toISOString()}`)
    .digest('base64url')
}

export function tokenMatches(
  config: Pick<Config, 'authSecret'>,
  exportId: string,
  expiresAt: Date,
  token: string,
) {
  const want = Buffer.from(downloadToken(config, exportId, expiresAt))
  const got = Buffer.from(token)
  return got.length === want.length && timingSafeEqual(got, want)
}

/** Where a background export's file lives. */
export const exportPath = (config: Pick<Config, 'exports'>, row: Pick<ExportRowDb, 'id' | 'format'>) =>
  join(config.exports.dir, `${row.id}.${row.format}`)

export function exportView(config: Pick<Config, 'authSecret'>, row: ExportRowDb, now = new Date()) {
  const downloadable = row.status === 'completed' && row.expiresAt !== null && row.expiresAt > now
  return {
    id: row.id,
    kind: row.kind,
    format: row.format,
    filters: row.filters,
    status: row.status,
    processedRows: row.processedRows,
    totalRows: row.totalRows,
    sizeBytes: row.sizeBytes,
    failureReason: row.failureReason,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    downloadUrl:
      downloadable && row.expiresAt
        ? `/api/exports/${row.id}/file?token=${downloadToken(config, row.id, row.expiresAt)}`
        : null,
  }
}

export type ExportView = ReturnType<typeof exportView>
