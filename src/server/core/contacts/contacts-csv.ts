import { Readable } from 'node:stream'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { CsvError, parse } from 'csv-parse'
import { AppError, BadRequest } from '../errors.js'
import { normalizePhone } from './normalize-phone.js'
import { ATTRIBUTE_KEY, CONTACT_LIMITS, normalizeTagName } from './schemas.js'

// The contacts CSV: one parser (csv-parse, streaming) for the preview, the upload's checks and
// the import job, so all three read the same rows at the same lines.

export const IMPORT_LIMITS = {
  /** The uploaded file. */
  fileBytes: 20 * 1024 * 1024,
  /** Data rows (the header not counted). */
  rows: 200_000,
  /** Attribute columns (every column but phone, name, tags, opt_in). */
  attributeColumns: CONTACT_LIMITS.attributesPerContact,
  /** Characters of one row. */
  rowChars: 64 * 1024,
  /** Row errors kept on an import (the count covers them all). */
  keptErrors: 100,
} as const

const COLUMN_ALIASES: Record<string, 'phone' | 'name' | 'tags' | 'opt_in'> = {
  phone: 'phone',
  phone_number: 'phone',
  whatsapp: 'phone',
  mobile: 'phone',
  name: 'name',
  tags: 'tags',
  opt_in: 'opt_in',
  optin: 'opt_in',
  opted_in: 'opt_in',
}

const YES = new Set(['yes', 'y', 'true', '1'])
const NO = new Set(['no', 'n', 'false', '0'])

/** One data row as understood (or the reason it cannot be imported). */
export interface CsvContactRow {
  /** 1-based line of the file where the row starts (the header is line 1). */
  line: number
  phone: string | null
  name: string | null
  tags: string[]
  attributes: Record<string, string>
  /** true/false when the opt_in cell says so; null when empty or absent (consent unchanged). */
  optedIn: boolean | null
  error?: string
}

export interface CsvHeader {
  columns: string[]
  /** Column index → what it holds (null: an unnamed column, ignored). */
  roles: ({ kind: 'phone' | 'name' | 'tags' | 'opt_in' } | { kind: 'attribute'; key: string } | null)[]
}

const tooLarge = () =>
  new AppError(
    'PAYLOAD_TOO_LARGE',
    `The file is larger than ${IMPORT_LIMITS.fileBytes / 1024 / 1024} MB: split it into smaller files`,
    [{ path: 'file', limit: 'fileBytes', max: IMPORT_LIMITS.fileBytes }],
  )

/**
 * The file's text: UTF-8 (a BOM is fine), else Windows-1252 (what Excel writes on many systems).
 * A file with NUL bytes is not a CSV (an .xlsx, an image): refused.
 */
export function decodeCsv(bytes: Uint8Array): string {
  if (bytes.byteLength > IMPORT_LIMITS.fileBytes) throw tooLarge()
  if (bytes.includes(0))
    throw new BadRequest(
      'This is not a CSV file (it has binary content). Save the sheet as CSV and upload that',
      [{ path: 'file', message: 'binary content' }],
    )
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return new TextDecoder('windows-1252').decode(bytes)
  }
}

const fileError = (message: string, details: Record<string, unknown> = {}) =>
  new BadRequest(message, [{ path: 'file', message, ...details }])

/** A header's column names made keys: trimmed, lowercased, spaces and dashes as underscores. */
const columnKey = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')

export function readHeader(record: string[]): CsvHeader {
  const seen = new Set<string>()
  const problems: string[] = []
  let attributeCount = 0
  const roles = record.map((raw, i): CsvHeader['roles'][number] => {
    const key = columnKey(raw)
    if (!key) return null
    if (seen.has(key)) problems.push(`the column "${raw.trim()}" appears twice`)
    seen.add(key)
    const known = COLUMN_ALIASES[key]
    if (known) return { kind: known }
    if (!ATTRIBUTE_KEY.test(key)) {
      problems.push(
        `column ${i + 1} "${raw.trim().slice(0, 60)}": other columns become attributes, named with letters, digits and underscores (at most 40)`,
      )
      return null
    }
    attributeCount++
    return { kind: 'attribute', key }
  })
  if (!roles.some((r) => r?.kind === 'phone'))
    problems.unshift(
      'the header row needs a "phone" column (numbers with their country code, like +14155550123)',
    )
  if (attributeCount > IMPORT_LIMITS.attributeColumns)
    problems.push(
      `at most ${IMPORT_LIMITS.attributeColumns} attribute columns (this file has ${attributeCount})`,
    )
  const phones = roles.filter((r) => r?.kind === 'phone').length
  if (phones > 1) problems.push('only one phone column (phone, phone_number, whatsapp or mobile)')
  if (problems.length > 0)
    throw new BadRequest(
      `The CSV header cannot be used: ${problems[0]}`,
      problems.map((message) => ({ path: 'file', line: 1, message })),
    )
  return { columns: record.map((c) => c.trim()), roles }
}

