// Splits a source's text into passages small enough to rank and to quote in a prompt, keeping
// each heading with the text under it and never cutting a table row or a CSV row in two.

export interface TextChunk {
  /** The headings above this passage, outermost first ("Menu › Desserts"). */
  heading: string
  content: string
}

export interface ChunkOptions {
  /** Heading above everything (the source's title). */
  title?: string
  /** Target size of a passage in characters. */
  maxChars?: number
  /** Every line is a self-contained fact (CSV rows): lines are packed, never split. */
  atomicLines?: boolean
}

/** `header`: the header row of the table this row belongs to, repeated when a passage starts mid-table. */
type Unit = { text: string; atomic: boolean; breakBefore: boolean; header?: string }

const MARKDOWN_HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/
const TABLE_ROW = /^\s*\|.*\|\s*$/
const TABLE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/
const LIST_ITEM = /^\s*([-*+•]|\d+[.)])\s+/

/** A lone short line without end punctuation, followed by more text: a heading in plain text or PDF. */
const looksLikeHeading = (line: string) =>
  line.length <= 80 &&
  /\p{L}/u.test(line) &&
  !/[.!?;,]$/.test(line) &&
  !TABLE_ROW.test(line) &&
  !LIST_ITEM.test(line)

export function chunkText(text: string, opts: ChunkOptions = {}): TextChunk[] {
  const maxChars = opts.maxChars ?? 800
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const chunks: TextChunk[] = []
  const headings: string[] = [] // by level: headings[0] = level 1 …
  let units: Unit[] = []

  const headingPath = () =>
    [opts.title?.trim(), ...headings]
      .filter((h): h is string => Boolean(h))
      // A document whose first heading repeats its title ("Weddings" › "Weddings") says it once.
      .filter((h, i, all) => i === 0 || h.toLowerCase() !== all[i - 1]?.toLowerCase())
      .join(' › ')
  let currentHeading = headingPath()

  const flush = () => {
    if (units.length > 0) {
      for (const content of packUnits(units, maxChars)) chunks.push({ heading: currentHeading, content })
    }
    units = []
  }
  // Depth of the Markdown headings in force; a plain-text heading sits just below them.
  let markdownDepth = 0
  const setHeading = (level: number, title: string, markdown: boolean) => {
    flush()
    headings.length = level - 1
    headings[level - 1] = title
    if (markdown) markdownDepth = level
    currentHeading = headingPath()
  }

  let tableHeader: string | undefined
  let paragraph: string[] = []
  let breakNext = false
  const endParagraph = () => {
    if (paragraph.length > 0) {
      units.push({ text: paragraph.join(' '), atomic: false, breakBefore: breakNext })
      breakNext = false
    }
    paragraph = []
  }

  // Whether any text follows a line is asked of many lines: answer it from one index, so
  // chunking stays linear in the number of lines.
  let lastTextLine = lines.length - 1
  while (lastTextLine >= 0 && !lines[lastTextLine]?.trim()) lastTextLine--

  for (const [i, raw] of lines.entries()) {
    const line = raw.trim()
    if (!line) {
      endParagraph()
      breakNext = true
      continue
    }
    if (opts.atomicLines) {
      units.push({ text: line, atomic: true, breakBefore: false })
      continue
    }
    const [, hashes, heading] = MARKDOWN_HEADING.exec(line) ?? []
    if (hashes && heading) {
      endParagraph()
      setHeading(hashes.length, heading, true)
      continue
    }
    if (TABLE_RULE.test(line) && line.includes('-')) continue
    if (TABLE_ROW.test(line)) {
      endParagraph()
      const previous = lines[i - 1]?.trim() ?? ''
      if (!TABLE_ROW.test(previous) && !TABLE_RULE.test(previous)) tableHeader = line
      units.push({ text: line, atomic: true, breakBefore: breakNext, header: tableHeader })
      breakNext = false
      continue
    }
    if (LIST_ITEM.test(line) || line.includes('\t')) {
      endParagraph()
      units.push({ text: line, atomic: true, breakBefore: breakNext })
      breakNext = false
      continue
    }
    // Plain-text heading: alone in its paragraph, with text after it.
    const prevBlank = i === 0 || !lines[i - 1]?.trim()
    const nextLine = lines[i + 1]?.trim() ?? ''
    const textFollows = i < lastTextLine
    if (paragraph.length === 0 && prevBlank && !nextLine && textFollows && looksLikeHeading(line)) {
      // A plain heading replaces the previous plain heading rather than nesting under it.
      setHeading(Math.min(markdownDepth, headings.length) + 1, line.replace(/:$/, ''), false)
      continue
    }
    paragraph.push(line)
  }
  endParagraph()
  flush()
  return chunks
}

/** Packs units into passages of about maxChars, starting a new passage at paragraph breaks when full. */
function packUnits(units: Unit[], maxChars: number): string[] {
  const out: string[] = []
  let current: string[] = []
  let size = 0
  const push = () => {
    if (current.length) out.push(current.join('\n'))
    current = []
    size = 0
  }
  for (const [index, unit] of units.entries()) {
    // A table's header row travels with the rows under it (added below), not on its own.
    if (unit.header === unit.text && units[index + 1]?.header === unit.header) continue
    // Rows stay whole; only a pathological row (thousands of characters) is cut, so it can be indexed.
    const limit = unit.atomic ? Math.max(maxChars * 4, 4000) : maxChars
    const pieces = unit.text.length <= limit ? [unit.text] : splitSentences(unit.text, limit)
    // At a paragraph break, a passage already well filled ends rather than mixing topics.
    if (unit.breakBefore && size > maxChars * 0.6) push()
    for (const piece of pieces) {
      if (size > 0 && size + piece.length + 1 > maxChars) push()
      if (unit.header && unit.header !== piece && !current.includes(unit.header)) {
        if (size > 0 && size + unit.header.length + piece.length + 2 > maxChars) push()
        current.push(unit.header)
        size += unit.header.length + 1
      }
      current.push(piece)
      size += piece.length + 1
    }
  }
  push()
  return out
}

/** A long paragraph split between sentences (or, for one huge sentence, between words). */
function splitSentences(text: string, maxChars: number): string[] {
  const sentences = text.match(/[^.!?]+[.!?]+["')\]]*\s*|[^.!?]+$/g) ?? [text]
  const out: string[] = []
  let current = ''
  for (const raw of sentences) {
    const sentence = raw.trim()
    if (!sentence) continue
    if (sentence.length > maxChars) {
      if (current) out.push(current)
      current = ''
      const words = sentence.split(/\s+/)
      let piece = ''
      for (const w of words) {
        if (piece && piece.length + w.length + 1 > maxChars) {
          out.push(piece)
          piece = ''
        }
        piece = piece ? `${piece} ${w}` : w
      }
      if (piece) current = piece
      continue
    }
    if (current && current.length + sentence.length + 1 > maxChars) {
      out.push(current)
      current = ''
    }
    current = current ? `${current} ${sentence}` : sentence
  }
  if (current) out.push(current)
  return out
}
