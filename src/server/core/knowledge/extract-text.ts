import { isUtf8 } from 'node:buffer'
import mammoth from 'mammoth'
import Papa from 'papaparse'
import { getDocumentProxy } from 'unpdf'
import { BadRequest } from '../errors.js'
import { ArchiveRefused, boundedDocxArchive, readZipDirectory } from './docx-archive.js'
import { EXTRACTION_LIMITS, type ExtractionLimit } from './schemas.js'

export type FileType = 'pdf' | 'docx' | 'txt' | 'markdown' | 'csv'

export const FILE_MIME_TYPES: Record<FileType, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  txt: 'text/plain',
  markdown: 'text/markdown',
  csv: 'text/csv',
}

const BY_EXTENSION: Record<string, FileType> = {
  pdf: 'pdf',
  docx: 'docx',
  txt: 'txt',
  text: 'txt',
  md: 'markdown',
  markdown: 'markdown',
  csv: 'csv',
}

const BY_MIME: Record<string, FileType> = Object.fromEntries(
  Object.entries(FILE_MIME_TYPES).map(([type, mime]) => [mime, type as FileType]),
)

const SUPPORTED = 'PDF, DOCX, TXT, Markdown (.md) or CSV'

/** The file's type from its extension, else its declared content type; 400 when unsupported. */
export function fileTypeOf(fileName: string, mimeType: string | undefined): FileType {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase()
  if (ext) {
    const type = BY_EXTENSION[ext]
    if (!type) throw unreadable(`.${ext} files are not supported: upload ${SUPPORTED}`)
    return type
  }
  const [essence = ''] = (mimeType ?? '').split(';')
  const type = mimeType ? BY_MIME[essence.trim().toLowerCase()] : undefined
  if (!type) throw unreadable(`this file type is not supported: upload ${SUPPORTED}`)
  return type
}

function unreadable(reason: string) {
  return new BadRequest(`Cannot use this file: ${reason}`, [{ path: 'file', message: reason }])
}

const count = (n: number) => n.toLocaleString('en-US')

/** A 400 for a file over one of EXTRACTION_LIMITS, naming the limit (and the bound applied) in its details. */
export function overLimit(limit: ExtractionLimit, reason: string, max: number = EXTRACTION_LIMITS[limit]) {
  return new BadRequest(`Cannot use this file: ${reason}`, [{ path: 'file', message: reason, limit, max }])
}

const tooMuchText = () =>
  overLimit(
    'characters',
    `its text is longer than ${count(EXTRACTION_LIMITS.characters)} characters, the most one file may hold`,
  )

function fromArchive(err: unknown) {
  if (!(err instanceof ArchiveRefused)) return undefined
  return err.limit === 'format'
    ? unreadable(`the DOCX file is damaged (${err.message})`)
    : overLimit(err.limit, err.message)
}

export interface UploadInput {
  fileName: string
  mimeType?: string
  bytes: Uint8Array
}

/**
 * What can be known about an upload at once, cheaply, on the request's thread: its type, size,
 * signature, encoding, a DOCX's zip directory (entry count and declared sizes) and a CSV's row
 * count. Throws the 400 saying why; reading the text itself happens later, off the event loop.
 */
