import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Hono } from 'hono'
import type { AppEnv } from '../env.js'
import { errorBody } from '../errors.js'

// Swagger UI from the installed swagger-ui-dist package (pinned in package.json), not a CDN, and
// started by a script file rather than inline script, so /api/docs works under the CSP.
const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))

const ASSETS = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['favicon-32x32.png', 'image/png'],
  ['favicon-16x16.png', 'image/png'],
])

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>WhatsApp AI Assistants API</title>
    <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/api/docs/init.js"></script>
  </body>
</html>
`

// validatorUrl: null — the default badge loads an image from swagger.io. docExpansion 'none': with
// 150 operations, tags start collapsed (all expanded, Swagger UI drew only the first tag). persistAuthorization keeps
// an API key pasted under "Authorize" (the apiKey bearer scheme) across reloads of the page.
const INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null, persistAuthorization: true, docExpansion: 'none' })
`

export function apiDocsRoutes() {
  const app = new Hono<AppEnv>()
  const cache = new Map<string, Buffer>()

  app.get('/api/docs', (c) => c.html(PAGE))
  app.get('/api/docs/init.js', (c) => c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' }))
  app.get('/api/docs/assets/:file', (c) => {
    const file = c.req.param('file')
    const type = ASSETS.get(file)
    if (!type) return c.json(errorBody('NOT_FOUND', `No API docs asset ${file}`), 404)
    let content = cache.get(file)
    if (!content) {
      content = readFileSync(join(SWAGGER_DIR, file))
      cache.set(file, content)
    }
    return c.body(new Uint8Array(content), 200, {
      'content-type': type,
      'cache-control': 'public, max-age=86400',
    })
  })
  return app
}
