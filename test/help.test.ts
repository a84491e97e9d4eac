import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { helpHref, renderMarkdown } from '../src/server/http/markdown-page.js'
import { DOCS_DIR } from '../src/server/http/routes/help.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

const get = async (path: string) => {
  const res = await rt.request(path)
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
}

describe('help pages', () => {
  it('serves each dashboard tab’s guide as a page, with its screenshots', async () => {
    for (const page of [
      'overview',
      'contacts',
      'templates',
      'broadcasts',
      'settings',
      'training',
      'analytics',
      'simulator',
      'organizations',
    ]) {
      const res = await get(`/help/${page}`)
      expect(res.status, page).toBe(200)
      expect(res.type).toMatch(/text\/html/)
      expect(res.text).toMatch(/<h1 id="[a-z0-9-]+">/)
    }
    const training = await get('/help/training')
    expect(training.text).toContain('<title>Train the AI · Help</title>')
    expect(training.text).toContain('src="/help/screenshots/ai-training.png"')
    expect(training.text).toContain('href="/help/knowledge"')
    const shot = await rt.request('/help/screenshots/ai-training.png')
    expect(shot.status).toBe(200)
    expect(shot.headers.get('content-type')).toBe('image/png')
    expect((await get('/help/help.css')).type).toMatch(/text\/css/)
    expect((await get('/help')).text).toContain('href="/help/developers/troubleshooting"')
    expect((await get('/help/developers/api')).status).toBe(200)
  })

  it('every link between help pages leads to a page that exists', async () => {
    const pages = ['/help', '/help/developers/api']
    for (const folder of ['guide', 'developers', '']) {
      for (const file of readdirSync(join(DOCS_DIR, folder)).filter((f) => f.endsWith('.md'))) {
        if (file === 'README.md') continue
        const name = file.slice(0, -3)
        pages.push(folder === 'developers' ? `/help/developers/${name}` : `/help/${name}`)
      }
    }
    const targets = new Set<string>()
    for (const page of pages) {
      const res = await get(page)
      expect(res.status, page).toBe(200)
      for (const m of res.text.matchAll(/(?:href|src)="(\/help[^"#]*)/g)) if (m[1]) targets.add(m[1])
    }
    expect(targets.size).toBeGreaterThan(10)
    for (const target of targets) expect((await rt.request(target)).status, target).toBe(200)
  })

  it('answers 404 for unknown pages and never reads outside docs/', async () => {
    for (const path of [
      '/help/nope',
      '/help/..%2Fpackage',
      '/help/..%2F..%2Fpackage.json',
      '/help/Overview',
      '/help/developers/..%2F..%2FREADME',
      '/help/developers/nope',
      '/help/screenshots/..%2F..%2Fpackage.json',
      '/help/screenshots/nope.png',
      '/help/guide/overview.md',
    ]) {
      const res = await get(path)
      expect(res.status, path).toBe(404)
      expect(res.text, path).toContain('Help page not found')
      expect(res.text).not.toContain('"dependencies"')
    }
    // A dot-dot path is resolved by the URL itself, before routing: it leaves /help entirely.
    for (const path of ['/help/../package.json', '/help/%2e%2e/package.json']) {
      expect((await get(path)).text).not.toContain('"dependencies"')
    }
  })

  it('escapes HTML and keeps only safe links', () => {
    const { html, title } = renderMarkdown(
      [
        '# Hello <b>there</b>',
        '',
        'Text <script>alert(1)</script> and [bad](javascript:alert(1)) and [ok](https://example.com/?a=1&b=2).',
        '',
        '![x](data:image/png;base64,AAAA) `<code>` **bold**',
        '',
        '| a | b |',
        '|---|---|',
        '| <i>1</i> | [next](overview.md#steps) |',
      ].join('\n'),
      { folder: 'guide' },
    )
    expect(title).toBe('Hello <b>there</b>')
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<b>')
    expect(html).not.toContain('<i>')
    expect(html).toContain('&lt;script&gt;')
    expect(html).not.toContain('javascript:')
    expect(html).not.toContain('data:image')
    expect(html).toContain('<a href="https://example.com/?a=1&amp;b=2">ok</a>')
    expect(html).toContain('<code>&lt;code&gt;</code>')
    expect(html).toContain('<strong>bold</strong>')
    expect(html).toContain('<a href="/help/overview#steps">next</a>')
    expect(helpHref('../../package.json', { folder: 'guide' })).toBeNull()
    expect(helpHref('//evil.example/x', { folder: '' })).toBeNull()
  })
})
