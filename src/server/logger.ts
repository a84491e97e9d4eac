import { pino } from 'pino'

export type Logger = pino.Logger

// Never log secrets: these paths are censored wherever they appear in a log object.
const redact = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authToken',
  '*.authToken',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
]

// Error fields safe to log: identifiers and classifications, never values. Everything else an
// error carries (Drizzle's `params`, PostgreSQL's `detail`/`where`, an AI SDK error's request
// body, a provider's response body) may hold customers' messages or knowledge text.
const SAFE_ERROR_FIELDS = [
  'code',
  'severity',
  'constraint',
  'table',
  'column',
  'routine',
  'status',
  'statusCode',
  'retryable',
] as const

/**
 * The one serializer for errors in logs (`{ err }` and `{ error }`): type, message, code, the SQL
 * text of a failed query and the stack frames — without query parameters or other user data.
 */
export function serializeError(value: unknown, depth = 0): unknown {
  if (!(value instanceof Error)) return value
  const fields = value as unknown as Record<string, unknown>
  const type =
    value.constructor?.name && value.constructor.name !== 'Error' ? value.constructor.name : value.name
  const message = scrubMessage(value.message)
  const out: Record<string, unknown> = { type, message }
  if (typeof fields.query === 'string') out.query = fields.query
  for (const key of SAFE_ERROR_FIELDS) {
    const v = fields[key]
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = v
  }
  if (typeof value.stack === 'string') {
    const frames = value.stack.split('\n').filter((line) => /^\s+at /.test(line))
    out.stack = [`${type}: ${message}`, ...frames].join('\n')
  }
  if (value.cause !== undefined && depth < 3) out.cause = serializeError(value.cause, depth + 1)
  return out
}

/**
 * The same error as `serializeError` logs it, as an Error to hand to something that stores it
 * (pg-boss keeps a failed job's error — message, stack and every property — in its row).
 */
export function withoutUserData(err: unknown): Error {
  const safe = serializeError(err) as { type?: string; message?: string; stack?: string; code?: unknown }
  const out = new Error(typeof safe?.message === 'string' ? safe.message : 'failed')
  out.name = safe?.type ?? 'Error'
  if (safe?.stack) out.stack = safe.stack
  if (safe?.code !== undefined) Object.assign(out, { code: safe.code })
  return out
}

function scrubMessage(message: string): string {
  return (
    message
      // Drizzle: "Failed query: <sql>\nparams: <every bound value>"
      .replace(/\nparams: [\s\S]*$/, '')
      // PostgreSQL quotes the offending value: invalid input syntax for type uuid: "…"
      .replace(/(invalid input (?:syntax|value) for (?:type|enum) [^:]+): [\s\S]*$/, '$1: [redacted]')
  )
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redact, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
    },
    destination,
  )
}
