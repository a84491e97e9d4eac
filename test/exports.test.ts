import { existsSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expireExports } from '../src/server/core/exports/expire-exports.js'
import { queryRows } from '../src/server/db/client.js'
import {
  auditLog,
  contacts,
  conversations,
  dataExports,
  messages,
  monthlyUsage,
} from '../src/server/db/schema/index.js'
import { defined, first, nth } from './support/defined.js'
import { addMember, api, signUp, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { ownerWithOrganization } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { uniquePhone } from './support/whatsapp.js'

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

/** RFC 4180 CSV → rows of cells (quoted fields with commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += ch
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell])
  return rows
}

/** CSV rows as objects keyed by the header. */
function csvObjects(text: string) {
  const [header, ...rows] = parseCsv(text)
  const cols = defined(header, 'a header row')
  return rows.map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i] ?? ''])))
}

interface Seeded {
  ana: { id: string; phone: string; conversationId: string }
  bob: { id: string; phone: string; conversationId: string }
}

/** Two customers with messages at known times, a simulator customer, and usage rows. */
async function seed(orgId: string): Promise<Seeded> {
  const db = rt.services.db
  const made = await db
    .insert(contacts)
    .values([
      {
        organizationId: orgId,
        waId: uniquePhone('+1555'),
        name: 'Ana, "the" best',
        tags: ['vip'],
        attributes: { city: 'Paris' },
        notes: 'Likes tea',
        optedInAt: new Date('2026-01-01T00:00:00Z'),
        firstSeenAt: new Date('2026-01-05T00:00:00Z'),
      },
      {
        organizationId: orgId,
        waId: uniquePhone('+1555'),
        name: '=HYPERLINK("http://evil")',
        tags: [],
        firstSeenAt: new Date('2026-02-05T00:00:00Z'),
      },
      { organizationId: orgId, waId: uniquePhone('+1555'), name: 'Sim', simulated: true, tags: ['vip'] },
    ])
    .returning()
  const [a, b, s] = [nth(made, 0), nth(made, 1), nth(made, 2)]
  const convs = await db
    .insert(conversations)
    .values([a, b, s].map((c) => ({ organizationId: orgId, contactId: c.id, channelNumber: '+17770000000' })))
    .returning()
  const conv = (contactId: string) =>
    defined(
      convs.find((c) => c.contactId === contactId),
      'conversation',
    )
  const msg = (
    contactId: string,
    body: string,
    at: string,
    direction: 'inbound' | 'outbound' = 'inbound',
  ) => ({
    organizationId: orgId,
    conversationId: conv(contactId).id,
    direction,
    body,
    status: direction === 'inbound' ? ('received' as const) : ('sent' as const),
    source: direction === 'inbound' ? ('customer' as const) : ('ai' as const),
    createdAt: new Date(at),
  })
  await db
    .insert(messages)
    .values([
      msg(a.id, 'Hello, world', '2026-01-10T10:00:00Z'),
      msg(a.id, 'Hi "Ana"\nhow can I help?', '2026-01-10T10:00:01Z', 'outbound'),
      msg(b.id, '=1+1', '2026-01-20T09:00:00Z'),
      msg(a.id, 'line1\r\nline2', '2026-02-10T08:00:00Z'),
      msg(b.id, '@cmd -x', '2026-03-01T12:00:00Z'),
      msg(s.id, 'simulated text', '2026-02-01T00:00:00Z'),
    ])
  await db.insert(monthlyUsage).values([
    { organizationId: orgId, month: '2026-01', messageCount: 12 },
    { organizationId: orgId, month: '2026-02', messageCount: 30 },
    { organizationId: orgId, month: '2026-03', messageCount: 7 },
  ])
  return {
    ana: { id: a.id, phone: a.waId, conversationId: conv(a.id).id },
    bob: { id: b.id, phone: b.waId, conversationId: conv(b.id).id },
  }
}

