import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Context, Hono } from 'hono'
import type { AppEnv } from '../env.js'
import { HELP_CSS, helpPage, renderMarkdown } from '../markdown-page.js'

/** The repository's docs/ folder: the help pages are the same Markdown files the repository shows. */
export const DOCS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'docs')

// Page names are checked against these patterns before any file is touched: no dots, no slashes,
// so a name can never leave docs/.
const PAGE = /^[a-z0-9-]{1,64}$/
const SHOT = /^[a-z0-9-]{1,64}\.png$/

async function readDoc(...path: string[]) {
  try {
    return await readFile(join(DOCS_DIR, ...path), 'utf8')
  } catch {
    return undefined
  }
}

/**
 * The owners' and developers' guides as web pages, for the dashboard's Help links:
 * `/help/<page>` is docs/guide/<page>.md (else docs/<page>.md), `/help/developers/<page>` is
 * docs/developers/<page>.md, `/help` the index (docs/README.md).
 */
export function helpRoutes() {
  const app = new Hono<AppEnv>()
  const notFound = (c: Context<AppEnv>) =>
    c.html(
      helpPage(
        'Page not found',
        '<h1>Help page not found</h1><p>See the <a href="/help">list of help pages</a>.</p>',
      ),
      404,
    )
  const page = (c: Context<AppEnv>, folder: string, text?: string) => {
    if (text === undefined) return notFound(c)
    const { html, title } = renderMarkdown(text, { folder })
    c.header('Cache-Control', 'no-cache')
    return c.html(helpPage(title || 'Help', html))
  }

  app.get('/help/help.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8')
    return c.body(HELP_CSS)
  })
  app.get('/help', async (c) => page(c, '', await readDoc('README.md')))
  app.get('/help/screenshots/:file', async (c) => {
    const file = c.req.param('file')
    if (!SHOT.test(file)) return notFound(c)
    try {
      const bytes = await readFile(join(DOCS_DIR, 'screenshots', file))
      c.header('Content-Type', 'image/png')
      c.header('Cache-Control', 'public, max-age=3600')
      return c.body(new Uint8Array(bytes))
    } catch {
      return notFound(c)
    }
  })
  app.get('/help/developers/:page', async (c) => {
    const name = c.req.param('page')
    if (!PAGE.test(name)) return notFound(c)
    return page(c, 'developers', await readDoc('developers', `${name}.md`))
  })
  app.get('/help/:page', async (c) => {
    const name = c.req.param('page')
    if (!PAGE.test(name)) return notFound(c)
    const guide = await readDoc('guide', `${name}.md`)
    if (guide !== undefined) return page(c, 'guide', guide)
    return page(c, '', await readDoc(`${name}.md`))
  })
  app.all('/help/*', (c) => notFound(c))
  return app
}
