import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csvField } from '../src/server/core/broadcasts/recipients-csv.js'
import { instantOfLocal, localDateTime, resolveSendAt } from '../src/server/core/broadcasts/send-at.js'
import { DEFAULT_BUSINESS_HOURS } from '../src/server/core/organizations/schemas.js'
import { queryRows } from '../src/server/db/client.js'
import { broadcasts, monthlyUsage, segments } from '../src/server/db/schema/index.js'
import {
  addContacts,
  addManyContacts,
  approvedTemplate,
  broadcastOf,
  recipientRows,
  sendsByRecipient,
  usageOf,
  waitForStatus,
} from './support/broadcasts.js'
import { addMember, api, createOrganization, signUp } from './support/factories.js'
import type { FakeTwilio } from './support/fake-twilio.js'
import { startTwilioTestRuntime, type TwilioTestRuntime } from './support/setups.js'
import { giveActiveNumber, uniquePhone } from './support/whatsapp.js'

// Broadcasts through the API: audience, skips, limits, scheduling in the organization's zone,
// reads and the security matrix; sending against the fake Twilio (Content API + ContentSid sends).
let rt: TwilioTestRuntime
let twilio: FakeTwilio

beforeAll(async () => {
  rt = await startTwilioTestRuntime()
  twilio = rt.twilio
})
afterAll(async () => {
  await rt?.close()
})

async function setup(orgInput: Record<string, unknown> = {}, opts: { number?: boolean } = {}) {
  const owner = await signUp(rt)
  const org = await createOrganization(rt, owner, { welcomeMessage: '', ...orgInput })
  const number = opts.number === false ? '' : await giveActiveNumber(rt, org.id)
  const template = await approvedTemplate(rt, twilio, owner, org.id)
  return { owner, org, number, template }
}

const ORDER_VARS = { '1': { from: 'name' }, '2': { from: 'attribute', key: 'order' } }
const path = (orgId: string, rest = '') => `/api/organizations/${orgId}/broadcasts${rest}`