/** One data record → a contact row, or the reason it cannot be imported. */
export function readRow(header: CsvHeader, record: string[], line: number): CsvContactRow {
  const row: CsvContactRow = { line, phone: null, name: null, tags: [], attributes: {}, optedIn: null }
  const fail = (error: string) => ({ ...row, error })
  if (record.length > header.roles.length)
    return fail(
      `has ${record.length} columns, the header has ${header.roles.length} (a comma inside a value needs "quotes")`,
    )
  let phoneCell = ''
  for (let i = 0; i < header.roles.length; i++) {
    const role = header.roles[i]
    const cell = (record[i] ?? '').trim()
    if (!role || cell === '') continue
    switch (role.kind) {
      case 'phone':
        phoneCell = cell
        break
      case 'name':
        if (cell.length > CONTACT_LIMITS.nameChars)
          return fail(`the name is longer than ${CONTACT_LIMITS.nameChars} characters`)
        // One line: a name written over several lines of a cell is still one name.
        row.name = cell.replace(/\s+/g, ' ')
        break
      case 'tags': {
        const tags = [...new Set(cell.split(/[;|,]/).map(normalizeTagName).filter(Boolean))]
        const long = tags.find((t) => t.length > CONTACT_LIMITS.tagChars)
        if (long)
          return fail(`the tag "${long.slice(0, 50)}…" is longer than ${CONTACT_LIMITS.tagChars} characters`)
        if (tags.length > CONTACT_LIMITS.tagsPerContact)
          return fail(`more than ${CONTACT_LIMITS.tagsPerContact} tags`)
        row.tags = tags
        break
      }
      case 'opt_in': {
        const v = cell.toLowerCase()
        if (YES.has(v)) row.optedIn = true
        else if (NO.has(v)) row.optedIn = false
        else return fail(`opt_in "${cell.slice(0, 20)}" is not yes or no (yes/no, true/false, 1/0)`)
        break
      }
      case 'attribute':
        if (cell.length > CONTACT_LIMITS.attributeValueChars)
          return fail(`${role.key} is longer than ${CONTACT_LIMITS.attributeValueChars} characters`)
        row.attributes[role.key] = cell.replace(/\r\n?/g, '\n')
        break
    }
  }
  const phone = normalizePhone(phoneCell)
  if ('error' in phone) return fail(phoneCell === '' ? 'no phone number' : phone.error)
  row.phone = phone.phone
  return row
}

/** Line breaks in a text: CRLF, LF or a lone CR each count one. */
const breaksIn = (s: string) => s.match(/\r\n|\r|\n/g)?.length ?? 0

function* slices(bytes: Buffer, size = 64 * 1024) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

/** Comma-separated, unless the header line has semicolons and no comma (Excel in many countries). */
function delimiterOf(text: string) {
  const firstLine = text.slice(0, text.search(/\r?\n|\r|$/))
  return !firstLine.includes(',') && firstLine.includes(';') ? ';' : ','
}

/**
 * The file's header and its data rows, in order, parsed as a stream in 64 KB slices so a large
 * file never holds the event loop for long. Lines are counted here (CRLF, LF or CR each one
 * break, also inside a quoted cell). Blank rows (empty lines, a row of commas) are skipped. A malformed file (an unclosed quote, a huge row) → a 400
 * naming the line.
 */
export async function* contactRows(
  text: string,
): AsyncGenerator<{ kind: 'header'; header: CsvHeader } | { kind: 'row'; row: CsvContactRow }> {
  const bytes = Buffer.from(text.replace(/^\uFEFF/, ''), 'utf8')
  const parser = Readable.from(slices(bytes)).pipe(
    parse({
      delimiter: delimiterOf(text),
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      // Empty lines come through as blank records, so every line is counted here.
      skip_empty_lines: false,
      max_record_size: IMPORT_LIMITS.rowChars,
    }),
  )
  let header: CsvHeader | undefined
  let line = 1
  let n = 0
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const start = line
      line++
      for (const cell of record) if (cell.length > 0 && /[\r\n]/.test(cell)) line += breaksIn(cell)
      if (record.every((cell) => cell.trim() === '')) continue
      if (!header) {
        header = readHeader(record)
        yield { kind: 'header', header }
        continue
      }
      yield { kind: 'row', row: readRow(header, record, start) }
      if (++n % 2_000 === 0) await yieldToLoop()
    }
  } catch (err) {
    if (err instanceof CsvError) {
      // The line where the bad record starts: after the bytes of the records read well (the
      // parser's own line count is off inside quoted CRLFs).
      const readWell = (err as CsvError & { bytes_records?: number }).bytes_records
      const at =
        typeof readWell === 'number' ? breaksIn(bytes.subarray(0, readWell).toString('utf8')) + 1 : line
      throw fileError(
        `The CSV cannot be read at line ${at}: ${err.message.replace(/ (on|at) line \d+.*$/s, '')}`,
        {
          line: at,
        },
      )
    }
    throw err
  } finally {
    parser.destroy()
  }
  if (!header) throw fileError('The file is empty: it needs a header row with a "phone" column')
}

export interface CsvScan {
  columns: string[]
  /** The first rows as understood (the preview). */
  sample: CsvContactRow[]
  totalRows: number
  errorCount: number
  errors: { line: number; message: string }[]
}

/**
 * Reads the whole file once: the header checked, every row understood, the rows counted (over
 * 200,000 → 400). What the preview shows and what the upload checks before accepting the file.
 */
export async function scanContactsCsv(text: string, sampleSize = 20): Promise<CsvScan> {
  const scan: CsvScan = { columns: [], sample: [], totalRows: 0, errorCount: 0, errors: [] }
  for await (const item of contactRows(text)) {
    if (item.kind === 'header') {
      scan.columns = item.header.columns
      continue
    }
    const row = item.row
    scan.totalRows++
    if (scan.totalRows > IMPORT_LIMITS.rows)
      throw new BadRequest(
        `The file has more than ${IMPORT_LIMITS.rows.toLocaleString('en')} rows: split it into smaller files`,
        [{ path: 'file', limit: 'rows', max: IMPORT_LIMITS.rows }],
      )
    if (scan.sample.length < sampleSize) scan.sample.push(row)
    if (row.error) {
      scan.errorCount++
      if (scan.errors.length < IMPORT_LIMITS.keptErrors)
        scan.errors.push({ line: row.line, message: row.error })
    }
  }
  if (scan.totalRows === 0)
    throw new BadRequest('The file has a header but no rows', [{ path: 'file', message: 'no data rows' }])
  return scan
}
