import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig, parseRole } from '../src/server/config.js'

const dataDir = () => mkdtempSync(join(tmpdir(), 'wa-config-'))

function issuesOf(env: Record<string, string>) {
  try {
    parseConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.message
    throw err
  }
  throw new Error('expected a ConfigError')
}

describe('configuration', () => {
  it('turns billing on only with a Stripe key, its webhook secret and a price per plan', () => {
    expect(parseConfig({ DATA_DIR: dataDir() }).stripe).toBeUndefined()
    const missing = issuesOf({ DATA_DIR: dataDir(), STRIPE_SECRET_KEY: 'sk_test_123' })
    for (const name of [
      'STRIPE_WEBHOOK_SECRET',
      'STRIPE_PRICE_STARTER',
      'STRIPE_PRICE_BUSINESS',
      'STRIPE_PRICE_ENTERPRISE',
    ]) {
      expect(missing).toContain(name)
    }
    expect(issuesOf({ DATA_DIR: dataDir(), STRIPE_SECRET_KEY: 'pk_test_123' })).toContain('STRIPE_SECRET_KEY')
    const stripe = {
      STRIPE_SECRET_KEY: 'sk_test_123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc',
      STRIPE_PRICE_STARTER: 'price_s',
      STRIPE_PRICE_BUSINESS: 'price_b',
      STRIPE_PRICE_ENTERPRISE: 'price_e',
    }
    expect(issuesOf({ DATA_DIR: dataDir(), ...stripe, STRIPE_PRICE_OVERAGE: 'price_o' })).toContain(
      'STRIPE_METER_EVENT_NAME',
    )
    const c = parseConfig({ DATA_DIR: dataDir(), ...stripe, BILLING_GRACE_DAYS: '3' })
    expect(c.stripe).toEqual({
      secretKey: 'sk_test_123',
      webhookSecret: 'whsec_abc',
      apiBaseUrl: undefined,
      planPrices: { starter: 'price_s', business: 'price_b', enterprise: 'price_e' },
      extraNumberPrice: undefined,
      overage: undefined,
      graceDays: 3,
    })
  })

  it('has embedded defaults and generates AUTH_SECRET into DATA_DIR once', () => {
    const dir = dataDir()
    const a = parseConfig({ DATA_DIR: dir })
    expect(a.port).toBe(3000)
    expect(a.appUrl).toBe('http://localhost:3000')
    expect(a.databaseUrl).toBeUndefined()
    expect(a.twilio).toBeUndefined()
    expect(existsSync(join(dir, 'auth-secret'))).toBe(true)
    expect(readFileSync(join(dir, 'auth-secret'), 'utf8')).toBe(a.authSecret)
    const b = parseConfig({ DATA_DIR: dir })
    expect(b.authSecret).toBe(a.authSecret)
  })

  it('reads a variable set to nothing as unset, numbers included', () => {
    const config = parseConfig({ DATA_DIR: dataDir(), PORT: '', SMTP_PORT: ' ', RATE_LIMIT_PER_MINUTE: '' })
    expect(config.port).toBe(3000)
  })

  it('names the variable that is wrong', () => {
    expect(issuesOf({ DATA_DIR: dataDir(), PORT: 'eighty' })).toMatch(/PORT/)
    expect(issuesOf({ DATA_DIR: dataDir(), DATABASE_URL: 'mysql://x' })).toMatch(/DATABASE_URL/)
    expect(issuesOf({ DATA_DIR: dataDir(), APP_URL: 'not a url' })).toMatch(/APP_URL/)
    expect(issuesOf({ DATA_DIR: dataDir(), TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` })).toMatch(
      /TWILIO_AUTH_TOKEN/,
    )
    expect(issuesOf({ DATA_DIR: dataDir(), TWILIO_ACCOUNT_SID: 'nope', TWILIO_AUTH_TOKEN: 't' })).toMatch(
      /TWILIO_ACCOUNT_SID/,
    )
    expect(issuesOf({ DATA_DIR: dataDir(), LOG_LEVEL: 'loud' })).toMatch(/LOG_LEVEL/)
  })

  it('requires AUTH_SECRET with a database server and has no secret defaults', () => {
    const dir = dataDir()
    expect(issuesOf({ DATA_DIR: dir, DATABASE_URL: 'postgres://localhost/x' })).toMatch(/AUTH_SECRET/)
    expect(existsSync(join(dir, 'auth-secret'))).toBe(false)
    const c = parseConfig({
      DATA_DIR: dir,
      DATABASE_URL: 'postgres://localhost/x',
      AUTH_SECRET: 's'.repeat(40),
    })
    expect(c.cronSecret).toBeUndefined()
    expect(c.ai.deepseek).toBeUndefined()
  })

  it('accepts the NEXT_PUBLIC_APP_URL alias and the shared number', () => {
    const c = parseConfig({
      DATA_DIR: dataDir(),
      NEXT_PUBLIC_APP_URL: 'https://wa.example.com/',
      TWILIO_PHONE_NUMBER: 'whatsapp:+14155238886',
      OPERATOR_EMAILS: 'Ops@Example.com, second@example.com',
    })
    expect(c.appUrl).toBe('https://wa.example.com')
    expect(c.sharedNumber).toBe('+14155238886')
    expect(c.operatorEmails).toEqual(['ops@example.com', 'second@example.com'])
  })

  it('parses the process role', () => {
    expect(parseRole([])).toBe('all')
    expect(parseRole(['--role=worker'])).toBe('worker')
    expect(() => parseRole(['--role=cook'])).toThrow(/role/)
  })

  it('.env.example lists every variable the server reads, and its values parse', () => {
    const source = readFileSync(new URL('../src/server/config.ts', import.meta.url), 'utf8')
    const read = [...source.matchAll(/^ {4}([A-Z][A-Z0-9_]+): /gm)].map(([, name = '']) => name)
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8')
    const listed = new Map(
      [...example.matchAll(/^# ([A-Z][A-Z0-9_]+)=(.*)$/gm)].map(([, name = '', value = '']) => [name, value]),
    )
    expect(read.length).toBeGreaterThan(30)
    expect(read.filter((name) => !listed.has(name))).toEqual([])
    // Uncommenting the example as it is must not stop the server (empty means unset).
    expect(() => parseConfig({ ...Object.fromEntries(listed), DATA_DIR: dataDir() })).not.toThrow()
  })
})