export function checkUpload(input: UploadInput) {
  const type = fileTypeOf(input.fileName, input.mimeType)
  const bytes = input.bytes
  if (bytes.byteLength === 0) throw unreadable('the file is empty')
  if (bytes.byteLength > EXTRACTION_LIMITS.fileBytes) {
    throw overLimit('fileBytes', 'the file is larger than 10 MB')
  }
  switch (type) {
    case 'pdf': {
      const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024))
      if (!head.includes('%PDF-')) throw unreadable('this is not a PDF file (it has no PDF header)')
      break
    }
    case 'docx':
      if (bytes[0] !== 0x50 || bytes[1] !== 0x4b)
        throw unreadable('this is not a DOCX file (it is not a zip archive)')
      try {
        readZipDirectory(bytes)
      } catch (err) {
        throw fromArchive(err) ?? err
      }
      break
    default: {
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      if (!isUtf8(buffer)) throw unreadable('the file is not UTF-8 text')
      if (buffer.includes(0)) throw unreadable('the file is binary, not text')
      if (
        !/\S/.test(buffer.toString('utf8', 0, Math.min(buffer.byteLength, 64 * 1024))) &&
        !/\S/.test(buffer.toString('utf8'))
      ) {
        throw unreadable('the file contains no text')
      }
      if (type === 'csv') {
        // A row is at least one line, so counting the lines that start something (not empty
        // lines) bounds the rows without parsing: the header plus csvRows rows.
        let lines = 0
        for (
          let at = buffer.indexOf(10);
          at !== -1 && at + 1 < buffer.byteLength;
          at = buffer.indexOf(10, at + 1)
        ) {
          if (buffer[at + 1] === 10 || buffer[at + 1] === 13) continue
          if (++lines > EXTRACTION_LIMITS.csvRows) {
            throw overLimit(
              'csvRows',
              `it has more than ${count(EXTRACTION_LIMITS.csvRows)} rows, the most one CSV file may hold`,
            )
          }
        }
        if (lines === 0) throw unreadable('the CSV file has a header but no rows')
      }
    }
  }
  return { type, mimeType: FILE_MIME_TYPES[type] }
}

/**
 * The text of an uploaded file, ready to be chunked: Markdown-like headings and table rows for
 * DOCX, pages for PDF, one "Header: value; …" fact per CSV row. Bounded by EXTRACTION_LIMITS,
 * stopping as soon as one is passed. Throws BadRequest saying why a file cannot be used (empty,
 * too large, damaged, no text, over a limit). CPU-heavy: callers run it through text-thread.ts.
 */
export async function extractText(input: UploadInput) {
  const { type, mimeType } = checkUpload(input)
  let text: string
  switch (type) {
    case 'pdf':
      text = await pdfText(input.bytes)
      break
    case 'docx':
      text = await docxText(input.bytes)
      break
    case 'csv':
      text = csvFacts(utf8Text(input.bytes))
      break
    default:
      text = utf8Text(input.bytes)
  }
  text = normalize(text)
  if (!text) {
    throw unreadable(
      type === 'pdf'
        ? 'no text found in this PDF (a scanned image?): upload a PDF with selectable text'
        : 'the file contains no text',
    )
  }
  if (text.length > EXTRACTION_LIMITS.characters) throw tooMuchText()
  return { type, mimeType, text }
}

function normalize(text: string) {
  return text
    .replace(/\r\n?/g, '\n')
    .replaceAll(String.fromCharCode(0), '')
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

interface TextItem {
  str?: string
  hasEOL?: boolean
}

async function pdfText(bytes: Uint8Array) {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>
  try {
    // pdf.js takes ownership of the buffer it is given: hand it a copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 })
  } catch (err) {
    throw unreadable(`the PDF is damaged or protected (${err instanceof Error ? err.message : 'unreadable'})`)
  }
  try {
    if (pdf.numPages > EXTRACTION_LIMITS.pdfPages) {
      throw overLimit(
        'pdfPages',
        `it has ${count(pdf.numPages)} pages; a PDF may have at most ${count(EXTRACTION_LIMITS.pdfPages)}`,
      )
    }
    const pages: string[] = []
    let total = 0
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n)
      // Read the page's text as a stream and stop as soon as the file's text is over the limit:
      // one page whose content stream inflates to hundreds of megabytes is never read to its end.
      const reader = page.streamTextContent().getReader()
      const parts: string[] = []
      let onPage = 0
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        for (const item of (value as { items: TextItem[] }).items) {
          if (item.str == null) continue
          const piece = item.str + (item.hasEOL ? '\n' : '')
          parts.push(piece)
          onPage += piece.length
        }
        if (onPage > EXTRACTION_LIMITS.pdfPageCharacters || total + onPage > EXTRACTION_LIMITS.characters) {
          // Not awaited: pdf.js settles a cancelled read only when its producer next looks.
          reader.cancel(new Error('over the limit')).catch(() => {})
          if (total + onPage > EXTRACTION_LIMITS.characters) throw tooMuchText()
          throw overLimit(
            'pdfPageCharacters',
            `its page ${n} holds more than ${count(EXTRACTION_LIMITS.pdfPageCharacters)} characters of text, more than a page can show`,
          )
        }
      }
      total += onPage
      pages.push(parts.join('').trim())
      page.cleanup()
    }
    return pages.join('\n\n')
  } catch (err) {
    if (err instanceof BadRequest) throw err
    throw unreadable(`the PDF is damaged or protected (${err instanceof Error ? err.message : 'unreadable'})`)
  } finally {
    await pdf.destroy().catch(() => {})
  }
}

