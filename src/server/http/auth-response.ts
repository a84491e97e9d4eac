import type { ErrorCode } from '../core/errors.js'
import { statusOf } from '../core/errors.js'
import { errorBody } from './errors.js'

const codeOfStatus: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  // better-auth answers 422 for input it will not take; for the API that is a bad request.
  422: 'BAD_REQUEST',
  429: 'RATE_LIMITED',
}

/**
 * better-auth answers errors as `{ code, message }` with its own statuses. This puts them in the
 * API's shape, `{ error: { code, message, details: { reason } } }`, where `reason` is
 * better-auth's code (INVALID_EMAIL_OR_PASSWORD, WEAK_PASSWORD, ACCOUNT_LOCKED…), keeping the
 * response's other headers (Set-Cookie, Retry-After). Server errors lose their message.
 */
export async function inApiErrorShape(res: Response): Promise<Response> {
  if (res.status < 400) return res
  let body: { code?: unknown; message?: unknown; error?: unknown } | undefined
  if (res.headers.get('content-type')?.includes('json')) {
    body = await res
      .clone()
      .json()
      .catch(() => undefined)
  }
  if (body && typeof body.error === 'object' && body.error !== null) return res
  const code: ErrorCode = res.status >= 500 ? 'INTERNAL' : (codeOfStatus[res.status] ?? 'BAD_REQUEST')
  const message =
    code === 'INTERNAL'
      ? 'Something went wrong on our side'
      : typeof body?.message === 'string' && body.message
        ? body.message
        : res.statusText || 'Request refused'
  const reason = code !== 'INTERNAL' && typeof body?.code === 'string' ? { reason: body.code } : undefined
  const headers = new Headers(res.headers)
  headers.set('content-type', 'application/json; charset=UTF-8')
  headers.delete('content-length')
  return new Response(JSON.stringify(errorBody(code, message, reason)), { status: statusOf[code], headers })
}
