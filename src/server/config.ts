import { hkdfSync, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import { WHATSAPP_ADDRESS } from '../shared/phone.js'

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
        .regex(WHATSAPP_ADDRESS, 'must be an E.164 number, optionally prefixed with whatsapp:')
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
    AI_EMBEDDING_MODEL: optionalString,
    AI_WHOLE_KNOWLEDGE_TOKENS: z.coerce.number().int().min(0).default(6000),
    REPLY_QUIET_PERIOD_MS: z.coerce.number().int().min(0).max(60_000).optional(),
    CRON_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    OPERATOR_EMAILS: optionalString,
    SMTP_URL: optionalString.pipe(
      z
        .string()
        .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
        .optional(),
    ),
    SMTP_HOST: optionalString,
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    SMTP_USER: optionalString,
    SMTP_PASSWORD: optionalString,
    SMTP_FROM: optionalString,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
    WEB_PROCESSES: z.coerce.number().int().min(0).max(64).default(0),
    TRUST_PROXY: optionalString,
    AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(20),
    SIGN_UPS_PER_HOUR: z.coerce.number().int().min(1).default(20),
    MAX_ORGANIZATIONS_PER_USER: z.coerce.number().int().min(1).default(5),
    MAX_NUMBERS_PER_USER: z.coerce.number().int().min(0).default(2),
    PROVISIONING_ATTEMPTS_PER_HOUR: z.coerce.number().int().min(1).default(5),
    BROADCAST_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(80),
    ENCRYPTION_KEYS: optionalString.pipe(
      z
        .string()
        .regex(
          /^[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/=_-]{43,44}(,[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/=_-]{43,44})*$/,
          'must be id:key pairs separated by commas, each key 32 random bytes in base64 (the first pair encrypts)',
        )
        .optional(),
    ),
    WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false', '1', '0']).default('false'),
    WEBHOOK_DISABLE_AFTER_HOURS: z.coerce
      .number()
      .min(1)
      .max(24 * 30)
      .default(72),
    EXPORTS_DIR: optionalString,
    EXPORT_LINK_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(24),
    API_KEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    STRIPE_SECRET_KEY: optionalString.pipe(
      z
        .string()
        .regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret or restricted key (sk_… or rk_…)')
        .optional(),
    ),
    STRIPE_WEBHOOK_SECRET: optionalString.pipe(
      z.string().startsWith('whsec_', 'must be a webhook signing secret (whsec_…)').optional(),
    ),
    STRIPE_API_BASE_URL: optionalUrl,
    STRIPE_PRICE_STARTER: optionalString,
    STRIPE_PRICE_BUSINESS: optionalString,
    STRIPE_PRICE_ENTERPRISE: optionalString,
    STRIPE_PRICE_EXTRA_NUMBER: optionalString,
    STRIPE_PRICE_OVERAGE: optionalString,
    STRIPE_METER_EVENT_NAME: optionalString,
    BILLING_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(7),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.TWILIO_ACCOUNT_SID) !== Boolean(env.TWILIO_AUTH_TOKEN)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.TWILIO_ACCOUNT_SID ? 'TWILIO_AUTH_TOKEN' : 'TWILIO_ACCOUNT_SID'],
        message: 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set together',
      })
    }
    if (env.SMTP_URL && env.SMTP_HOST) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_HOST'], message: 'set SMTP_URL or SMTP_HOST, not both' })
    }
    if (Boolean(env.SMTP_USER) !== Boolean(env.SMTP_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.SMTP_USER ? 'SMTP_PASSWORD' : 'SMTP_USER'],
        message: 'SMTP_USER and SMTP_PASSWORD must be set together',
      })
    }
    if (env.AI_EMBEDDING_MODEL) {
      const wanted = env.AI_EMBEDDING_MODEL.match(/^(openai|compatible):/)?.[1]
      const compatible = Boolean(env.AI_COMPATIBLE_BASE_URL)
      const openai = Boolean(env.OPENAI_API_KEY)
      if (wanted === 'openai' ? !openai : wanted === 'compatible' ? !compatible : !openai && !compatible) {
        ctx.addIssue({
          code: 'custom',
          path: ['AI_EMBEDDING_MODEL'],
          message:
            wanted === 'openai'
              ? 'an openai: embedding model needs OPENAI_API_KEY'
              : wanted === 'compatible'
                ? 'a compatible: embedding model needs AI_COMPATIBLE_BASE_URL'
                : 'needs OPENAI_API_KEY or AI_COMPATIBLE_BASE_URL (the server that makes the embeddings)',
        })
      }
    }
    if (env.STRIPE_SECRET_KEY) {
      for (const name of [
        'STRIPE_WEBHOOK_SECRET',
        'STRIPE_PRICE_STARTER',
        'STRIPE_PRICE_BUSINESS',
        'STRIPE_PRICE_ENTERPRISE',
      ] as const) {
        if (!env[name])
          ctx.addIssue({ code: 'custom', path: [name], message: 'is required when STRIPE_SECRET_KEY is set' })
      }
      if (env.STRIPE_PRICE_OVERAGE && !env.STRIPE_METER_EVENT_NAME) {
        ctx.addIssue({
          code: 'custom',
          path: ['STRIPE_METER_EVENT_NAME'],
          message: 'is required with STRIPE_PRICE_OVERAGE (the event name of the meter that price bills)',
        })
      }
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
    /**
     * The model that turns passages and questions into vectors for hybrid retrieval (unset: full-text
     * search alone). Made through OpenAI's API or the OpenAI-compatible server.
     */
    embedding?: EmbeddingModelConfig
    /**
     * A knowledge base whose trained text fits this many tokens goes to the model whole instead of
     * as retrieved passages (0: always retrieve). Small businesses have a few pages: retrieval can
     * only lose facts for them, and a few thousand tokens cost little in any model's context.
     */
    wholeKnowledgeTokens: number
  }
  /**
   * How long a chat must stay quiet before it is answered (0: at once). A customer who splits a
   * question over several messages ("hi" / "do you deliver" / "to Remera?") gets one answer to all
   * of it; a chat that never pauses is answered after three times this at the latest.
   */
  replyQuietPeriodMs: number
  cronSecret?: string
  operatorEmails: string[]
  /** Outgoing email: an SMTP server, or (unset) the log transport that writes messages to the log and DATA_DIR/mail-outbox. */
  mail: MailConfig
  logLevel: string
  rateLimitPerMinute: number
  /** Web processes `--role=all` starts on PostgreSQL (0: one per core); the worker gets its own process. */
  webProcesses: number
  /** Which peers may tell us the client's address in X-Forwarded-For (http/client-ip.ts). */
  trustProxy: TrustProxy
  /** Sign-in, sign-up and password requests per client address per minute. */
  authRateLimitPerMinute: number
  /** Sign-up attempts per client address per hour (new and existing emails alike). */
  signUpsPerHour: number
  /** Per-account caps until billing decides otherwise; operators are exempt. */
  accountLimits: {
    /** Business organizations one account may own. */
    organizationsPerUser: number
    /** Live numbers across the organizations one account owns. */
    numbersPerUser: number
    /** Purchase attempts per organization in any hour. */
    provisioningAttemptsPerHour: number
  }
  /**
   * Broadcast messages sent per second from one WhatsApp sender (Twilio queues what goes faster
   * than 80/s per sender, and Meta may lower a new sender's throughput).
   */
  broadcastRatePerSecond: number
  /**
   * Keys that encrypt what customers write (message bodies, media URLs, contact names and notes)
   * at rest. The first encrypts; the others still decrypt (rotation). From ENCRYPTION_KEYS; else
   * generated into DATA_DIR/encryption-keys in embedded mode, or derived from AUTH_SECRET on a server.
   */
  encryptionKeys: readonly EncryptionKey[]
  webhooks: {
    /** Let subscriptions reach private, loopback and link-local addresses (self-hosting, tests). */
    allowPrivateAddresses: boolean
    /** An endpoint that has failed without a single success for this long is disabled. */
    disableAfterHours: number
  }
  /** Where background exports are written, and how long their download links live. */
  exports: { dir: string; linkHours: number }
  /** Requests per API key per minute. */
  apiKeyRateLimitPerMinute: number
  /** Billing through Stripe; unset: billing is off and owners switch plans freely. */
  stripe?: StripeConfig
}

