import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Config, parseConfig } from '../src/server/config.js'
import type { Database } from '../src/server/db/client.js'
import { organizations, phoneNumbers } from '../src/server/db/schema/index.js'
import { SandboxTelephony, sandboxNumberSid } from '../src/server/providers/telephony/sandbox.js'
import { type NumberType, TelephonyError } from '../src/server/providers/telephony/types.js'
import { createTestDatabase } from './support/database.js'
import { defined, first, nth } from './support/defined.js'

let database: Database
let config: Config
let sandbox: SandboxTelephony

beforeAll(async () => {
  database = await createTestDatabase()
  config = parseConfig({
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'wa-sandbox-')),
    AUTH_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    LOG_LEVEL: 'silent',
  })
  sandbox = new SandboxTelephony(config, database.db)
})
afterAll(async () => {
  await database?.close()
})

async function failure(p: Promise<unknown>): Promise<TelephonyError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(TelephonyError)
    return err as TelephonyError
  }
  throw new Error('expected the call to fail')
}

async function createOrganization(name: string) {
  const [org] = await database.db
    .insert(organizations)
    .values({
      name,
      businessHours: { enabled: false, timezone: 'UTC', schedule: {}, outOfHoursMessage: '' },
      ai: { tone: 'friendly', language: 'en' },
    })
    .returning({ id: organizations.id })
  return defined(org, 'the inserted organization').id
}

