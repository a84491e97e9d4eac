import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'

// The only module that reads process.env. Everything else receives a Config.

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional()

const optionalUrl = optionalString.pipe(z.string().url().optional())

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATA_DIR: z.string().default('./data'),
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
        .optional(),
    ),
    APP_URL: optionalUrl,
    NEXT_PUBLIC_APP_URL: optionalUrl,
    AUTH_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    TWILIO_ACCOUNT_SID: optionalString.pipe(
      z
        .string()
        .regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')
        .optional(),
    ),
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_PHONE_NUMBER: optionalString.pipe(
      z
        .string()
        .regex(/^(whatsapp:)?\+[1-9]\d{6,14}$/, 'must be an E.164 number, optionally prefixed with whatsapp:')
        .optional(),
    ),
    TWILIO_API_BASE_URL: optionalUrl,
    DEEPSEEK_API_KEY: optionalString,
    DEEPSEEK_BASE_URL: optionalUrl,
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: optionalUrl,
    ANTHROPIC_API_KEY: optionalString,
    ANTHROPIC_BASE_URL: optionalUrl,
    AI_MODEL: optionalString,
    AI_COMPATIBLE_BASE_URL: optionalUrl,
    AI_COMPATIBLE_API_KEY: optionalString,
    AI_COMPATIBLE_MODELS: optionalString,
    CRON_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    OPERATOR_EMAILS: optionalString,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.TWILIO_ACCOUNT_SID) !== Boolean(env.TWILIO_AUTH_TOKEN)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.TWILIO_ACCOUNT_SID ? 'TWILIO_AUTH_TOKEN' : 'TWILIO_ACCOUNT_SID'],
        message: 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set together',
      })
    }
    if (env.DATABASE_URL && !env.AUTH_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_SECRET'],
        message: 'is required when DATABASE_URL is set (it is only generated in embedded mode)',
      })
    }
  })

export type Role = 'web' | 'worker' | 'all'

export interface Config {
  env: 'development' | 'production' | 'test'
  port: number
  dataDir: string
  databaseUrl?: string
  appUrl: string
  authSecret: string
  twilio?: { accountSid: string; authToken: string }
  twilioApiBaseUrl?: string
  sharedNumber?: string
  /** The token the sandbox provider and the simulator sign webhooks with. */
  sandboxToken: string
  ai: {
    deepseek?: { apiKey: string; baseURL?: string }
    openai?: { apiKey: string; baseURL?: string }
    anthropic?: { apiKey: string; baseURL?: string }
    /** Any OpenAI-compatible chat-completions server (Ollama, vLLM, OpenRouter, …). */
    compatible?: { baseURL: string; apiKey?: string; models: string[] }
    defaultModel?: string
  }
  cronSecret?: string
  operatorEmails: string[]
  logLevel: string
  rateLimitPerMinute: number
}

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`)
  }
}

/** Reads or creates a secret file in DATA_DIR (embedded mode only). */
function embeddedSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name)
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32).toString('hex')
  writeFileSync(file, secret, { mode: 0o600 })
  return secret
}

export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`))
  }
  const e = parsed.data
  const dataDir = resolve(e.DATA_DIR)
  const port = e.PORT
  const appUrl = (e.APP_URL ?? e.NEXT_PUBLIC_APP_URL ?? `http://localhost:${port}`).replace(/\/+$/, '')
  const authSecret = e.AUTH_SECRET ?? embeddedSecret(dataDir, 'auth-secret')
  const twilio =
    e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN
      ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN }
      : undefined
  // The sandbox token is derived from the auth secret so that every process of one deployment
  // agrees on it without another setting.
  const sandboxToken = `sandbox-${authSecret.slice(0, 24)}`
  const sharedNumber = e.TWILIO_PHONE_NUMBER?.replace(/^whatsapp:/, '')
  return {
    env: e.NODE_ENV,
    port,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    appUrl,
    authSecret,
    twilio,
    twilioApiBaseUrl: e.TWILIO_API_BASE_URL?.replace(/\/+$/, ''),
    sharedNumber,
    sandboxToken,
    ai: {
      deepseek: e.DEEPSEEK_API_KEY ? { apiKey: e.DEEPSEEK_API_KEY, baseURL: e.DEEPSEEK_BASE_URL } : undefined,
      openai: e.OPENAI_API_KEY ? { apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL } : undefined,
      anthropic: e.ANTHROPIC_API_KEY ? { apiKey: e.ANTHROPIC_API_KEY, baseURL: e.ANTHROPIC_BASE_URL } : undefined,
      compatible: e.AI_COMPATIBLE_BASE_URL
        ? {
            baseURL: e.AI_COMPATIBLE_BASE_URL.replace(/\/+$/, ''),
            apiKey: e.AI_COMPATIBLE_API_KEY,
            models: (e.AI_COMPATIBLE_MODELS ?? 'default')
              .split(',')
              .map((m) => m.trim())
              .filter(Boolean),
          }
        : undefined,
      defaultModel: e.AI_MODEL,
    },
    cronSecret: e.CRON_SECRET,
    operatorEmails: (e.OPERATOR_EMAILS ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
    logLevel: e.LOG_LEVEL,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
  }
}

export function parseRole(argv: string[]): Role {
  const arg = argv.find((a) => a.startsWith('--role='))
  const role = arg ? arg.slice('--role='.length) : 'all'
  if (role !== 'web' && role !== 'worker' && role !== 'all') {
    throw new ConfigError([`--role: must be web, worker or all (got "${role}")`])
  }
  return role
}
