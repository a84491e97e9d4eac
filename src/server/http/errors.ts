import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { z } from '@hono/zod-openapi'
import { AppError, type ErrorCode, statusOf } from '../core/errors.js'
import type { Logger } from '../logger.js'
import type { AppEnv } from './env.js'

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'NOT_FOUND' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error')

const descriptions: Record<ErrorCode, string> = {
  BAD_REQUEST: 'Invalid input; `details` lists the fields',
  UNAUTHORIZED: 'Not signed in',
  FORBIDDEN: 'Signed in, but your role does not allow this',
  NOT_FOUND: 'Not found, or not yours',
  CONFLICT: 'Conflicts with the current state',
  PAYLOAD_TOO_LARGE: 'Body too large',
  RATE_LIMITED: 'Too many requests; see Retry-After',
  PROVIDER_FAILED: 'Twilio or the model provider failed; retry later',
  INTERNAL: 'Unexpected error',
}

/** OpenAPI `responses` entries for these error codes, from the same table the runtime uses. */
export function errorResponses(...codes: ErrorCode[]) {
  const out: Record<number, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }> = {}
  for (const code of [...codes, 'RATE_LIMITED' as const]) {
    out[statusOf[code]] = { description: descriptions[code], content: { 'application/json': { schema: ErrorSchema } } }
  }
  return out
}

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } }
}

/** zod issues → `{ path, message }` list for `details`. */
export function fieldErrors(error: z.ZodError) {
  return error.issues.map((i) => ({
    path: i.path.join('.'),
    message: i.message,
  }))
}

/** Used as the OpenAPIHono defaultHook: every validation failure gets the one error shape. */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target?: string },
  c: Context,
) {
  if (!result.success) {
    return c.json(errorBody('BAD_REQUEST', 'Invalid input', fieldErrors(result.error)), 400)
  }
}

export function handleError(err: Error, c: Context<AppEnv>, log: Logger) {
  if (err instanceof AppError) {
    if (err.retryAfter) c.header('Retry-After', String(err.retryAfter))
    return c.json(errorBody(err.code, err.message, err.details), err.status)
  }
  if (err instanceof z.ZodError) {
    return c.json(errorBody('BAD_REQUEST', 'Invalid input', fieldErrors(err)), 400)
  }
  if (err instanceof HTTPException) {
    const status = err.status
    if (status === 400) return c.json(errorBody('BAD_REQUEST', err.message || 'Bad request'), 400)
    if (status === 413) return c.json(errorBody('BAD_REQUEST', 'Request body is larger than allowed'), 400)
    if (status === 401) return c.json(errorBody('UNAUTHORIZED', err.message || 'Sign in first'), 401)
    return c.json(errorBody('INTERNAL', err.message), status)
  }
  log.error({ err, requestId: c.get('requestId') }, 'unhandled error')
  return c.json(errorBody('INTERNAL', 'Something went wrong on our side'), 500)
}
