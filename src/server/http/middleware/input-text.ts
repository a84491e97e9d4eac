import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env.js'
import { errorBody } from '../errors.js'
import { unsafeJsonIssues, unsafeTextReason } from '../text-input.js'

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Malformed multipart is left to the route's validator, which answers it with a 400. */
async function parsedForm(headers: Headers, body: ArrayBuffer): Promise<FormData | undefined> {
  try {
    return await new Response(body, {
      headers: { 'content-type': headers.get('content-type') ?? '' },
    }).formData()
  } catch {
    return undefined
  }
}

/**
 * API input is text we store or look up: a NUL (PostgreSQL refuses it) or an unpaired surrogate
 * (not Unicode) in the path, the query string, a JSON body (field names included) or a multipart
 * form (field values and file names) is refused with a 400 naming the field, before any route —
 * better-auth's included — sees it. Also refuses JSON nested deeper than any of our bodies.
 * Malformed JSON or multipart is left to the route's validator, which reports it.
 */
export const inputTextGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const issues: { path: string; message: string }[] = []
  const url = new URL(c.req.url)
  for (const segment of url.pathname.split('/')) {
    let decoded: string
    try {
      decoded = decodeURIComponent(segment)
    } catch {
      continue // not UTF-8: the router treats it as a literal and finds nothing
    }
    const reason = unsafeTextReason(decoded)
    if (reason) issues.push({ path: 'path', message: `a path segment ${reason}` })
  }
  for (const [key, value] of url.searchParams) {
    const reason = unsafeTextReason(key) ?? unsafeTextReason(value)
    if (reason) issues.push({ path: `query.${key.replaceAll('\u0000', '')}`, message: reason })
  }
  const type = c.req.header('content-type') ?? ''
  if (BODY_METHODS.has(c.req.method) && /^application\/(.+\+)?json/i.test(type)) {
    // A clone: the route (or better-auth, which reads the raw request) still gets the body.
    let body: unknown
    try {
      body = JSON.parse(await c.req.raw.clone().text())
    } catch {
      body = undefined // malformed, or over the body limit: the route reports either
    }
    issues.push(...unsafeJsonIssues(body))
  } else if (BODY_METHODS.has(c.req.method) && /^multipart\/form-data/i.test(type)) {
    const form = await parsedForm(c.req.raw.headers, await c.req.arrayBuffer())
    if (form) {
      // Handed to the route's validator, which would otherwise parse the same bytes again.
      c.req.bodyCache.formData = form
      for (const [key, value] of form) {
        const reason =
          unsafeTextReason(key) ??
          (typeof value === 'string' ? unsafeTextReason(value) : unsafeTextReason(value.name))
        if (reason)
          issues.push({
            path: key.replaceAll('\u0000', ''),
            message: typeof value === 'string' ? reason : `file name ${reason}`,
          })
      }
    }
  }
  if (issues.length > 0) return c.json(errorBody('BAD_REQUEST', 'Invalid input', issues), 400)
  await next()
}