describe('sendAt in the organization time zone', () => {
  it('converts local times across daylight-saving changes (New York, Madrid)', () => {
    // New York springs forward on 2027-03-14 at 02:00 (EST -5 → EDT -4).
    const ny = 'America/New_York'
    expect(instantOfLocal('2027-03-14T01:30', ny)).toEqual({ ok: true, at: new Date('2027-03-14T06:30:00Z') })
    expect(instantOfLocal('2027-03-14T09:30', ny)).toEqual({ ok: true, at: new Date('2027-03-14T13:30:00Z') })
    expect(instantOfLocal('2027-03-14T02:30', ny)).toEqual({
      ok: false,
      reason: 'skipped',
      sameMomentAs: '2027-03-14T03:30',
    })
    // Autumn: 01:30 happens twice on 2027-11-07; the first (EDT) is chosen.
    expect(instantOfLocal('2027-11-07T01:30', ny)).toEqual({ ok: true, at: new Date('2027-11-07T05:30:00Z') })
    // Madrid springs forward on 2027-03-28 at 02:00 (CET +1 → CEST +2).
    const madrid = 'Europe/Madrid'
    expect(instantOfLocal('2027-03-28T01:59', madrid)).toEqual({
      ok: true,
      at: new Date('2027-03-28T00:59:00Z'),
    })
    expect(instantOfLocal('2027-03-28T02:00', madrid).ok).toBe(false)
    expect(instantOfLocal('2027-03-28T03:00', madrid)).toEqual({
      ok: true,
      at: new Date('2027-03-28T01:00:00Z'),
    })
    expect(instantOfLocal('2027-03-29T10:00', madrid)).toEqual({
      ok: true,
      at: new Date('2027-03-29T08:00:00Z'),
    })
    expect(localDateTime(new Date('2027-03-28T01:00:00Z'), madrid)).toBe('2027-03-28T03:00')
    expect(instantOfLocal('2027-02-30T10:00', madrid)).toEqual({ ok: false, reason: 'invalid' })
    // Within the current minute counts as now; an earlier minute is refused.
    const now = new Date('2027-05-01T10:00:30Z')
    expect(resolveSendAt('2027-05-01T12:00', madrid, now)).toEqual(now)
    expect(() => resolveSendAt('2027-05-01T11:59', madrid, now)).toThrow('Invalid input')
  })

  it('schedules a broadcast at a local time across the DST change, shows it back, and refuses a skipped time', async () => {
    const { owner, org, template } = await setup({
      businessHours: { ...DEFAULT_BUSINESS_HOURS, timezone: 'America/New_York' },
    })
    await addContacts(rt, org.id, [{ attributes: { order: 'A1' } }])
    const base = {
      name: 'Spring',
      templateId: template.id,
      variables: ORDER_VARS,
      audience: { kind: 'filter', filter: {} },
    }
    const res = await api(rt, owner, 'POST', path(org.id), { ...base, sendAt: '2027-03-14T09:30' })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.broadcast).toMatchObject({
      status: 'scheduled',
      sendAt: '2027-03-14T13:30:00.000Z',
      sendAtLocal: '2027-03-14T09:30',
      timeZone: 'America/New_York',
      counts: { pending: 1 },
    })
    const skipped = await api(rt, owner, 'POST', path(org.id), { ...base, sendAt: '2027-03-14T02:30' })
    expect(skipped.status).toBe(400)
    expect(JSON.stringify(skipped.body.error.details)).toMatch(/does not exist in America\/New_York.*03:30/)
    const past = await api(rt, owner, 'POST', path(org.id), { ...base, sendAt: '2020-01-01T10:00' })
    expect(past.status).toBe(400)
    expect(JSON.stringify(past.body.error.details)).toMatch(/in the past/)
    const list = await api(rt, owner, 'GET', path(org.id))
    expect(list.body.broadcasts).toHaveLength(1)
  })

  it('schedules in Madrid before and after its spring change', async () => {
    const { owner, org, template } = await setup({
      businessHours: { ...DEFAULT_BUSINESS_HOURS, timezone: 'Europe/Madrid' },
    })
    await addContacts(rt, org.id, [{ attributes: { order: 'A1' } }])
    const base = {
      name: 'Madrid',
      templateId: template.id,
      variables: ORDER_VARS,
      audience: { kind: 'filter', filter: {} },
    }
    const before = await api(rt, owner, 'POST', path(org.id), { ...base, sendAt: '2027-03-27T10:00' })
    const after = await api(rt, owner, 'POST', path(org.id), { ...base, sendAt: '2027-03-28T10:00' })
    expect(before.body.broadcast.sendAt).toBe('2027-03-27T09:00:00.000Z')
    expect(after.body.broadcast.sendAt).toBe('2027-03-28T08:00:00.000Z')
    expect((await api(rt, owner, 'POST', path(org.id), { ...base, sendAt: '2027-03-28T02:15' })).status).toBe(
      400,
    )
  })
})

