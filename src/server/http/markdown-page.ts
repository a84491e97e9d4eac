// A small Markdown renderer for the product's own help pages (docs/*.md), so the dashboard can
// link them without a Markdown library. It knows what those pages use: headings, paragraphs,
// lists, tables, fenced code, block quotes, rules, links, images, `code` and **bold**. Everything
// is escaped first; a link goes only to a help page, this site's paths or an http(s)/mailto URL.

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export interface LinkContext {
  /** Where the page sits under docs/ (`guide`, `developers` or `` for docs/ itself). */
  folder: string
}

/** Where a link of a help page points: another help page, a screenshot, this site, or the web. */
export function helpHref(raw: string, ctx: LinkContext): string | null {
  const url = raw.replace(/&amp;/g, '&')
  if (/^(https?:|mailto:)/i.test(url)) return url
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) return null
  if (url.startsWith('#')) return url
  if (url.startsWith('/')) return url
  const [path = '', anchor] = url.split('#')
  // Resolve against the page's folder, inside docs/ only.
  const parts = ctx.folder ? ctx.folder.split('/') : []
  for (const segment of path.split('/')) {
    if (segment === '..') {
      if (parts.length === 0) return null
      parts.pop()
    } else if (segment !== '.' && segment !== '') parts.push(segment)
  }
  const target = parts.join('/')
  const suffix = anchor ? `#${anchor}` : ''
  const page = /^(guide\/)?([a-z0-9-]+)\.md$/.exec(target)
  if (page) return `/help/${page[2]}${suffix}`
  const dev = /^developers\/([a-z0-9-]+)\.md$/.exec(target)
  if (dev) return `/help/developers/${dev[1]}${suffix}`
  const shot = /^screenshots\/([a-z0-9-]+\.png)$/.exec(target)
  if (shot) return `/help/screenshots/${shot[1]}`
  return null
}

function inline(text: string, ctx: LinkContext): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length > 1)
        return `<code>${escapeHtml(part.slice(1, -1))}</code>`
      return escapeHtml(part)
        .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (_whole, alt: string, src: string) => {
          const href = helpHref(src, ctx)
          return href ? `<img alt="${alt}" src="${escapeHtml(href)}">` : alt
        })
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_whole, label: string, target: string) => {
          const href = helpHref(target, ctx)
          return href ? `<a href="${escapeHtml(href)}">${label}</a>` : label
        })
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    })
    .join('')
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'))

/** The HTML of a Markdown document (a fragment, to go inside <main>). */
export function renderMarkdown(markdown: string, ctx: LinkContext): { html: string; title: string } {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n')
  const out: string[] = []
  let title = ''
  let paragraph: string[] = []
  const flush = () => {
    if (paragraph.length > 0) out.push(`<p>${inline(paragraph.join(' '), ctx)}</p>`)
    paragraph = []
  }
  let i = 0
  const at = (n: number) => lines[n] ?? ''
  while (i < lines.length) {
    const line = at(i)
    if (line.startsWith('```')) {
      flush()
      const code: string[] = []
      i++
      while (i < lines.length && !at(i).startsWith('```')) code.push(at(i++))
      i++
      out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`)
      continue
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line)
    if (heading) {
      flush()
      const level = heading[1]?.length ?? 1
      const text = heading[2] ?? ''
      if (!title) title = text.replace(/`/g, '')
      out.push(`<h${level} id="${slug(text)}">${inline(text, ctx)}</h${level}>`)
      i++
      continue
    }
    if (/^\s*\|/.test(line) && /^\s*\|?\s*:?-{3,}/.test(at(i + 1))) {
      flush()
      const head = cells(line)
      i += 2
      const body: string[][] = []
      while (i < lines.length && /^\s*\|/.test(at(i))) body.push(cells(at(i++)))
      out.push(
        `<table><thead><tr>${head.map((c) => `<th>${inline(c, ctx)}</th>`).join('')}</tr></thead><tbody>${body
          .map((row) => `<tr>${row.map((c) => `<td>${inline(c, ctx)}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`,
      )
      continue
    }
    const item = /^(\s*)([-*]|\d+\.)\s+(.*)$/.exec(line)
    if (item) {
      flush()
      const ordered = /\d/.test(item[2] ?? '')
      const items: string[] = []
      while (i < lines.length) {
        const m = /^(\s*)([-*]|\d+\.)\s+(.*)$/.exec(at(i))
        if (m && /\d/.test(m[2] ?? '') === ordered) {
          items.push(m[3] ?? '')
          i++
        } else if (items.length > 0 && /^\s{2,}\S/.test(at(i))) {
          // A continuation line of the item above.
          items[items.length - 1] += ` ${at(i).trim()}`
          i++
        } else break
      }
      const tag = ordered ? 'ol' : 'ul'
      out.push(`<${tag}>${items.map((t) => `<li>${inline(t, ctx)}</li>`).join('')}</${tag}>`)
      continue
    }
    if (line.startsWith('>')) {
      flush()
      const quote: string[] = []
      while (i < lines.length && at(i).startsWith('>')) quote.push(at(i++).replace(/^>\s?/, ''))
      out.push(`<blockquote><p>${inline(quote.join(' '), ctx)}</p></blockquote>`)
      continue
    }
    if (/^\s*(---|\*\*\*)\s*$/.test(line)) {
      flush()
      out.push('<hr>')
      i++
      continue
    }
    if (line.trim() === '') flush()
    else paragraph.push(line.trim())
    i++
  }
  flush()
  return { html: out.join('\n'), title }
}

/** A whole help page: the rendered document with the help stylesheet (a file: the CSP allows no inline style). */
export function helpPage(title: string, body: string) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)} · Help</title>
    <link rel="stylesheet" href="/help/help.css" />
  </head>
  <body>
    <nav><a href="/help">Help</a> · <a href="/Dashboard/organizations">Back to the dashboard</a></nav>
    <main>
${body}
    </main>
  </body>
</html>
`
}

export const HELP_CSS = `body { font: 16px/1.6 system-ui, sans-serif; color: #1f2937; margin: 0; background: #fff; }
nav { padding: 12px 24px; border-bottom: 1px solid #e5e7eb; font-size: 14px; }
main { max-width: 780px; margin: 0 auto; padding: 16px 24px 64px; }
a { color: #04603f; }
h1, h2, h3 { line-height: 1.25; }
code { background: #f3f4f6; padding: 0 4px; border-radius: 4px; font-size: 0.9em; }
pre { background: #f3f4f6; padding: 12px; overflow-x: auto; border-radius: 6px; }
pre code { padding: 0; background: none; }
table { border-collapse: collapse; margin: 12px 0; display: block; overflow-x: auto; }
th, td { border: 1px solid #d1d5db; padding: 6px 10px; text-align: left; vertical-align: top; }
img { max-width: 100%; border: 1px solid #e5e7eb; border-radius: 6px; }
blockquote { margin: 12px 0; padding: 4px 16px; border-left: 4px solid #d1d5db; color: #374151; }
`