async function docxText(bytes: Uint8Array) {
  let archive: Uint8Array
  try {
    archive = boundedDocxArchive(bytes)
  } catch (err) {
    throw fromArchive(err) ?? err
  }
  let html: string
  try {
    html = (
      await mammoth.convertToHtml(
        { buffer: Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength) },
        // Images are not text and were left out of the archive: never read them.
        { convertImage: mammoth.images.imgElement(async () => ({ src: '' })) },
      )
    ).value
  } catch (err) {
    throw unreadable(`the DOCX file is damaged (${err instanceof Error ? err.message : 'unreadable'})`)
  }
  return htmlToText(html)
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }
const decode = (s: string) =>
  s.replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1))
      return Number.isFinite(code) ? String.fromCodePoint(code) : m
    }
    return ENTITIES[e.toLowerCase()] ?? m
  })
const stripTags = (s: string) =>
  decode(s.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim()

/** mammoth's HTML → Markdown-like text: `#` headings, `- ` list items, `| a | b |` table rows. */
export function htmlToText(html: string) {
  return decode(
    html
      .replace(/<tr[^>]*>([\s\S]*?)<\/tr>/gi, (_, row: string) => {
        const cells = [...row.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/gi)].map((m) =>
          stripTags(m[1] ?? '').replace(/\|/g, '/'),
        )
        return `\n| ${cells.join(' | ')} |\n`
      })
      .replace(/<\/?(table|thead|tbody)[^>]*>/gi, '\n\n')
      .replace(
        /<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/gi,
        (_, n: string, t: string) => `\n\n${'#'.repeat(Number(n))} ${stripTags(t)}\n\n`,
      )
      .replace(/<li[^>]*>([\s\S]*?)<\/li>/gi, (_, t: string) => `\n- ${stripTags(t)}\n`)
      .replace(/<\/(p|ul|ol)>/gi, '\n\n')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<[^>]+>/g, ''),
  )
}

function utf8Text(bytes: Uint8Array) {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw unreadable('the file is not UTF-8 text')
  }
  if (text.includes(String.fromCharCode(0))) throw unreadable('the file is binary, not text')
  return text.replace(/^\uFEFF/, '')
}

/** Each CSV row becomes one line, "Header: value; Header: value", so a row is a self-contained fact. */
export function csvFacts(csv: string) {
  const parsed = Papa.parse<Record<string, string>>(csv.trim(), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (h) => h.trim(),
    // One row more than allowed is enough to know the file is over the limit.
    preview: EXTRACTION_LIMITS.csvRows + 1,
  })
  const headers = (parsed.meta.fields ?? []).filter(Boolean)
  if (headers.length === 0) throw unreadable('the CSV file has no header row')
  const fatal = parsed.errors.find((e) => e.type === 'Quotes')
  if (fatal) throw unreadable(`the CSV file is malformed (row ${(fatal.row ?? 0) + 2}: ${fatal.message})`)
  if (parsed.data.length > EXTRACTION_LIMITS.csvRows) {
    throw overLimit(
      'csvRows',
      `it has more than ${count(EXTRACTION_LIMITS.csvRows)} rows, the most one CSV file may hold`,
    )
  }
  // Headers repeat on every row, so the facts can be far longer than the file: count as they are made.
  const lines: string[] = []
  let total = 0
  for (const row of parsed.data) {
    const line = headers
      .map((h) => [h, (row[h] ?? '').toString().replace(/\s+/g, ' ').trim()] as const)
      .filter(([, v]) => v !== '')
      .map(([h, v]) => `${h}: ${v}`)
      .join('; ')
    if (!line) continue
    total += line.length + 1
    if (total > EXTRACTION_LIMITS.characters) throw tooMuchText()
    lines.push(line)
  }
  if (lines.length === 0) throw unreadable('the CSV file has a header but no rows')
  return lines.join('\n')
}