describe('creating and sending', () => {
  it('previews: counts by skip reason, messages left, rendered samples', async () => {
    const { owner, org, template } = await setup({ monthlyMessageLimit: 100 })
    const dup = uniquePhone('+1333')
    await addContacts(rt, org.id, [
      { name: 'Ana', attributes: { order: 'A1' } },
      { name: 'Bea', attributes: { order: 'B2' }, optedOut: true },
      { name: 'Cy', attributes: { order: 'C3' }, optedIn: false },
      { name: null, profileName: null, attributes: { order: 'D4' } },
      { name: 'Eve', attributes: {} },
      { name: 'Flo', phone: dup, attributes: { order: 'F6' } },
      // The same number written differently (an import before normalising).
      { name: 'Flo again', phone: `${dup.slice(0, 5)} ${dup.slice(5)}`, attributes: { order: 'F7' } },
    ])
    await rt.services.db
      .insert(monthlyUsage)
      .values({ organizationId: org.id, month: new Date().toISOString().slice(0, 7), messageCount: 10 })
    const res = await api(rt, owner, 'POST', path(org.id, '/preview'), {
      templateId: template.id,
      variables: ORDER_VARS,
      audience: { kind: 'filter', filter: {} },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toMatchObject({
      total: 7,
      sendable: 2,
      skipped: { opted_out: 1, no_consent: 1, duplicate_number: 1, missing_variables: 2 },
      remaining: 90,
    })
    // Of the two contacts with one number, one is messaged (both were made in the same instant, so
    // which one is not fixed) and the other skipped as a duplicate.
    const [ana, flo] = res.body.samples.map((s: { text: string }) => s.text).sort()
    expect(res.body.samples).toHaveLength(2)
    expect(ana).toBe('Hi Ana, your order A1 is ready')
    expect(flo).toMatch(/^Hi Flo(?: again)?, your order F[67] is ready$/)
    // A fallback fills the missing attribute; a fixed text needs nothing from the contact.
    const withFallback = await api(rt, owner, 'POST', path(org.id, '/preview'), {
      templateId: template.id,
      variables: {
        '1': { from: 'text', value: 'friend' },
        '2': { from: 'attribute', key: 'order', fallback: 'your last one' },
      },
      audience: { kind: 'filter', filter: {} },
    })
    expect(withFallback.body).toMatchObject({ sendable: 4, skipped: { missing_variables: 0 } })
    expect(withFallback.body.samples.map((s: { text: string }) => s.text)).toContain(
      'Hi friend, your order your last one is ready',
    )
  })

  it('sends each sendable recipient one template message through Twilio, skips the rest with why, and counts what was sent', async () => {
    const { owner, org, number, template } = await setup()
    const made = await addContacts(rt, org.id, [
      { name: 'Ana', attributes: { order: 'A1' }, tags: ['vip'] },
      { name: 'Bea', attributes: { order: 'B2' }, tags: ['vip'], optedOut: true },
      { name: 'Cy', attributes: { order: 'C3' }, tags: ['vip'], optedIn: false },
      { name: 'Dan', attributes: {}, tags: ['vip'] },
      { name: 'Eve', attributes: { order: 'E5' }, tags: ['vip'] },
      { name: 'Not in the segment', attributes: { order: 'X' }, tags: ['other'] },
    ])
    const [segment] = await rt.services.db
      .insert(segments)
      .values({ organizationId: org.id, name: 'VIPs', filter: { tags: ['vip'] } })
      .returning()
    const res = await api(rt, owner, 'POST', path(org.id), {
      name: 'Orders ready',
      templateId: template.id,
      variables: ORDER_VARS,
      audience: { kind: 'segment', segmentId: segment?.id },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.broadcast).toMatchObject({
      name: 'Orders ready',
      status: 'sending',
      fromNumber: number,
      recipientCount: 5,
      template: { id: template.id, name: template.name, language: 'en' },
      createdBy: owner.id,
    })
    const done = await waitForStatus(rt, owner, org.id, res.body.broadcast.id, 'completed')
    expect(done.counts).toMatchObject({ pending: 0, skipped: 3, failed: 0 })
    expect(done.counts.queued + done.counts.sent + done.counts.delivered).toBe(2)
    expect(done.skippedReasons).toMatchObject({ opted_out: 1, no_consent: 1, missing_variables: 1 })
    expect(done.finishedAt).not.toBeNull()

    const byNumber = sendsByRecipient(twilio, number)
    const phones = made.map((c) => c.waId)
    expect([...byNumber.entries()].sort()).toEqual(
      [
        [phones[0], 1],
        [phones[4], 1],
      ].sort(),
    )
    const sent = twilio.state.sends.filter((s) => s.from === `whatsapp:${number}`)
    expect(sent.map((s) => s.contentSid)).toEqual([template.contentSid, template.contentSid])
    expect(sent.map((s) => s.contentVariables)).toContainEqual({ '1': 'Ana', '2': 'A1' })
    expect(sent.map((s) => s.body)).toContain('Hi Eve, your order E5 is ready')

    // The messages sit in each contact's conversation, as broadcast messages with the rendered text.
    const rows = await queryRows<{ source: string; body: string; template_id: string; contact: string }>(
      rt.services.db,
      sql`select m.source::text, m.body, m.template_id, c.wa_id as contact from messages m
        join conversations cv on cv.id = m.conversation_id join contacts c on c.id = cv.contact_id
        where m.organization_id = ${org.id} order by c.wa_id`,
    )
    expect(rows).toHaveLength(2)
    expect(rows.every((r) => r.source === 'broadcast' && r.template_id === template.id)).toBe(true)
    // Usage: exactly the messages sent.
    const usage = await usageOf(rt, org.id)
    expect(usage?.messageCount).toBe(2)

    // Recipients: filtered by status, paginated, and as CSV.
    const skipped = await api(rt, owner, 'GET', path(org.id, `/${done.id}/recipients?status=skipped&limit=2`))
    expect(skipped.status).toBe(200)
    expect(skipped.body.recipients).toHaveLength(2)
    expect(skipped.body.nextCursor).not.toBeNull()
    const rest = await api(
      rt,
      owner,
      'GET',
      path(org.id, `/${done.id}/recipients?status=skipped&limit=2&cursor=${skipped.body.nextCursor}`),
    )
    expect(rest.body.recipients).toHaveLength(1)
    expect(rest.body.nextCursor).toBeNull()
    expect(
      [...skipped.body.recipients, ...rest.body.recipients].map((r: { reason: string }) => r.reason).sort(),
    ).toEqual(['missing_variables', 'no_consent', 'opted_out'])
    const all = await api(rt, owner, 'GET', path(org.id, `/${done.id}/recipients`))
    expect(all.body.recipients.map((r: { displayName: string }) => r.displayName).sort()).toEqual([
      'Ana',
      'Bea',
      'Cy',
      'Dan',
      'Eve',
    ])
    expect(all.body.recipients.find((r: { phone: string }) => r.phone === phones[0])).toMatchObject({
      displayName: 'Ana',
      status: expect.stringMatching(/^(queued|sent|delivered)$/),
      variables: { '1': 'Ana', '2': 'A1' },
    })

    const csv = await rt.request(path(org.id, `/${done.id}/recipients.csv`), {
      headers: { cookie: owner.cookie },
    })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/)
    const lines = (await csv.text()).trim().split('\r\n')
    expect(lines[0]).toBe('phone,name,status,reason,sent_at,updated_at,variables')
    expect(lines).toHaveLength(6)
    expect(lines.find((l) => l.includes(',Bea,'))).toMatch(/^\+\d+,Bea,skipped,opted_out,,/)
  })

  it('refuses bad input with the right status and changes nothing', async () => {
    const { owner, org, template } = await setup()
    await addContacts(rt, org.id, [{ attributes: { order: 'A1' } }])
    const good = {
      name: 'X',
      templateId: template.id,
      variables: ORDER_VARS,
      audience: { kind: 'filter', filter: {} },
    }
    const pending = await approvedTemplate(rt, twilio, owner, org.id, 'Hello {{1}}', 'pending')
    const rejected = await approvedTemplate(rt, twilio, owner, org.id, 'Hey {{1}}', 'rejected')
    // biome-ignore lint/suspicious/noExplicitAny: the API's JSON error, read field by field
    const cases: [unknown, number, (body: any) => void][] = [
      [
        { ...good, templateId: pending.id, variables: { '1': { from: 'name' } } },
        409,
        (b) => expect(b.error.details).toMatchObject({ reason: 'TEMPLATE_NOT_APPROVED', status: 'pending' }),
      ],
      [
        { ...good, templateId: rejected.id, variables: { '1': { from: 'name' } } },
        409,
        (b) => expect(b.error.details.status).toBe('rejected'),
      ],
      [
        { ...good, variables: { '1': { from: 'name' } } },
        400,
        (b) => expect(b.error.details.missing).toEqual(['2']),
      ],
      [{ ...good, variables: {} }, 400, (b) => expect(b.error.details.missing).toEqual(['1', '2'])],
      [
        { ...good, variables: { ...ORDER_VARS, '3': { from: 'phone' } } },
        400,
        (b) => expect(b.error.details.unknown).toEqual(['3']),
      ],
      [{ ...good, variables: { '1': { from: 'nowhere' }, '2': { from: 'phone' } } }, 400, () => {}],
      [{ ...good, templateId: '00000000-0000-4000-8000-000000000000' }, 404, () => {}],
      [{ ...good, templateId: 'not-a-uuid' }, 404, () => {}],
      [
        { ...good, audience: { kind: 'segment', segmentId: '00000000-0000-4000-8000-000000000000' } },
        404,
        () => {},
      ],
      [{ ...good, audience: { kind: 'contacts', contactIds: ['nope'] } }, 400, () => {}],
      [{ ...good, audience: { kind: 'contacts', contactIds: [] } }, 400, () => {}],
      [
        { ...good, audience: { kind: 'filter', filter: { tags: ['nobody-has-this'] } } },
        400,
        (b) => expect(JSON.stringify(b)).toMatch(/no contacts/),
      ],
      [{ ...good, audience: { kind: 'filter', filter: { unknownField: 1 } } }, 400, () => {}],
      [{ ...good, fromNumber: '+15550009999' }, 400, (b) => expect(JSON.stringify(b)).toMatch(/fromNumber/)],
      [{ ...good, fromNumber: 'nope' }, 400, () => {}],
      [{ ...good, sendAt: '2027-13-01T10:00' }, 400, () => {}],
      [{ ...good, sendAt: 'tomorrow' }, 400, () => {}],
      [{ ...good, name: '' }, 400, () => {}],
      [{ ...good, extra: true }, 400, () => {}],
    ]
    for (const [body, status, check] of cases) {
      const res = await api(rt, owner, 'POST', path(org.id), body)
      expect(res.status, JSON.stringify({ body, got: res.body })).toBe(status)
      expect(res.body.error.code).toBeTypeOf('string')
      check(res.body)
    }
    const none = await api(rt, owner, 'POST', path(org.id), 'not json')
    expect(none.status).toBe(400)
    expect(
      await rt.services.db.select().from(broadcasts).where(eq(broadcasts.organizationId, org.id)),
    ).toHaveLength(0)
    const noRecipients = await queryRows<{ n: number }>(
      rt.services.db,
      sql`select count(*)::int as n from broadcast_recipients where organization_id = ${org.id}`,
    )
    expect(noRecipients[0]?.n).toBe(0)

    // No active number to send from.
    const bare = await setup({}, { number: false })
    await addContacts(rt, bare.org.id, [{ attributes: { order: 'A1' } }])
    const noNumber = await api(rt, bare.owner, 'POST', path(bare.org.id), {
      ...good,
      templateId: bare.template.id,
    })
    expect(noNumber.status).toBe(409)
    expect(noNumber.body.error.details).toEqual({ reason: 'NO_ACTIVE_NUMBER' })
  })

  it('over the monthly limit: 409 with the numbers, or sent up to the limit with the rest skipped over_limit', async () => {
    const { owner, org, number, template } = await setup({ monthlyMessageLimit: 3 })
    const made = await addContacts(
      rt,
      org.id,
      Array.from({ length: 5 }, (_, i) => ({ name: `C${i}`, attributes: { order: `O${i}` } })),
    )
    const body = {
      name: 'Big',
      templateId: template.id,
      variables: ORDER_VARS,
      audience: { kind: 'contacts', contactIds: made.map((c) => c.id) },
    }
    const refused = await api(rt, owner, 'POST', path(org.id), body)
    expect(refused.status).toBe(409)
    expect(refused.body.error.details).toEqual({ reason: 'OVER_LIMIT', needed: 5, remaining: 3 })
    const res = await api(rt, owner, 'POST', path(org.id), { ...body, upToLimit: true })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    // Sending starts at once, so the three may already be queued or sent when the answer is read.
    expect(res.body.broadcast.recipientCount).toBe(5)
    expect(res.body.broadcast.counts.skipped).toBe(2)
    const done = await waitForStatus(rt, owner, org.id, res.body.broadcast.id, 'completed')
    expect(done.skippedReasons.over_limit).toBe(2)
    // The contacts in the order given: the first three are sent.
    const rows = await recipientRows(rt, done.id)
    expect(rows.map((r) => r.skip_reason)).toEqual([null, null, null, 'over_limit', 'over_limit'])
    expect([...sendsByRecipient(twilio, number).keys()].sort()).toEqual(
      made
        .slice(0, 3)
        .map((c) => c.waId)
        .sort(),
    )
    const usage = await usageOf(rt, org.id)
    expect(usage?.messageCount).toBe(3)
    // Nothing left: even with upToLimit the broadcast is refused with the numbers.
    const empty = await api(rt, owner, 'POST', path(org.id), { ...body, upToLimit: true })
    expect(empty.status).toBe(409)
    expect(empty.body.error.details).toEqual({ reason: 'OVER_LIMIT', needed: 5, remaining: 0 })
  })

  it('cancels a scheduled broadcast: pending recipients skipped cancelled; a finished one is a 409', async () => {
    const { owner, org, template } = await setup()
    await addContacts(rt, org.id, [{ attributes: { order: 'A1' } }, { attributes: { order: 'A2' } }])
    const res = await api(rt, owner, 'POST', path(org.id), {
      name: 'Later',
      templateId: template.id,
      variables: ORDER_VARS,
      audience: { kind: 'filter', filter: {} },
      sendAt: '2030-01-01T09:00',
    })
    const id = res.body.broadcast.id
    const cancelled = await api(rt, owner, 'POST', path(org.id, `/${id}/cancel`))
    expect(cancelled.status).toBe(200)
    expect(cancelled.body.broadcast).toMatchObject({
      status: 'cancelled',
      counts: { skipped: 2, pending: 0 },
      skippedReasons: { cancelled: 2 },
    })
    expect(cancelled.body.broadcast.finishedAt).not.toBeNull()
    const again = await api(rt, owner, 'POST', path(org.id, `/${id}/cancel`))
    expect(again.status).toBe(409)
    expect(again.body.error.details).toMatchObject({ reason: 'BROADCAST_FINISHED', status: 'cancelled' })
  })

  // How fast is measured by `npm run bench broadcast` (README), not asserted here: this checks that a
  // 10,000-contact audience is materialised whole, each number once.
  it('materialises 10,000 recipients when the broadcast is made', async () => {
    const { owner, org, template } = await setup({ monthlyMessageLimit: 20_000 })
    await addManyContacts(rt, org.id, 10_000)
    const res = await api(rt, owner, 'POST', path(org.id), {
      name: 'Ten thousand',
      templateId: template.id,
      variables: ORDER_VARS,
      audience: { kind: 'filter', filter: {} },
      sendAt: '2030-01-01T09:00',
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.broadcast.recipientCount).toBe(10_000)
    expect(res.body.broadcast.counts.pending).toBe(10_000)
    const rows = await recipientRows(rt, res.body.broadcast.id)
    expect(new Set(rows.map((r) => r.wa_id)).size).toBe(10_000)
    await api(rt, owner, 'POST', path(org.id, `/${res.body.broadcast.id}/cancel`))
  }, 60_000)
})

describe('security', () => {
  it('no session 401, another tenant 404, viewer reads but may not create or cancel, agent may', async () => {
    const { owner, org, template } = await setup()
    const contactsMade = await addContacts(rt, org.id, [{ attributes: { order: 'A1' } }])
    const body = {
      name: 'Sec',
      templateId: template.id,
      variables: ORDER_VARS,
      audience: { kind: 'contacts', contactIds: contactsMade.map((c) => c.id) },
      sendAt: '2030-01-01T09:00',
    }
    const made = await api(rt, owner, 'POST', path(org.id), body)
    expect(made.status).toBe(201)
    const id = made.body.broadcast.id
    const routes: [string, string, unknown?][] = [
      ['GET', path(org.id)],
      ['GET', path(org.id, `/${id}`)],
      ['GET', path(org.id, `/${id}/recipients`)],
      ['GET', path(org.id, `/${id}/recipients.csv`)],
      [
        'POST',
        path(org.id, '/preview'),
        { templateId: template.id, variables: ORDER_VARS, audience: body.audience },
      ],
      ['POST', path(org.id), body],
      ['POST', path(org.id, `/${id}/cancel`)],
    ]
    for (const [method, url, b] of routes) {
      const res = await api(rt, undefined, method, url, b)
      expect(res.status, `${method} ${url}`).toBe(401)
    }
    const stranger = await signUp(rt)
    await createOrganization(rt, stranger)
    for (const [method, url, b] of routes) {
      const res = await api(rt, stranger, method, url, b)
      expect(res.status, `${method} ${url}`).toBe(404)
    }
    // Another organization's broadcast under one's own organization is a 404 too.
    const other = await setup()
    for (const suffix of [`/${id}`, `/${id}/recipients`, `/${id}/recipients.csv`, `/${id}/cancel`]) {
      const res = await api(
        rt,
        other.owner,
        suffix.endsWith('cancel') ? 'POST' : 'GET',
        path(other.org.id, suffix),
      )
      expect(res.status, suffix).toBe(404)
    }
    const otherPreview = await api(rt, other.owner, 'POST', path(other.org.id, '/preview'), {
      templateId: template.id,
      variables: ORDER_VARS,
      audience: { kind: 'filter', filter: {} },
    })
    expect(otherPreview.status).toBe(404)

    const viewer = await signUp(rt)
    await addMember(rt, owner, org.id, viewer, 'viewer')
    for (const [method, url, b] of routes.slice(0, 5)) {
      expect((await api(rt, viewer, method, url, b)).status, `${method} ${url}`).toBe(200)
    }
    expect((await api(rt, viewer, 'POST', path(org.id), body)).status).toBe(403)
    expect((await api(rt, viewer, 'POST', path(org.id, `/${id}/cancel`))).status).toBe(403)
    expect((await broadcastOf(rt, owner, org.id, id)).status).toBe('scheduled')

    const agent = await signUp(rt)
    await addMember(rt, owner, org.id, agent, 'agent')
    const byAgent = await api(rt, agent, 'POST', path(org.id), body)
    expect(byAgent.status).toBe(201)
    expect((await api(rt, agent, 'POST', path(org.id, `/${id}/cancel`))).status).toBe(200)
    expect((await api(rt, agent, 'POST', path(org.id, `/${byAgent.body.broadcast.id}/cancel`))).status).toBe(
      200,
    )
    expect((await api(rt, owner, 'GET', path(org.id, '/not-a-uuid'))).status).toBe(404)
    expect((await api(rt, owner, 'GET', path(org.id, `/${id}/recipients?status=bogus`))).status).toBe(400)
    expect((await api(rt, owner, 'GET', path(org.id, `/${id}/recipients?cursor=-4`))).status).toBe(400)
    expect((await api(rt, owner, 'GET', path(org.id, `/${id}/recipients?limit=100000`))).status).toBe(400)
  })
})

describe('CSV fields', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas in names', () => {
    expect(csvField('+14155550123')).toBe('+14155550123')
    expect(csvField('Ana, "the boss"')).toBe('"Ana, ""the boss"""')
    expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`)
    expect(csvField('+cmd')).toBe("'+cmd")
    expect(csvField('line\nbreak')).toBe('"line\nbreak"')
    expect(csvField(null)).toBe('')
  })
})

describe('configuration', () => {
  it('BROADCAST_RATE_PER_SECOND defaults to 80 and is validated', async () => {
    const { parseConfig } = await import('../src/server/config.js')
    const dir = rt.config.dataDir
    expect(parseConfig({ DATA_DIR: dir }).broadcastRatePerSecond).toBe(80)
    expect(parseConfig({ DATA_DIR: dir, BROADCAST_RATE_PER_SECOND: '20' }).broadcastRatePerSecond).toBe(20)
    expect(() => parseConfig({ DATA_DIR: dir, BROADCAST_RATE_PER_SECOND: '0' })).toThrow(
      /BROADCAST_RATE_PER_SECOND/,
    )
    expect(() => parseConfig({ DATA_DIR: dir, BROADCAST_RATE_PER_SECOND: 'fast' })).toThrow(
      /BROADCAST_RATE_PER_SECOND/,
    )
  })
})
