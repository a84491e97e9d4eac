// Typed domain errors thrown by core and mapped to HTTP once (http/errors.ts).

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PLAN_REQUIRED'
  | 'RATE_LIMITED'
  | 'PROVIDER_FAILED'
  | 'INTERNAL'

export const statusOf: Record<ErrorCode, 400 | 401 | 402 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 502> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PLAN_REQUIRED: 402,
  RATE_LIMITED: 429,
  PROVIDER_FAILED: 502,
  INTERNAL: 500,
}

export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: unknown,
    /** Seconds a client should wait before retrying (429, 502). */
    public readonly retryAfter?: number,
  ) {
    super(message)
    this.name = code
  }
  get status() {
    return statusOf[this.code]
  }
}

export class BadRequest extends AppError {
  constructor(message: string, details?: unknown) {
    super('BAD_REQUEST', message, details)
  }
}
export class Unauthorized extends AppError {
  constructor(message = 'Sign in first') {
    super('UNAUTHORIZED', message)
  }
}
export class Forbidden extends AppError {
  constructor(message = 'Your role does not allow this') {
    super('FORBIDDEN', message)
  }
}
export class NotFound extends AppError {
  constructor(what = 'Resource') {
    super('NOT_FOUND', `${what} not found`)
  }
}
export class Conflict extends AppError {
  constructor(message: string, details?: unknown) {
    super('CONFLICT', message, details)
  }
}
export class RateLimited extends AppError {
  constructor(retryAfter: number) {
    super('RATE_LIMITED', 'Too many requests, slow down', undefined, retryAfter)
  }
}
export class ProviderFailed extends AppError {
  constructor(message: string, retryAfter = 30, details?: unknown) {
    super('PROVIDER_FAILED', message, details, retryAfter)
  }
}
