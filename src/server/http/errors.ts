import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
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
  UNSUPPORTED_MEDIA_TYPE: 'Wrong Content-Type for this route (JSON routes take application/json)',
  PLAN_REQUIRED:
    "The organization's plan does not include this; `details` names the feature and the plan that does (`requiredPlan`)",
  RATE_LIMITED: 'Too many requests; see Retry-After',
  PROVIDER_FAILED: 'Twilio or the model provider failed; retry later',
  INTERNAL: 'Unexpected error',
}

const codeOfStatus = new Map(
  Object.entries(statusOf).map(([code, status]) => [status as number, code as ErrorCode]),
)

const frameworkMessages: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign in first',
  413: 'Request body is larger than allowed',
  415: 'Unsupported Content-Type: send the body as application/json (file uploads as multipart/form-data)',
}

/**
 * OpenAPI `responses` entries for these error codes, from the same table the runtime uses. Every
 * API route can also answer 429 (the rate limit) and 413 (the body limit): both run before any route.
 */
export function errorResponses(...codes: ErrorCode[]) {
  const out: Record<
    number,
    { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }
  > = {}
  for (const code of [...codes, 'RATE_LIMITED' as const, 'PAYLOAD_TOO_LARGE' as const]) {
    out[statusOf[code]] = {
      description: descriptions[code],
      content: { 'application/json': { schema: ErrorSchema } },
    }
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
    // Framework errors (malformed JSON 400, wrong Content-Type 415, body limit 413…) keep their
    // status and get the code of that status, never INTERNAL for a client's mistake.
    const code = codeOfStatus.get(err.status) ?? (err.status < 500 ? 'BAD_REQUEST' : 'INTERNAL')
    const message =
      (err.status === 415 ? frameworkMessages[415] : err.message) ||
      frameworkMessages[err.status] ||
      descriptions[code]
    if (err.status >= 500) log.error({ err, requestId: c.get('requestId') }, 'framework error')
    return c.json(errorBody(code, message), err.status)
  }
  log.error({ err, requestId: c.get('requestId') }, 'unhandled error')
  return c.json(errorBody('INTERNAL', 'Something went wrong on our side'), 500)
}