async function download(user: TestUser | undefined, orgId: string, query: string) {
  const res = await rt.request(`/api/organizations/${orgId}/exports/download-now?${query}`, {
    headers: user ? { cookie: user.cookie } : {},
  })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

describe('exports', () => {
  let owner: TestUser
  let org: { id: string; name: string }
  let data: Seeded
  beforeAll(async () => {
    ;({ owner, org } = await ownerWithOrganization(rt, { name: 'Café Ünïcode & Co' }))
    data = await seed(org.id)
  })

  it('streams messages as CSV: RFC 4180 quoting, formula guard, every message but the simulator', async () => {
    const res = await download(owner, org.id, 'kind=messages&format=csv')
    expect(res.status, res.text).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="Cafe-Unicode-Co-messages-\d{4}-\d{2}-\d{2}\.csv"$/,
    )
    expect(
      res.text.startsWith(
        'id,conversation_id,contact_id,contact_phone,contact_name,direction,text,media,status,source,created_at\r\n',
      ),
    ).toBe(true)
    const rows = csvObjects(res.text)
    expect(rows.map((r) => r.text)).toEqual([
      'Hello, world',
      'Hi "Ana"\nhow can I help?',
      "'=1+1",
      'line1\r\nline2',
      "'@cmd -x",
    ])
    expect(first(rows)).toMatchObject({
      contact_phone: data.ana.phone,
      contact_name: 'Ana, "the" best',
      direction: 'inbound',
      status: 'received',
      source: 'customer',
      created_at: '2026-01-10T10:00:00.000000Z',
      conversation_id: data.ana.conversationId,
    })
    expect(nth(rows, 2).contact_name).toBe(`'=HYPERLINK("http://evil")`)
    // The raw text keeps the quoting: a quoted field with doubled quotes.
    expect(res.text).toContain('"Hi ""Ana""\nhow can I help?"')
    expect(res.text).not.toContain('simulated text')
  })

  it('streams messages as a JSON array with the exact texts', async () => {
    const res = await download(owner, org.id, 'kind=messages&format=json')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/json')
    const rows = JSON.parse(res.text) as Record<string, unknown>[]
    expect(rows.map((r) => r.text)).toEqual([
      'Hello, world',
      'Hi "Ana"\nhow can I help?',
      '=1+1',
      'line1\r\nline2',
      '@cmd -x',
    ])
    expect(first(rows).media).toEqual([])
  })

  it('filters by date range, contact and tag', async () => {
    const texts = async (q: string) =>
      (
        JSON.parse((await download(owner, org.id, `kind=messages&format=json&${q}`)).text) as {
          text: string
        }[]
      ).map((r) => r.text)
    expect(await texts('from=2026-01-15&to=2026-02-10')).toEqual(['=1+1', 'line1\r\nline2'])
    expect(await texts('from=2026-01-10T10:00:01Z&to=2026-01-20T09:00:00Z')).toEqual([
      'Hi "Ana"\nhow can I help?',
    ])
    expect(await texts(`contactId=${data.bob.id}`)).toEqual(['=1+1', '@cmd -x'])
    expect(await texts('tag=vip&from=2026-02-01')).toEqual(['line1\r\nline2'])
    expect(await texts('tag=nobody')).toEqual([])

    const convs = JSON.parse(
      (await download(owner, org.id, 'kind=conversations&format=json&to=2026-01-31')).text,
    )
    expect(convs).toHaveLength(2)
    const anaConv = convs.find((c: { contact_id: string }) => c.contact_id === data.ana.id)
    expect(anaConv).toMatchObject({
      message_count: 2,
      inbound_count: 1,
      outbound_count: 1,
      first_message_at: '2026-01-10T10:00:00.000000Z',
      last_message_at: '2026-01-10T10:00:01.000000Z',
    })
    const allConvs = JSON.parse((await download(owner, org.id, 'kind=conversations&format=json')).text)
    expect(allConvs.find((c: { contact_id: string }) => c.contact_id === data.ana.id).message_count).toBe(3)

    const contactsCsv = csvObjects((await download(owner, org.id, 'kind=contacts&format=csv&tag=vip')).text)
    expect(contactsCsv).toHaveLength(1)
    expect(first(contactsCsv)).toMatchObject({
      phone: data.ana.phone,
      name: 'Ana, "the" best',
      tags: 'vip',
      attributes: '{"city":"Paris"}',
      notes: 'Likes tea',
      opted_in: 'true',
      opted_out: 'false',
    })
    const since = csvObjects((await download(owner, org.id, 'kind=contacts&format=csv&from=2026-02-01')).text)
    expect(since.map((c) => c.phone)).toEqual([data.bob.phone])

    const usage = csvObjects((await download(owner, org.id, 'kind=usage&format=csv&from=2026-02-01')).text)
    expect(usage.map((u) => [u.month, u.message_count])).toEqual([
      ['2026-02', '30'],
      ['2026-03', '7'],
    ])
  })

  it('refuses bad input with 400 in the error shape', async () => {
    for (const q of [
      'kind=bogus',
      'kind=messages&format=xml',
      'kind=messages&from=yesterday',
      'format=csv',
    ]) {
      const res = await download(owner, org.id, q)
      expect(res.status, q).toBe(400)
      expect(JSON.parse(res.text).error.code).toBe('BAD_REQUEST')
    }
    const bad = await api(rt, owner, 'POST', `/api/organizations/${org.id}/exports`, {
      kind: 'messages',
      format: 'csv',
      filters: { from: 'not a date' },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('BAD_REQUEST')
    const rows = await rt.services.db.select().from(dataExports).where(eq(dataExports.organizationId, org.id))
    expect(rows).toHaveLength(0)
  })

  it('runs a background export: progress, completion, a link that works without a session, expiry', async () => {
    const created = await api(rt, owner, 'POST', `/api/organizations/${org.id}/exports`, {
      kind: 'messages',
      format: 'csv',
      filters: { tag: 'vip' },
    })
    expect(created.status, JSON.stringify(created.body)).toBe(202)
    expect(created.body.export).toMatchObject({
      kind: 'messages',
      format: 'csv',
      filters: { tag: 'vip' },
      status: 'queued',
      downloadUrl: null,
    })
    const id = created.body.export.id as string
    const done = await waitFor(async () => {
      const r = await api(rt, owner, 'GET', `/api/organizations/${org.id}/exports/${id}`)
      return r.body.export.status === 'completed' ? r.body.export : undefined
    })
    expect(done).toMatchObject({ processedRows: 3, totalRows: 3, failureReason: null })
    expect(done.sizeBytes).toBeGreaterThan(0)
    expect(Date.parse(done.expiresAt) - Date.parse(done.finishedAt)).toBe(
      rt.config.exports.linkHours * 3_600_000,
    )
    expect(done.downloadUrl).toMatch(new RegExp(`^/api/exports/${id}/file\\?token=[\\w-]+$`))

    const file = await rt.request(done.downloadUrl)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-disposition')).toMatch(/attachment; filename="Cafe-Unicode-Co-messages-/)
    const text = await file.text()
    expect(text).toBe((await download(owner, org.id, 'kind=messages&format=csv&tag=vip')).text)
    expect(Number(file.headers.get('content-length'))).toBe(done.sizeBytes)

    const list = await api(rt, owner, 'GET', `/api/organizations/${org.id}/exports`)
    expect(list.body.exports.map((e: { id: string }) => e.id)).toContain(id)

    const tampered = await rt.request(`${done.downloadUrl.slice(0, -3)}AAA`)
    expect(tampered.status).toBe(404)
    expect((await tampered.json()).error.code).toBe('NOT_FOUND')
    const noToken = await rt.request(`/api/exports/${id}/file`)
    expect(noToken.status).toBe(400)

    // The link's time runs out: refused, then the hourly job deletes the file.
    const path = `${rt.config.exports.dir}/${id}.csv`
    expect(existsSync(path)).toBe(true)
    const expiresAt = new Date(Date.now() - 1000)
    await rt.services.db.update(dataExports).set({ expiresAt }).where(eq(dataExports.id, id))
    const { downloadToken } = await import('../src/server/core/exports/view.js')
    const expiredLink = `/api/exports/${id}/file?token=${downloadToken(rt.config, id, expiresAt)}`
    const expired = await rt.request(expiredLink)
    expect(expired.status).toBe(404)
    expect((await expired.json()).error.message).toMatch(/expired/)
    await expireExports({ ctx: rt.services })
    expect(existsSync(path)).toBe(false)
    const after = await api(rt, owner, 'GET', `/api/organizations/${org.id}/exports/${id}`)
    expect(after.body.export).toMatchObject({ status: 'expired', downloadUrl: null })
  })

  it('deletes an export and its file, with audit entries', async () => {
    const created = await api(rt, owner, 'POST', `/api/organizations/${org.id}/exports`, {
      kind: 'contacts',
      format: 'json',
    })
    expect(created.status).toBe(202)
    const id = created.body.export.id as string
    await waitFor(async () => {
      const r = await api(rt, owner, 'GET', `/api/organizations/${org.id}/exports/${id}`)
      return r.body.export.status === 'completed'
    })
    const path = `${rt.config.exports.dir}/${id}.json`
    const body = JSON.parse(
      (await rt
        .request(
          (
            await api(rt, owner, 'GET', `/api/organizations/${org.id}/exports/${id}`)
          ).body.export.downloadUrl,
        )
        .then((r) => r.text())) as string,
    )
    expect(body.map((c: { phone: string }) => c.phone).sort()).toEqual(
      [data.ana.phone, data.bob.phone].sort(),
    )
    expect(existsSync(path)).toBe(true)
    const del = await api(rt, owner, 'DELETE', `/api/organizations/${org.id}/exports/${id}`)
    expect(del.status).toBe(204)
    expect(existsSync(path)).toBe(false)
    expect((await api(rt, owner, 'GET', `/api/organizations/${org.id}/exports/${id}`)).status).toBe(404)
    expect((await api(rt, owner, 'DELETE', `/api/organizations/${org.id}/exports/${id}`)).status).toBe(404)
    const audit = await rt.services.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, org.id), eq(auditLog.targetId, id)))
    expect(audit.map((a) => a.action).sort()).toEqual(['export.created', 'export.deleted'])
  })

  it('allows 5 exports queued or running at once (409 OVER_LIMIT beyond)', async () => {
    const { owner: o2, org: org2 } = await ownerWithOrganization(rt)
    await rt.services.db.insert(dataExports).values(
      Array.from({ length: 5 }, () => ({
        organizationId: org2.id,
        kind: 'usage' as const,
        format: 'csv' as const,
        status: 'running' as const,
      })),
    )
    const res = await api(rt, o2, 'POST', `/api/organizations/${org2.id}/exports`, {
      kind: 'usage',
      format: 'csv',
    })
    expect(res.status).toBe(409)
    expect(res.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'OVER_LIMIT' } })
  })

  it('security: no session 401, agent and viewer 403, another organization 404', async () => {
    const agent = await signUp(rt)
    const viewer = await signUp(rt)
    const admin = await signUp(rt)
    await addMember(rt, owner, org.id, agent, 'agent')
    await addMember(rt, owner, org.id, viewer, 'viewer')
    await addMember(rt, owner, org.id, admin, 'admin')
    const { owner: stranger, org: other } = await ownerWithOrganization(rt)
    const created = await api(rt, owner, 'POST', `/api/organizations/${org.id}/exports`, {
      kind: 'usage',
      format: 'csv',
    })
    const id = created.body.export.id as string
    const routes: [string, string, unknown?][] = [
      ['GET', `/api/organizations/${org.id}/exports/download-now?kind=messages`],
      ['POST', `/api/organizations/${org.id}/exports`, { kind: 'usage', format: 'csv' }],
      ['GET', `/api/organizations/${org.id}/exports`],
      ['GET', `/api/organizations/${org.id}/exports/${id}`],
      ['DELETE', `/api/organizations/${org.id}/exports/${id}`],
    ]
    for (const [method, path, body] of routes) {
      expect((await api(rt, undefined, method, path, body)).status, `${method} ${path}`).toBe(401)
      expect((await api(rt, agent, method, path, body)).status, `${method} ${path}`).toBe(403)
      expect((await api(rt, viewer, method, path, body)).status, `${method} ${path}`).toBe(403)
      expect((await api(rt, stranger, method, path, body)).status, `${method} ${path}`).toBe(404)
    }
    // Another organization's export id under one's own organization: 404.
    expect((await api(rt, stranger, 'GET', `/api/organizations/${other.id}/exports/${id}`)).status).toBe(404)
    expect((await api(rt, admin, 'GET', `/api/organizations/${org.id}/exports/${id}`)).status).toBe(200)
    const dl = await download(admin, org.id, 'kind=usage')
    expect(dl.status).toBe(200)
  })
})

