import mammoth from 'mammoth'
import Papa from 'papaparse'
import { extractText as extractPdfText, getDocumentProxy } from 'unpdf'
import { BadRequest } from '../errors.js'
import { MAX_FILE_BYTES } from './schemas.js'

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
  const type = mimeType ? BY_MIME[mimeType.split(';')[0].trim().toLowerCase()] : undefined
  if (!type) throw unreadable(`this file type is not supported: upload ${SUPPORTED}`)
  return type
}

function unreadable(reason: string) {
  return new BadRequest(`Cannot use this file: ${reason}`, [{ path: 'file', message: reason }])
}

/**
 * The text of an uploaded file, ready to be chunked: Markdown-like headings and table rows for
 * DOCX, pages for PDF, one "Header: value; …" fact per CSV row. Throws BadRequest saying why a
 * file cannot be used (empty, too large, damaged, no text).
 */
export async function extractText(input: { fileName: string; mimeType?: string; bytes: Uint8Array }) {
  const type = fileTypeOf(input.fileName, input.mimeType)
  if (input.bytes.byteLength === 0) throw unreadable('the file is empty')
  if (input.bytes.byteLength > MAX_FILE_BYTES) throw unreadable('the file is larger than 10 MB')
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
  return { type, mimeType: FILE_MIME_TYPES[type], text }
}

function normalize(text: string) {
  return text
    .replace(/\r\n?/g, '\n')
    .replaceAll(String.fromCharCode(0), '')
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

async function pdfText(bytes: Uint8Array) {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024))
  if (!head.includes('%PDF-')) throw unreadable('this is not a PDF file (it has no PDF header)')
  try {
    // pdf.js takes ownership of the buffer it is given: hand it a copy.
    const pdf = await getDocumentProxy(new Uint8Array(bytes))
    const { text } = await extractPdfText(pdf, { mergePages: false })
    await pdf.destroy()
    return text.map((page) => page.trim()).join('\n\n')
  } catch (err) {
    throw unreadable(`the PDF is damaged or protected (${err instanceof Error ? err.message : 'unreadable'})`)
  }
}

async function docxText(bytes: Uint8Array) {
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw unreadable('this is not a DOCX file (it is not a zip archive)')
  let html: string
  try {
    html = (await mammoth.convertToHtml({ buffer: Buffer.from(bytes) })).value
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
const stripTags = (s: string) => decode(s.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim()

/** mammoth's HTML → Markdown-like text: `#` headings, `- ` list items, `| a | b |` table rows. */
export function htmlToText(html: string) {
  return decode(
    html
      .replace(/<tr[^>]*>([\s\S]*?)<\/tr>/gi, (_, row: string) => {
        const cells = [...row.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/gi)].map((m) => stripTags(m[1]).replace(/\|/g, '/'))
        return `\n| ${cells.join(' | ')} |\n`
      })
      .replace(/<\/?(table|thead|tbody)[^>]*>/gi, '\n\n')
      .replace(/<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/gi, (_, n: string, t: string) => `\n\n${'#'.repeat(Number(n))} ${stripTags(t)}\n\n`)
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
  })
  const headers = (parsed.meta.fields ?? []).filter(Boolean)
  if (headers.length === 0) throw unreadable('the CSV file has no header row')
  const fatal = parsed.errors.find((e) => e.type === 'Quotes')
  if (fatal) throw unreadable(`the CSV file is malformed (row ${(fatal.row ?? 0) + 2}: ${fatal.message})`)
  const lines = parsed.data
    .map((row) =>
      headers
        .map((h) => [h, (row[h] ?? '').toString().replace(/\s+/g, ' ').trim()] as const)
        .filter(([, v]) => v !== '')
        .map(([h, v]) => `${h}: ${v}`)
        .join('; '),
    )
    .filter(Boolean)
  if (lines.length === 0) throw unreadable('the CSV file has a header but no rows')
  return lines.join('\n')
}
