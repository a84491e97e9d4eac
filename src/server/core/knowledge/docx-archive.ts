// A DOCX file is a zip archive. Before mammoth sees one, its central directory is read here (entry
// count and declared sizes), and the parts that carry text are inflated with a cap on what they
// may actually produce, so a small file that "unzips" to gigabytes is refused early instead of
// being expanded in memory. mammoth then reads a rebuilt, uncompressed archive of those parts.

import { crc32, inflateRawSync } from 'node:zlib'
import { EXTRACTION_LIMITS } from './schemas.js'

export interface ZipEntry {
  name: string
  method: number
  compressedSize: number
  declaredSize: number
  localHeaderOffset: number
}

/** Thrown for an archive over a limit; `limit` names it (a key of EXTRACTION_LIMITS) or is 'format'. */
export class ArchiveRefused extends Error {
  constructor(
    message: string,
    readonly limit: keyof typeof EXTRACTION_LIMITS | 'format',
  ) {
    super(message)
  }
}

const EOCD = 0x06054b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

const mb = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`

/** The entries of a zip archive from its central directory, with the entry-count and declared-size limits checked. */
export function readZipDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // The end-of-central-directory record is in the last 22 bytes plus at most a 64 KB comment.
  let eocd = -1
  for (let i = bytes.byteLength - 22; i >= Math.max(0, bytes.byteLength - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw new ArchiveRefused('it is not a complete zip archive', 'format')
  const count = view.getUint16(eocd + 10, true)
  const directorySize = view.getUint32(eocd + 12, true)
  const directoryOffset = view.getUint32(eocd + 16, true)
  if (count === 0xffff || directoryOffset === 0xffffffff) {
    throw new ArchiveRefused('it uses ZIP64, which a document of at most 10 MB never needs', 'format')
  }
  if (count > EXTRACTION_LIMITS.zipEntries) {
    throw new ArchiveRefused(
      `it holds ${count.toLocaleString('en-US')} files; a DOCX may hold at most ${EXTRACTION_LIMITS.zipEntries.toLocaleString('en-US')}`,
      'zipEntries',
    )
  }
  if (directoryOffset + directorySize > eocd)
    throw new ArchiveRefused('its zip directory is damaged', 'format')
  const entries: ZipEntry[] = []
  let total = 0
  let at = directoryOffset
  for (let n = 0; n < count; n++) {
    if (at + 46 > eocd || view.getUint32(at, true) !== CENTRAL)
      throw new ArchiveRefused('its zip directory is damaged', 'format')
    const nameLength = view.getUint16(at + 28, true)
    const extraLength = view.getUint16(at + 30, true)
    const commentLength = view.getUint16(at + 32, true)
    const entry: ZipEntry = {
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      declaredSize: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
      name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)),
    }
    if (entry.declaredSize > EXTRACTION_LIMITS.zipEntryBytes) {
      throw new ArchiveRefused(
        `its part ${entry.name} expands to ${mb(entry.declaredSize)}; each part may expand to at most ${mb(EXTRACTION_LIMITS.zipEntryBytes)}`,
        'zipEntryBytes',
      )
    }
    total += entry.declaredSize
    if (total > EXTRACTION_LIMITS.zipTotalBytes) {
      throw new ArchiveRefused(
        `its contents expand to more than ${mb(EXTRACTION_LIMITS.zipTotalBytes)}, the most a DOCX may expand to`,
        'zipTotalBytes',
      )
    }
    entries.push(entry)
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

/** The parts mammoth reads for text: the XML and relationship parts. Images and other media are left out. */
const carriesText = (name: string) => /\.(xml|rels)$/i.test(name) && !name.endsWith('/')

/**
 * Inflates one entry, stopping as soon as its output passes what its header declared (or the
 * per-part limit): the declared size cannot be trusted, the actual output is what counts.
 */
function inflateEntry(bytes: Uint8Array, entry: ZipEntry, budget: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const at = entry.localHeaderOffset
  if (at + 30 > bytes.byteLength || view.getUint32(at, true) !== LOCAL) {
    throw new ArchiveRefused(`its part ${entry.name} is damaged`, 'format')
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true)
  const data = bytes.subarray(start, start + entry.compressedSize)
  if (data.byteLength !== entry.compressedSize)
    throw new ArchiveRefused(`its part ${entry.name} is truncated`, 'format')
  const cap = Math.min(entry.declaredSize, EXTRACTION_LIMITS.zipEntryBytes, budget)
  if (entry.method === 0) {
    if (data.byteLength > cap) throw overflow(entry, budget)
    return data
  }
  if (entry.method !== 8)
    throw new ArchiveRefused(`its part ${entry.name} uses an unsupported compression method`, 'format')
  try {
    // maxOutputLength makes zlib stop, not finish and then complain: at most cap + 1 bytes are ever produced.
    const out = inflateRawSync(data, { maxOutputLength: cap + 1 })
    if (out.byteLength > cap) throw overflow(entry, budget)
    return out
  } catch (err) {
    if (err instanceof ArchiveRefused) throw err
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw overflow(entry, budget)
    throw new ArchiveRefused(`its part ${entry.name} is damaged`, 'format')
  }
}

function overflow(entry: ZipEntry, budget: number) {
  if (budget < Math.min(entry.declaredSize, EXTRACTION_LIMITS.zipEntryBytes)) {
    return new ArchiveRefused(
      `its contents expand to more than ${mb(EXTRACTION_LIMITS.zipTotalBytes)}, the most a DOCX may expand to`,
      'zipTotalBytes',
    )
  }
  return new ArchiveRefused(
    `its part ${entry.name} expands beyond the ${entry.declaredSize.toLocaleString('en-US')} bytes its archive declares (a zip bomb?)`,
    'zipEntryBytes',
  )
}

/**
 * The text-carrying parts of a DOCX, each inflated under the limits, as a new uncompressed zip
 * archive: what mammoth then reads can never grow beyond what was checked here.
 */
export function boundedDocxArchive(bytes: Uint8Array): Uint8Array {
  const entries = readZipDirectory(bytes).filter((e) => carriesText(e.name))
  let budget = EXTRACTION_LIMITS.zipTotalBytes
  const parts: { name: Uint8Array; data: Uint8Array; crc: number }[] = []
  for (const entry of entries) {
    const data = inflateEntry(bytes, entry, budget)
    budget -= data.byteLength
    parts.push({ name: new TextEncoder().encode(entry.name), data, crc: crc32(data) })
  }
  return storedZip(parts)
}

/** A zip archive whose entries are stored (method 0). */
function storedZip(parts: { name: Uint8Array; data: Uint8Array; crc: number }[]) {
  const localSize = parts.reduce((n, p) => n + 30 + p.name.byteLength + p.data.byteLength, 0)
  const centralSize = parts.reduce((n, p) => n + 46 + p.name.byteLength, 0)
  const out = new Uint8Array(localSize + centralSize + 22)
  const view = new DataView(out.buffer)
  const placed: ((typeof parts)[number] & { offset: number })[] = []
  let at = 0
  for (const p of parts) {
    placed.push({ ...p, offset: at })
    view.setUint32(at, LOCAL, true)
    view.setUint16(at + 4, 20, true)
    view.setUint32(at + 14, p.crc, true)
    view.setUint32(at + 18, p.data.byteLength, true)
    view.setUint32(at + 22, p.data.byteLength, true)
    view.setUint16(at + 26, p.name.byteLength, true)
    out.set(p.name, at + 30)
    out.set(p.data, at + 30 + p.name.byteLength)
    at += 30 + p.name.byteLength + p.data.byteLength
  }
  const centralStart = at
  for (const p of placed) {
    view.setUint32(at, CENTRAL, true)
    view.setUint16(at + 4, 20, true)
    view.setUint16(at + 6, 20, true)
    view.setUint32(at + 16, p.crc, true)
    view.setUint32(at + 20, p.data.byteLength, true)
    view.setUint32(at + 24, p.data.byteLength, true)
    view.setUint16(at + 28, p.name.byteLength, true)
    view.setUint32(at + 42, p.offset, true)
    out.set(p.name, at + 46)
    at += 46 + p.name.byteLength
  }
  view.setUint32(at, EOCD, true)
  view.setUint16(at + 8, parts.length, true)
  view.setUint16(at + 10, parts.length, true)
  view.setUint32(at + 12, at - centralStart, true)
  view.setUint32(at + 16, centralStart, true)
  return out
}