describe('exports at scale', () => {
  it('streams 100,000 messages in bounded memory, every row arriving', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const [c] = await rt.services.db
      .insert(contacts)
      .values({ organizationId: org.id, waId: uniquePhone('+1666'), name: 'Big' })
      .returning()
    const contact = defined(c, 'contact')
    const [conv] = await rt.services.db
      .insert(conversations)
      .values({ organizationId: org.id, contactId: contact.id, channelNumber: '+17770000001' })
      .returning()
    const conversation = defined(conv, 'conversation')
    const N = 100_000
    await rt.services.db.execute(sql`
      insert into messages (organization_id, conversation_id, direction, body, status, source, created_at)
      select ${org.id}, ${conversation.id}, 'inbound', 'Message number ' || g || ', with a comma', 'received',
        'customer', timestamptz '2026-01-01T00:00:00Z' + (g / 3) * interval '1 second'
      from generate_series(1, ${N}::int) g`)
    const [{ n } = { n: 0 }] = await queryRows<{ n: number }>(
      rt.services.db,
      sql`select count(*)::int as n from messages where organization_id = ${org.id}`,
    )
    expect(n).toBe(N)

    const res = await rt.request(
      `/api/organizations/${org.id}/exports/download-now?kind=messages&format=csv`,
      {
        headers: { cookie: owner.cookie },
      },
    )
    expect(res.status).toBe(200)
    const reader = defined(res.body, 'a body').getReader()
    const decoder = new TextDecoder()
    // Live memory, not garbage waiting for a collection: collect before each sample.
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    gc()
    const baseline = process.memoryUsage()
    let peak = 0
    let peakRss = 0
    let reads = 0
    let lines = 0
    let tail = ''
    const seen = new Set<number>()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      const text = tail + decoder.decode(value, { stream: true })
      const parts = text.split('\r\n')
      tail = parts.pop() ?? ''
      for (const line of parts) {
        lines++
        const m = /Message number (\d+),/.exec(line)
        if (m) seen.add(Number(m[1]))
      }
      if (++reads % 10 === 0) {
        gc()
        const now = process.memoryUsage()
        peak = Math.max(peak, now.heapUsed - baseline.heapUsed)
        peakRss = Math.max(peakRss, now.rss - baseline.rss)
      }
    }
    expect(tail).toBe('')
    expect(lines).toBe(N + 1)
    // Every row once, none twice (the keyset survives messages sharing an instant).
    expect(seen.size).toBe(N)
    // The whole file is about 8 MB of text, and far more as rows and objects: holding it would show.
    expect(peak).toBeLessThan(60 * 1024 * 1024)
    // PGlite's database lives in this process (its page cache is in rss); a PostgreSQL server does not.
    if (rt.database.kind === 'postgres') expect(peakRss).toBeLessThan(60 * 1024 * 1024)
  }, 300_000)
})