describe('SandboxTelephony', () => {
  it('signs webhooks with the sandbox token', () => {
    expect(sandbox.kind).toBe('sandbox')
    expect(sandbox.webhookAuthToken).toBe(config.sandboxToken)
  })

  it('gives the same numbers for the same query, across instances', async () => {
    const q = { country: 'US', type: 'local' as const, limit: 10 }
    const a = await sandbox.searchNumbers(q)
    const b = await new SandboxTelephony(config, database.db).searchNumbers(q)
    expect(a).toHaveLength(10)
    expect(b).toEqual(a)
    expect(new Set(a.map((n) => n.phoneNumber)).size).toBe(10)
    expect(await sandbox.searchNumbers({ ...q, country: 'us' })).toEqual(a)
  })

  it.each([
    ['US', 'local', /^\+1[2-9]\d{2}[2-9]\d{6}$/],
    ['US', 'tollFree', /^\+18(00|33|44|55|66|77|88)[2-9]\d{6}$/],
    ['CA', 'local', /^\+1[2-9]\d{2}[2-9]\d{6}$/],
    ['GB', 'local', /^\+44(20|121|161|131)\d{6,8}$/],
    ['GB', 'mobile', /^\+447\d{9}$/],
    ['RW', 'mobile', /^\+2507[2389]\d{7}$/],
    ['FR', 'local', /^\+33[1-5]\d{8}$/],
    ['FR', 'mobile', /^\+33[67]\d{8}$/],
    ['BR', 'local', /^\+55[1-9]1[2-5]\d{7}$/],
    ['BR', 'mobile', /^\+55[1-9]19\d{8}$/],
    ['IN', 'mobile', /^\+91[6-9]\d{9}$/],
    ['IN', 'tollFree', /^\+911800\d{7}$/],
    ['JM', 'local', /^\+1876[2-9]\d{6}$/],
    ['SN', 'mobile', /^\+221\d{9}$/],
  ] as [string, NumberType, RegExp][])(
    'hands out valid E.164 numbers for %s %s',
    async (country, type, shape) => {
      const numbers = await sandbox.searchNumbers({ country, type, limit: 8 })
      expect(numbers).toHaveLength(8)
      for (const n of numbers) {
        expect(n.phoneNumber).toMatch(shape)
        expect(n.phoneNumber.length).toBeLessThanOrEqual(16)
        expect(n.isoCountry).toBe(country)
        expect(n.type).toBe(type)
        expect(n.friendlyName).toBeTruthy()
      }
    },
  )

  it('formats North American friendly names and keeps the locality', async () => {
    const n = first(await sandbox.searchNumbers({ country: 'US', type: 'local', limit: 1 }), 'a number')
    expect(n.friendlyName).toMatch(/^\(\d{3}\) \d{3}-\d{4}$/)
    expect(n.locality).toBeTruthy()
    expect(n.region).toMatch(/^[A-Z]{2}$/)
  })

  it('keeps local, mobile and toll-free numbers apart', async () => {
    const prefixes = async (type: 'local' | 'mobile' | 'tollFree') =>
      new Set(
        (await sandbox.searchNumbers({ country: 'GB', type, limit: 20 })).map((n) =>
          n.phoneNumber.slice(0, 5),
        ),
      )
    const [local, mobile, tollFree] = await Promise.all([
      prefixes('local'),
      prefixes('mobile'),
      prefixes('tollFree'),
    ])
    for (const p of mobile) expect(local.has(p) || tollFree.has(p)).toBe(false)
    for (const p of tollFree) expect(local.has(p)).toBe(false)
  })

  it('filters by contains and respects the limit', async () => {
    const numbers = await sandbox.searchNumbers({ country: 'US', type: 'local', contains: '777', limit: 15 })
    expect(numbers).toHaveLength(15)
    for (const n of numbers) expect(n.phoneNumber.slice(2)).toContain('777')
    // A pattern that spans the area code.
    const sf = await sandbox.searchNumbers({ country: 'US', type: 'local', contains: '4155', limit: 5 })
    expect(sf).toHaveLength(5)
    for (const n of sf) expect(n.phoneNumber).toContain('4155')
    // Letters count as their keypad digits, * as any digit.
    const vanity = await sandbox.searchNumbers({
      country: 'US',
      type: 'tollFree',
      contains: 'CAKE',
      limit: 3,
    })
    for (const n of vanity) expect(n.phoneNumber).toContain('2253')
    const wild = await sandbox.searchNumbers({ country: 'RW', type: 'mobile', contains: '12*4', limit: 3 })
    for (const n of wild) expect(n.phoneNumber.slice(4)).toMatch(/12\d4/)
    // Nothing fits a pattern longer than the number.
    expect(await sandbox.searchNumbers({ country: 'FR', type: 'local', contains: '1234567890123' })).toEqual(
      [],
    )
    expect((await sandbox.searchNumbers({ country: 'US', type: 'local', limit: 500 })).length).toBe(100)
  })

  it('refuses an unknown country or a malformed pattern as invalid', async () => {
    expect((await failure(sandbox.searchNumbers({ country: 'ZZ', type: 'local' }))).kind).toBe('invalid')
    expect((await failure(sandbox.searchNumbers({ country: 'USA', type: 'local' }))).kind).toBe('invalid')
    expect(
      (await failure(sandbox.searchNumbers({ country: 'US', type: 'local', contains: '55-5' }))).kind,
    ).toBe('invalid')
  })

  it('leaves out numbers already live on the platform, but not released ones', async () => {
    const q = { country: 'RW', type: 'mobile' as const, limit: 5 }
    const before = await sandbox.searchNumbers(q)
    const orgId = await createOrganization('Kigali Coffee')
    await database.db.insert(phoneNumbers).values([
      { organizationId: orgId, e164: nth(before, 0).phoneNumber, provider: 'sandbox', status: 'active' },
      { organizationId: orgId, e164: nth(before, 1).phoneNumber, provider: 'sandbox', status: 'released' },
      { organizationId: orgId, e164: nth(before, 2).phoneNumber, provider: 'sandbox', status: 'purchasing' },
    ])
    const after = await sandbox.searchNumbers(q)
    const numbers = after.map((n) => n.phoneNumber)
    expect(numbers).toHaveLength(5)
    expect(numbers).not.toContain(nth(before, 0).phoneNumber)
    expect(numbers).not.toContain(nth(before, 2).phoneNumber)
    expect(numbers).toContain(nth(before, 1).phoneNumber)
    expect(numbers.slice(0, 3)).toEqual([
      nth(before, 1).phoneNumber,
      nth(before, 3).phoneNumber,
      nth(before, 4).phoneNumber,
    ])
  })

  it('purchases inventory-shaped numbers with a stable PN sid, and refuses others', async () => {
    const candidate = first(
      await sandbox.searchNumbers({ country: 'GB', type: 'mobile', limit: 1 }),
      'an available number',
    )
    const input = {
      phoneNumber: candidate.phoneNumber,
      smsUrl: 'http://app/webhook',
      statusCallback: 'http://app/status',
    }
    const bought = await sandbox.purchaseNumber(input)
    expect(bought.sid).toMatch(/^PN[0-9a-f]{32}$/)
    expect(bought).toEqual({ ...input, sid: sandboxNumberSid(candidate.phoneNumber) })
    expect((await sandbox.purchaseNumber(input)).sid).toBe(bought.sid)
    expect((await sandbox.purchaseNumber({ ...input, phoneNumber: '+447700900123' })).sid).not.toBe(
      bought.sid,
    )

    for (const phoneNumber of [
      '447700900123',
      '+44',
      '+0123456789',
      'whatsapp:+447700900123',
      '+15551234567',
    ]) {
      const err = await failure(sandbox.purchaseNumber({ ...input, phoneNumber }))
      expect(err.kind).toBe('invalid')
    }
  })

  it('fetches and lists the numbers recorded in the database', async () => {
    const candidate = first(
      await sandbox.searchNumbers({ country: 'FR', type: 'mobile', limit: 1 }),
      'an available number',
    )
    const bought = await sandbox.purchaseNumber({
      phoneNumber: candidate.phoneNumber,
      smsUrl: 'http://a/w',
      statusCallback: 'http://a/s',
    })
    expect((await failure(sandbox.getNumber(bought.sid))).kind).toBe('not_found')
    const orgId = await createOrganization('Paris Bistro')
    await database.db.insert(phoneNumbers).values({
      organizationId: orgId,
      e164: candidate.phoneNumber,
      provider: 'sandbox',
      providerNumberSid: bought.sid,
      status: 'active',
    })
    await sandbox.updateWebhooks(bought.sid, { smsUrl: 'http://b/w', statusCallback: 'http://b/s' })
    expect(await sandbox.getNumber(bought.sid)).toEqual({
      sid: bought.sid,
      phoneNumber: candidate.phoneNumber,
      smsUrl: 'http://b/w',
      statusCallback: 'http://b/s',
    })
    expect((await sandbox.listNumbers()).map((n) => n.sid)).toContain(bought.sid)
    await sandbox.releaseNumber(bought.sid)
    expect(
      (
        await failure(
          sandbox.updateWebhooks('PN00000000000000000000000000000000', { smsUrl: 'x', statusCallback: 'y' }),
        )
      ).kind,
    ).toBe('not_found')
  })

  it('registers senders online at once and deletes them', async () => {
    const sender = await sandbox.registerSender({
      phoneNumber: '+250788123456',
      profileName: 'Kigali Coffee',
      webhookUrl: 'http://a/w',
      statusCallbackUrl: 'http://a/s',
    })
    expect(sender).toEqual({ sid: expect.stringMatching(/^XE[0-9a-f]{32}$/), status: 'ONLINE' })
    expect(await sandbox.getSender(sender.sid)).toEqual({ sid: sender.sid, status: 'ONLINE' })
    await sandbox.deleteSender(sender.sid)
    expect((await failure(sandbox.getSender('nope'))).kind).toBe('not_found')
  })

  it('accepts outbound messages with a Twilio-shaped sid', async () => {
    const a = await sandbox.sendMessage({ from: '+250788123456', to: '+15551234567', body: 'Hi' })
    const b = await sandbox.sendMessage({ from: '+250788123456', to: '+15551234567', body: 'Hi' })
    expect(a.sid).toMatch(/^SM[0-9a-f]{32}$/)
    expect(a.sid).toHaveLength(34)
    expect(a.status).toBe('sent')
    expect(b.sid).not.toBe(a.sid)
    expect(
      (await failure(sandbox.sendMessage({ from: '+250788123456', to: 'not-a-number', body: 'Hi' }))).kind,
    ).toBe('invalid')
  })

  it('makes templates with HX sids, approves them at once and sends them by Content SID', async () => {
    const { sid } = await sandbox.createTemplate({
      name: 'order_ready',
      language: 'en',
      body: 'Hi {{1}}, order {{2}} is ready',
      examples: { '1': 'Ana', '2': 'A-17' },
    })
    expect(sid).toMatch(/^HX[0-9a-f]{32}$/)
    expect(await sandbox.submitTemplate(sid, { name: 'order_ready', category: 'utility' })).toEqual({
      status: 'approved',
    })
    expect(await sandbox.getTemplateApproval(sid)).toEqual({ status: 'approved' })
    const sent = await sandbox.sendMessage({
      from: '+250788123456',
      to: '+15551234567',
      body: 'Hi Ana, order A-17 is ready',
      contentSid: sid,
      contentVariables: { '1': 'Ana', '2': 'A-17' },
    })
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/)
    const bad = await failure(
      sandbox.sendMessage({ from: '+250788123456', to: '+15551234567', body: 'x', contentSid: 'HXnope' }),
    )
    expect(bad.kind).toBe('rejected')
    expect(bad.providerCode).toBe(21655)
    expect((await failure(sandbox.getTemplateApproval('nope'))).kind).toBe('not_found')
    await expect(sandbox.deleteTemplate(sid)).resolves.toBeUndefined()
    expect(
      (await failure(sandbox.createTemplate({ name: 'empty', language: 'en', body: '  ', examples: {} })))
        .kind,
    ).toBe('invalid')
  })
})
