// Hostile files for upload tests, generated on the fly: zip archives whose headers say whatever a
// test needs, DOCX files whose document.xml inflates to hundreds of MB, and PDFs whose one flate
// stream does the same. They compress to a few hundred KB.
import { crc32, deflateRawSync, deflateSync } from 'node:zlib'

const MB = 1024 * 1024

/** A zip archive written by hand, so its headers can say whatever a test needs (declared sizes included). */
export function zip(entries: { name: string; data: Buffer; declaredSize?: number }[]) {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name)
    const compressed = deflateRawSync(entry.data, { level: 9 })
    const size = entry.declaredSize ?? entry.data.byteLength
    const crc = crc32(entry.data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(compressed.byteLength, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.byteLength, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(8, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(compressed.byteLength, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.byteLength, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, compressed)
    centrals.push(central, name)
    offset += 30 + name.byteLength + compressed.byteLength
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.byteLength, 12)
  end.writeUInt32LE(offset, 16)
  return new Uint8Array(Buffer.concat([...locals, directory, end]))
}

const CONTENT_TYPES = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
)
const RELS = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
)
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
const paragraph = (text: string) => `<w:p><w:r><w:t>${text}</w:t></w:r></w:p>`

/** A DOCX whose document.xml holds `sizeMb` MB of paragraphs (compressing to a few hundred KB). */
export function docx(sizeMb: number, opts: { declaredSize?: number } = {}) {
  const p = paragraph('All work and no play makes Jack a dull boy. '.repeat(20))
  // Whole paragraphs only, so the XML stays well formed.
  const body = Buffer.alloc(Math.floor((sizeMb * MB) / p.length) * p.length, p)
  const document = Buffer.concat([
    Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>`),
    body,
    Buffer.from('</w:body></w:document>'),
  ])
  return zip([
    { name: '[Content_Types].xml', data: CONTENT_TYPES },
    { name: '_rels/.rels', data: RELS },
    { name: 'word/document.xml', data: document, declaredSize: opts.declaredSize },
  ])
}

/** A one-page PDF whose content stream inflates to `sizeMb` MB of text-showing operators. */
export function pdfBomb(sizeMb: number) {
  const op = `1 0 0 1 50 700 Tm (${'Buy one get one free. '.repeat(3)}) Tj\n`
  const ops = Buffer.alloc(Math.floor((sizeMb * MB) / op.length) * op.length, op)
  const content = deflateSync(Buffer.concat([Buffer.from('BT /F1 12 Tf\n'), ops, Buffer.from('ET\n')]), {
    level: 9,
  })
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')]
  let length = parts.reduce((n, b) => n + b.byteLength, 0)
  const offsets: number[] = []
  const add = (b: Buffer) => {
    parts.push(b)
    length += b.byteLength
  }
  for (const [i, o] of objects.entries()) {
    offsets.push(length)
    add(Buffer.from(`${i + 1} 0 obj\n${o}\nendobj\n`))
  }
  offsets.push(length)
  add(Buffer.from(`5 0 obj\n<< /Length ${content.byteLength} /Filter /FlateDecode >>\nstream\n`))
  add(content)
  add(Buffer.from('\nendstream\nendobj\n'))
  const xref = length
  const table = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')
  add(
    Buffer.from(
      `xref\n0 6\n0000000000 65535 f \n${table}trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
    ),
  )
  return new Uint8Array(Buffer.concat(parts))
}
