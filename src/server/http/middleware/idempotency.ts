import { createHash } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import {
  claimIdempotencyKey,
  type IdempotentRequest,
  releaseIdempotencyKey,
  storeIdempotentAnswer,
} from '../../core/api-keys/idempotency.js'
import { BadRequest, Conflict } from '../../core/errors.js'
import type { AppEnv } from '../env.js'

const CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** Answers larger than this are not kept (a retry of such a request runs again). */
export const IDEMPOTENT_ANSWER_LIMIT = 1024 * 1024
const KEY_SHAPE = /^[\x20-\x7e]{1,255}$/

/** Not the API's own callers: sign-in (better-auth), Twilio's webhooks, the cron trigger. */
const outsideApi = (path: string) =>
  !path.startsWith('/api/') ||
  path.startsWith('/api/auth/') ||
  path.startsWith('/api/whatsapp/') ||
  path.startsWith('/api/cron/')

/** Kept answers are text: JSON (every route's), plain text, or nothing (204). */
const isTextType = (type: string | null) =>
  type === null || /^(application\/([\w.+-]*\+)?json|text\/)/i.test(type)

/** Two requests are "the same" when method, path with query, and body bytes are. */
export function idempotencyRequestHash(method: string, pathWithQuery: string, body: Uint8Array): string {
  return createHash('sha256').update(`${method}\n${pathWithQuery}\n`).update(body).digest('hex')
}

/**
 * `Idempotency-Key` on a POST/PUT/PATCH/DELETE (API key or session): the first request does the
 * work and its answer (status, body, type) is kept for a day; a retry with the same key and the
 * same request gets that answer again with `Idempotent-Replayed: true`. The same key for another
 * request → 409 IDEMPOTENCY_KEY_REUSED; while the first is still running → 409
 * IDEMPOTENCY_KEY_IN_USE. Errors (4xx, 5xx) are not kept, so a retry runs again. Keys belong to their caller
 * (the API key, or the user): two callers' keys never meet. Anonymous requests ignore the header.
 */
export const idempotencyMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header('idempotency-key')
  if (key === undefined || !CHANGING_METHODS.has(c.req.method) || outsideApi(c.req.path)) return next()
  if (!KEY_SHAPE.test(key)) {
    throw new BadRequest('Invalid Idempotency-Key', [
      { path: 'header.Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' },
    ])
  }
  const actor = c.get('actor')
  if (!actor) return next()
  const db = c.get('services').db
  const url = new URL(c.req.url)
  const path = url.pathname + url.search
  // A clone, so the route still reads the body (a multipart form was already read and cached).
  const body = new Uint8Array(
    c.req.raw.bodyUsed ? await c.req.arrayBuffer() : await c.req.raw.clone().arrayBuffer(),
  )
  const request: IdempotentRequest = {
    scope: actor.apiKey ? `key:${actor.apiKey.id}` : `user:${actor.userId}`,
    key,
    method: c.req.method,
    path: url.pathname,
    requestHash: idempotencyRequestHash(c.req.method, path, body),
  }
  const claim = await claimIdempotencyKey(db, request)
  if (claim.kind === 'reused') {
    throw new Conflict('This Idempotency-Key was already used for a different request', {
      reason: 'IDEMPOTENCY_KEY_REUSED',
    })
  }
  if (claim.kind === 'in_use') {
    throw new Conflict('A request with this Idempotency-Key is still running; retry in a moment', {
      reason: 'IDEMPOTENCY_KEY_IN_USE',
    })
  }
  if (claim.kind === 'replay') {
    const { statusCode, body: stored, contentType } = claim.answer
    const headers: Record<string, string> = { 'Idempotency-Key': key, 'Idempotent-Replayed': 'true' }
    if (contentType) headers['Content-Type'] = contentType
    const empty = statusCode === 204 || statusCode === 304
    return c.newResponse(empty ? null : stored, statusCode as 200, headers)
  }

  try {
    await next()
  } catch (err) {
    await releaseIdempotencyKey(db, request)
    throw err
  }
  const res = c.res
  const contentType = res.headers.get('content-type')
  // Only what was done is kept. A refusal (4xx) changed nothing, so its retry may simply run again:
  // a client that corrects its request keeps its key. A 5xx is not kept either (retry to redo).
  const answer = res.status < 400 && isTextType(contentType) ? await cappedText(res) : undefined
  if (answer === undefined) await releaseIdempotencyKey(db, request)
  else await storeIdempotentAnswer(db, request, { statusCode: res.status, body: answer, contentType })
  try {
    c.res.headers.set('Idempotency-Key', key)
  } catch {
    // Immutable headers (a proxied response): the answer itself is unchanged.
  }
}

/** The response's text, or undefined when it is larger than IDEMPOTENT_ANSWER_LIMIT. */
async function cappedText(res: Response): Promise<string | undefined> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN)
  if (declared > IDEMPOTENT_ANSWER_LIMIT) return undefined
  const copy = res.clone()
  if (!copy.body) return ''
  const reader = copy.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > IDEMPOTENT_ANSWER_LIMIT) {
      await reader.cancel()
      return undefined
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}