export interface StripeConfig {
  secretKey: string
  webhookSecret: string
  /** Where the SDK sends requests (a local fake in tests); unset: Stripe's own API. */
  apiBaseUrl?: string
  /** The monthly price of each plan (a subscription's base item). */
  planPrices: Record<'starter' | 'business' | 'enterprise', string>
  /** The monthly price of each live number beyond the plan's (unset: the plan's count is a cap). */
  extraNumberPrice?: string
  /** The metered price billing messages beyond the limit, and its meter's event name (unset: no overage). */
  overage?: { price: string; meterEventName: string }
  /** Days a failed renewal keeps the paid plan before Starter's limits apply. */
  graceDays: number
}

export interface EncryptionKey {
  id: string
  key: Buffer
}

/**
 * `off`: the socket's peer is the client and X-Forwarded-For is ignored. `hops`: that many proxies
 * stand in front of the app. `addresses`: the peers (IPs or CIDRs) whose X-Forwarded-For is believed.
 */
export type TrustProxy =
  | { kind: 'off' }
  | { kind: 'hops'; hops: number }
  | { kind: 'addresses'; entries: readonly string[] }

export interface EmbeddingModelConfig {
  provider: 'openai' | 'compatible'
  modelId: string
}

export type MailConfig =
  | { transport: 'smtp'; from: string; url: string }
  | { transport: 'smtp'; from: string; host: string; port: number; user?: string; password?: string }
  | { transport: 'log'; from: string }

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
  // A variable set to nothing (`SMTP_PORT=` in a .env copied from .env.example) is unset, for every
  // variable alike: otherwise a number would read as 0 and fail, where a string counts as absent.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v === undefined || v.trim() !== ''),
  )
  const parsed = envSchema.safeParse(present)
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`),
    )
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
      anthropic: e.ANTHROPIC_API_KEY
        ? { apiKey: e.ANTHROPIC_API_KEY, baseURL: e.ANTHROPIC_BASE_URL }
        : undefined,
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
      embedding: embeddingModelConfig(e),
      wholeKnowledgeTokens: e.AI_WHOLE_KNOWLEDGE_TOKENS,
    },
    // Tests answer at once unless they ask for a quiet period.
    replyQuietPeriodMs: e.REPLY_QUIET_PERIOD_MS ?? (e.NODE_ENV === 'test' ? 0 : 3000),
    cronSecret: e.CRON_SECRET,
    operatorEmails: (e.OPERATOR_EMAILS ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
    mail: mailConfig(e, appUrl),
    logLevel: e.LOG_LEVEL,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    webProcesses: e.WEB_PROCESSES,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    signUpsPerHour: e.SIGN_UPS_PER_HOUR,
    accountLimits: {
      organizationsPerUser: e.MAX_ORGANIZATIONS_PER_USER,
      numbersPerUser: e.MAX_NUMBERS_PER_USER,
      provisioningAttemptsPerHour: e.PROVISIONING_ATTEMPTS_PER_HOUR,
    },
    broadcastRatePerSecond: e.BROADCAST_RATE_PER_SECOND,
    encryptionKeys: encryptionKeys(e.ENCRYPTION_KEYS, e.DATABASE_URL ? undefined : dataDir, authSecret),
    webhooks: {
      allowPrivateAddresses: e.WEBHOOK_ALLOW_PRIVATE === 'true' || e.WEBHOOK_ALLOW_PRIVATE === '1',
      disableAfterHours: e.WEBHOOK_DISABLE_AFTER_HOURS,
    },
    exports: { dir: resolve(e.EXPORTS_DIR ?? join(dataDir, 'exports')), linkHours: e.EXPORT_LINK_HOURS },
    apiKeyRateLimitPerMinute: e.API_KEY_RATE_LIMIT_PER_MINUTE,
    stripe:
      e.STRIPE_SECRET_KEY &&
      e.STRIPE_WEBHOOK_SECRET &&
      e.STRIPE_PRICE_STARTER &&
      e.STRIPE_PRICE_BUSINESS &&
      e.STRIPE_PRICE_ENTERPRISE
        ? {
            secretKey: e.STRIPE_SECRET_KEY,
            webhookSecret: e.STRIPE_WEBHOOK_SECRET,
            apiBaseUrl: e.STRIPE_API_BASE_URL,
            planPrices: {
              starter: e.STRIPE_PRICE_STARTER,
              business: e.STRIPE_PRICE_BUSINESS,
              enterprise: e.STRIPE_PRICE_ENTERPRISE,
            },
            extraNumberPrice: e.STRIPE_PRICE_EXTRA_NUMBER,
            overage:
              e.STRIPE_PRICE_OVERAGE && e.STRIPE_METER_EVENT_NAME
                ? { price: e.STRIPE_PRICE_OVERAGE, meterEventName: e.STRIPE_METER_EVENT_NAME }
                : undefined,
            graceDays: e.BILLING_GRACE_DAYS,
          }
        : undefined,
  }
}

/**
 * The encryption key ring: ENCRYPTION_KEYS (`id:base64,id:base64`, the first encrypts); else, in
 * embedded mode, a key generated once into DATA_DIR/encryption-keys (same format, so rotating is
 * adding a line's pair in front); else a key derived from AUTH_SECRET (id `a0`), which every
 * process of a server deployment already shares.
 */
function encryptionKeys(value: string | undefined, embeddedDir: string | undefined, authSecret: string) {
  let ring = value
  if (!ring && embeddedDir) {
    const file = join(embeddedDir, 'encryption-keys')
    if (existsSync(file)) ring = readFileSync(file, 'utf8').trim()
    else {
      mkdirSync(embeddedDir, { recursive: true })
      ring = `k1:${randomBytes(32).toString('base64')}`
      writeFileSync(file, ring, { mode: 0o600 })
    }
  }
  if (!ring) {
    return [{ id: 'a0', key: Buffer.from(hkdfSync('sha256', authSecret, '', 'message-encryption', 32)) }]
  }
  const keys = ring.split(',').map((pair) => {
    const [id = '', b64 = ''] = pair.trim().split(':')
    const key = Buffer.from(b64, 'base64')
    if (key.length !== 32) throw new ConfigError([`ENCRYPTION_KEYS: key ${id} is not 32 bytes`])
    return { id, key }
  })
  if (new Set(keys.map((k) => k.id)).size !== keys.length) {
    throw new ConfigError(['ENCRYPTION_KEYS: two keys share an id'])
  }
  return keys
}

function parseTrustProxy(value: string | undefined): TrustProxy {
  if (!value || ['off', 'false', '0', 'none'].includes(value.toLowerCase())) return { kind: 'off' }
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    if (hops > 10) throw new ConfigError(['TRUST_PROXY: a hop count must be between 0 and 10'])
    return { kind: 'hops', hops }
  }
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const bad = entries.filter((entry) => {
    const [ip = '', prefix, ...rest] = entry.split('/')
    const family = isIP(ip)
    if (!family || rest.length > 0) return true
    if (prefix === undefined) return false
    return !/^\d+$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)
  })
  if (bad.length > 0) {
    throw new ConfigError([
      `TRUST_PROXY: must be off, a hop count, or comma-separated IPs/CIDRs of your proxies (not understood: ${bad.join(', ')})`,
    ])
  }
  return { kind: 'addresses', entries }
}

/**
 * AI_EMBEDDING_MODEL, e.g. `text-embedding-3-small`: made by the OpenAI-compatible server when
 * AI_COMPATIBLE_BASE_URL is set (self-hosted embeddings cost nothing per call), else by OpenAI; an
 * `openai:` or `compatible:` prefix chooses explicitly.
 */
function embeddingModelConfig(e: z.infer<typeof envSchema>): EmbeddingModelConfig | undefined {
  const value = e.AI_EMBEDDING_MODEL
  if (!value) return undefined
  const prefixed = value.match(/^(openai|compatible):(.+)$/)
  if (prefixed?.[1] === 'openai' || prefixed?.[1] === 'compatible') {
    return { provider: prefixed[1], modelId: prefixed[2] ?? '' }
  }
  return { provider: e.AI_COMPATIBLE_BASE_URL ? 'compatible' : 'openai', modelId: value }
}

function mailConfig(e: z.infer<typeof envSchema>, appUrl: string): MailConfig {
  const from = e.SMTP_FROM ?? `WhatsApp AI Assistants <no-reply@${new URL(appUrl).hostname}>`
  if (e.SMTP_URL) return { transport: 'smtp', from, url: e.SMTP_URL }
  if (e.SMTP_HOST) {
    return {
      transport: 'smtp',
      from,
      host: e.SMTP_HOST,
      port: e.SMTP_PORT ?? 587,
      user: e.SMTP_USER,
      password: e.SMTP_PASSWORD,
    }
  }
  return { transport: 'log', from }
}

export function parseRole(argv: string[]): Role {
  const arg = argv.find((a) => a.startsWith('--role='))
  const role = arg ? arg.slice('--role='.length) : 'all'
  if (role !== 'web' && role !== 'worker' && role !== 'all') {
    throw new ConfigError([`--role: must be web, worker or all (got "${role}")`])
  }
  return role
}
