import type { ExportFormat } from '../../../shared/enums.js'
import { csvField } from '../broadcasts/recipients-csv.js'
import type { ExportRow, ExportValue } from './rows.js'

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
}

/** A value as one CSV cell: lists joined with `; `, key → value maps as JSON. */
function cellText(value: ExportValue): string | null {
  if (value === null) return null
  if (Array.isArray(value)) return value.join('; ')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/**
 * Rows as text chunks, one per batch. CSV follows RFC 4180 (a header row, CRLF line ends, fields
 * quoted when they hold a comma, quote or line break) and guards spreadsheets against formulas: a
 * cell starting with = + - @ is prefixed with ' (E.164 numbers excepted). JSON is one array of
 * objects streamed element by element (a valid document once complete; no NDJSON), so a consumer
 * can parse it whole or with any streaming JSON parser.
 */
export async function* encodeRows(
  format: ExportFormat,
  columns: readonly string[],
  batches: AsyncIterable<ExportRow[]>,
): AsyncGenerator<string> {
  if (format === 'csv') {
    yield `${columns.map((c) => csvField(c)).join(',')}\r\n`
    for await (const rows of batches) {
      let chunk = ''
      for (const row of rows)
        chunk += `${columns.map((c) => csvField(cellText(row[c] ?? null))).join(',')}\r\n`
      yield chunk
    }
    return
  }
  yield '['
  let first = true
  for await (const rows of batches) {
    let chunk = ''
    for (const row of rows) {
      chunk += `${first ? '\n' : ',\n'}${JSON.stringify(row)}`
      first = false
    }
    yield chunk
  }
  yield first ? ']\n' : '\n]\n'
}

/** `<organization>-<kind>-<yyyy-mm-dd>.<ext>`, safe in a Content-Disposition header. */
export function exportFileName(organizationName: string, kind: string, format: ExportFormat, at: Date) {
  const org =
    organizationName
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\w-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'organization'
  return `${org}-${kind}-${at.toISOString().slice(0, 10)}.${format}`
}
