import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { analyticsRange } from '../src/server/core/analytics/range.js'
import {
  answerScores,
  contacts,
  conversations,
  experiments,
  experimentVariants,
  messages,
  organizations,
} from '../src/server/db/schema/index.js'
import type { ScoredPassage } from '../src/server/db/schema/insight.js'
import { first } from './support/defined.js'
import { addMember, api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { ENTERPRISE } from './support/setups.js'

// Every figure below is worked out by hand from the rows inserted here (no reply path involved),
// for an organization in UTC and one in Auckland (UTC+13 in January), so that day and hour
// boundaries fall differently.

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

const at = (iso: string) => new Date(iso)
let phone = 0

async function setZone(orgId: string, timezone: string) {
  await rt.services.db
    .update(organizations)
    .set({
      businessHours: sql`jsonb_set(${organizations.businessHours}, '{timezone}', to_jsonb(${timezone}::text))`,
    })
    .where(eq(organizations.id, orgId))
}

async function conversation(
  orgId: string,
  opts: Partial<typeof conversations.$inferInsert> = {},
  simulated = false,
) {
  const contact = first(
    await rt.services.db
      .insert(contacts)
      .values({ organizationId: orgId, waId: `+1555${String(++phone).padStart(7, '0')}`, simulated })
      .returning(),
  )
  const conv = first(
    await rt.services.db
      .insert(conversations)
      .values({ organizationId: orgId, contactId: contact.id, channelNumber: '+15550000000', ...opts })
      .returning(),
  )
  return conv.id
}

async function message(
  orgId: string,
  conversationId: string,
  source: (typeof messages.$inferInsert)['source'],
  createdAt: string,
  opts: Partial<typeof messages.$inferInsert> = {},
) {
  const inbound = source === 'customer'
  const row = first(
    await rt.services.db
      .insert(messages)
      .values({
        organizationId: orgId,
        conversationId,
        source,
        direction: inbound ? 'inbound' : 'outbound',
        status: inbound ? 'received' : 'delivered',
        body: `${source} message`,
        createdAt: at(createdAt),
        ...opts,
      })
      .returning(),
  )
  return row.id
}

async function score(
  orgId: string,
  conversationId: string,
  messageId: string,
  value: number,
  passages: ScoredPassage[],
  escalated = false,
) {
  await rt.services.db.insert(answerScores).values({
    messageId,
    organizationId: orgId,
    conversationId,
    score: value,
    passages,
    escalated,
    fromKnowledge: passages.length > 0,
  })
}

const FORMULA_TITLE = '=HYPERLINK("x"), "hours"\nmore'

let owner: TestUser
let alice: TestUser
let viewer: TestUser
let utcOrg: { id: string }
let nzOrg: { id: string }
let variants: { friendly: string; formal: string; experiment: string }

beforeAll(async () => {
  owner = await signUp(rt, { name: 'Olive Owner' })
  alice = await signUp(rt, { name: '@Alice' })
  viewer = await signUp(rt, { name: 'Vic Viewer' })
  utcOrg = await createOrganization(rt, owner, ENTERPRISE)
  nzOrg = await createOrganization(rt, owner, ENTERPRISE)
  await addMember(rt, owner, utcOrg.id, alice, 'agent')
  await addMember(rt, owner, utcOrg.id, viewer, 'viewer')
  await setZone(utcOrg.id, 'UTC')
  await setZone(nzOrg.id, 'Pacific/Auckland')
  const org = utcOrg.id

  const experiment = first(
    await rt.services.db
      .insert(experiments)
      .values({ organizationId: org, name: 'Tone test', status: 'ended' })
      .returning(),
  )
  const friendly = first(
    await rt.services.db
      .insert(experimentVariants)
      .values({ experimentId: experiment.id, organizationId: org, name: 'Friendly', weight: 50 })
      .returning(),
  )
  const formal = first(
    await rt.services.db
      .insert(experimentVariants)
      .values({ experimentId: experiment.id, organizationId: org, name: 'Formal', weight: 50 })
      .returning(),
  )
  variants = { friendly: friendly.id, formal: formal.id, experiment: experiment.id }

  // 1. Answered by the AI alone (Monday 09:00 UTC): 2 s and 4 s, from the knowledge.
  const c1 = await conversation(org)
  const q1 = await message(org, c1, 'customer', '2025-01-06T09:00:00Z', { body: 'When do you open?' })
  await message(org, c1, 'welcome', '2025-01-06T09:00:00.050Z', { replyToId: q1 })
  const a1 = await message(org, c1, 'ai', '2025-01-06T09:00:00.100Z', {
    replyToId: q1,
    sentAt: at('2025-01-06T09:00:02Z'),
    variantId: variants.friendly,
  })
  await score(org, c1, a1, 0.8, [
    { sourceId: 's1', title: 'Prices', score: 0.4 },
    { sourceId: 's2', title: 'Opening hours', score: 0.9 },
  ])
  const q2 = await message(org, c1, 'customer', '2025-01-06T09:10:00Z', { body: 'And on Sundays?' })
  const a2 = await message(org, c1, 'ai', '2025-01-06T09:10:00.100Z', {
    replyToId: q2,
    sentAt: at('2025-01-06T09:10:04Z'),
    variantId: variants.friendly,
  })
  await score(org, c1, a2, 0.6, [{ sourceId: 's3', title: FORMULA_TITLE, score: 0.7 }])
  // Outside the range on either side: never counted.
  await message(org, c1, 'customer', '2025-01-05T23:59:59Z')
  await message(org, c1, 'customer', '2025-01-13T00:00:00Z')

  // 2. The AI hands over (customer asked, Tuesday 14:00), then @Alice answers twice, 5 min and 1 min
  // after the customer's latest message; her third message in a row is no new response.
  const c2 = await conversation(org, {
    status: 'human',
    attentionReason: 'customer_asked',
    attentionSince: null,
  })
  const q3 = await message(org, c2, 'customer', '2025-01-07T14:00:00Z', {
    body: 'I want to talk to a person please',
  })
  const a3 = await message(org, c2, 'ai', '2025-01-07T14:00:00.100Z', {
    replyToId: q3,
    sentAt: at('2025-01-07T14:00:06Z'),
    variantId: variants.formal,
  })
  await score(org, c2, a3, 0.2, [], true)
  await message(org, c2, 'agent', '2025-01-07T14:05:00Z', { authorUserId: alice.id })
  await message(org, c2, 'customer', '2025-01-07T14:06:00Z', { body: 'Can you deliver my sofa tomorrow?' })
  await message(org, c2, 'agent', '2025-01-07T14:07:00Z', { authorUserId: alice.id })
  await message(org, c2, 'agent', '2025-01-07T14:08:00Z', { authorUserId: alice.id })

  // 3. The owner steps in unasked (Wednesday 23:30 UTC; the reply lands on Thursday), after an AI answer in 8 s.
  const c3 = await conversation(org, { status: 'human' })
  const q5 = await message(org, c3, 'customer', '2025-01-08T23:30:00Z', {
    body: 'Where is my sofa delivery?',
  })
  await message(org, c3, 'ai', '2025-01-08T23:30:00.100Z', {
    replyToId: q5,
    sentAt: at('2025-01-08T23:30:08Z'),
  })
  await message(org, c3, 'agent', '2025-01-09T00:30:00Z', { authorUserId: owner.id })

  // 4. The monthly limit: flagged, still waiting (Sunday 22:00); the planned answer failed.
  const c4 = await conversation(org, {
    needsAttention: true,
    attentionReason: 'limit_reached',
    attentionSince: at('2025-01-12T22:00:01Z'),
  })
  const q6 = await message(org, c4, 'customer', '2025-01-12T22:00:00Z', { body: 'Sofa delivery price??' })
  await message(org, c4, 'ai', '2025-01-12T22:00:00.100Z', { replyToId: q6, status: 'failed' })

  // 5. A simulated customer: nothing of it counts.
  const c5 = await conversation(org, { status: 'human', attentionReason: 'customer_asked' }, true)
  const q7 = await message(org, c5, 'customer', '2025-01-06T10:00:00Z', { body: 'sofa sofa' })
  await message(org, c5, 'ai', '2025-01-06T10:00:00.100Z', {
    replyToId: q7,
    sentAt: at('2025-01-06T10:00:01Z'),
  })
  await message(org, c5, 'agent', '2025-01-06T10:01:00Z', { authorUserId: owner.id })

  // Auckland (UTC+13): 11:30 UTC on Sunday the 5th is 00:30 on Monday the 6th there.
  const n1 = await conversation(nzOrg.id)
  const nq1 = await message(nzOrg.id, n1, 'customer', '2025-01-05T11:30:00Z')
  await message(nzOrg.id, n1, 'ai', '2025-01-05T11:30:00.100Z', {
    replyToId: nq1,
    sentAt: at('2025-01-05T11:30:01.500Z'),
  })
  await message(nzOrg.id, n1, 'customer', '2025-01-12T10:59:00Z') // Sunday 23:59 there
  await message(nzOrg.id, n1, 'customer', '2025-01-12T11:00:00Z') // Monday the 13th there: out
  await message(nzOrg.id, n1, 'customer', '2025-01-05T10:59:00Z') // Sunday the 5th there: out
})

const WEEK = 'from=2025-01-06&to=2025-01-12'
const get = (user: TestUser | undefined, orgId: string, query = WEEK, headers: Record<string, string> = {}) =>
  api(rt, user, 'GET', `/api/organizations/${orgId}/analytics?${query}`, undefined, headers)
const csv = async (user: TestUser | undefined, orgId: string, chart: string, query = WEEK, headers = {}) => {
  const res = await rt.request(`/api/organizations/${orgId}/analytics/${chart}.csv?${query}`, {
    headers: { ...(user ? { cookie: user.cookie } : {}), ...headers },
  })
  return { status: res.status, text: await res.text(), headers: res.headers }
}
/** [weekday][hour] counts: zero but for the cells given as [weekday, hour, count]. */
const week = (...cells: [number, number, number][]) =>
  Array.from({ length: 7 }, (_, d) =>
    Array.from({ length: 24 }, (_, h) => cells.find(([cd, ch]) => cd === d && ch === h)?.[2] ?? 0),
  )

describe('GET /api/organizations/{id}/analytics', () => {
  it('measures response times, resolution, hand-offs and sources in UTC', async () => {
    const res = await get(owner, utcOrg.id)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    const a = res.body
    expect(a.timezone).toBe('UTC')
    expect(a.range).toEqual({ from: '2025-01-06', to: '2025-01-12', days: 7 })
    // AI: 2000, 4000, 6000, 8000 ms (the failed answer never left).
    expect(a.responseTime.ai).toEqual({ p50: 5000, p90: 7400, p99: 7940, count: 4 })
    // Agents: 60 000, 300 000, 3 600 000 ms.
    expect(a.responseTime.agent).toEqual({ p50: 300_000, p90: 2_940_000, p99: 3_534_000, count: 3 })
    expect(a.conversations).toEqual({ total: 4, resolvedByAi: 1, handedOff: 3 })
    expect(a.resolutionRate).toBe(0.25)
    expect(a.handOffRate).toBe(0.75)
    expect(a.handOffReasons).toEqual([
      { reason: 'customer_asked', count: 1 },
      { reason: 'assistant_unable', count: 0 },
      { reason: 'customer_waiting', count: 0 },
      { reason: 'limit_reached', count: 1 },
      { reason: 'send_failed', count: 0 },
      { reason: 'agent_took_over', count: 1 },
    ])
    expect(a.bySource).toMatchObject({
      customer: 6,
      ai: 4,
      agent: 4,
      welcome: 1,
      broadcast: 0,
      out_of_hours: 0,
    })
    expect(a.quality).toEqual({ meanScore: 0.5333, scored: 3 })
  })

  it('builds the heatmap and the days in the organization’s zone', async () => {
    const utc = (await get(owner, utcOrg.id)).body
    // Monday 09h, Tuesday 14h, Wednesday 23h, Sunday 22h.
    expect(utc.heatmap).toEqual(week([0, 9, 2], [1, 14, 2], [2, 23, 1], [6, 22, 1]))
    const day = (
      date: string,
      customerMessages: number,
      aiAnswers: number,
      agentMessages: number,
      handOffs: number,
    ) => ({
      date,
      customerMessages,
      aiAnswers,
      agentMessages,
      handOffs,
    })
    expect(utc.daily).toEqual([
      day('2025-01-06', 2, 2, 0, 0),
      day('2025-01-07', 2, 1, 3, 1),
      day('2025-01-08', 1, 1, 0, 0),
      day('2025-01-09', 0, 0, 1, 1),
      day('2025-01-10', 0, 0, 0, 0),
      day('2025-01-11', 0, 0, 0, 0),
      day('2025-01-12', 1, 0, 0, 1),
    ])

    const nz = (await get(owner, nzOrg.id)).body
    expect(nz.timezone).toBe('Pacific/Auckland')
    // Monday 00:30 and Sunday 23:59 there.
    expect(nz.heatmap).toEqual(week([0, 0, 1], [6, 23, 1]))
    expect(nz.daily.map((d: { customerMessages: number }) => d.customerMessages)).toEqual([
      1, 0, 0, 0, 0, 0, 1,
    ])
    expect(nz.daily[0]).toEqual(day('2025-01-06', 1, 1, 0, 0))
    expect(nz.responseTime.ai).toEqual({ p50: 1500, p90: 1500, p99: 1500, count: 1 })
    expect(nz.conversations).toEqual({ total: 1, resolvedByAi: 1, handedOff: 0 })
    expect(nz.resolutionRate).toBe(1)
    // The 5th there ends at 11:00 UTC: 10:59 is on it, 11:30 (answered) is not.
    const shifted = (await get(owner, nzOrg.id, 'from=2025-01-05&to=2025-01-05')).body
    expect(shifted.daily).toEqual([day('2025-01-05', 1, 0, 0, 0)])
  })

  it('ranks topics, agents and variants', async () => {
    const a = (await get(owner, utcOrg.id)).body
    // Passages: the best-scoring title of each answer; the rest by content word ("sofa" in three
    // questions, "delivery" in two); the hand-off request has only wording words.
    expect(a.topTopics.slice(0, 2)).toEqual([
      { topic: 'sofa', kind: 'word', count: 3 },
      { topic: 'delivery', kind: 'word', count: 2 },
    ])
    expect(a.topTopics.slice(2)).toHaveLength(4)
    expect(a.topTopics.slice(2)).toEqual(
      expect.arrayContaining([
        { topic: 'Opening hours', kind: 'passage', count: 1 },
        { topic: FORMULA_TITLE, kind: 'passage', count: 1 },
        { topic: 'deliver', kind: 'word', count: 1 },
        { topic: 'price', kind: 'word', count: 1 },
      ]),
    )
    expect(a.perAgent).toEqual([
      {
        userId: alice.id,
        name: '@Alice',
        email: alice.email,
        messages: 3,
        conversations: 1,
        medianFirstResponseMs: 180_000,
      },
      {
        userId: owner.id,
        name: 'Olive Owner',
        email: owner.email,
        messages: 1,
        conversations: 1,
        medianFirstResponseMs: 3_600_000,
      },
    ])
    expect(a.perVariant).toEqual([
      {
        variantId: variants.formal,
        variantName: 'Formal',
        experimentId: variants.experiment,
        experimentName: 'Tone test',
        answers: 1,
        meanScore: 0.2,
        scored: 1,
        handOffs: 1,
      },
      {
        variantId: variants.friendly,
        variantName: 'Friendly',
        experimentId: variants.experiment,
        experimentName: 'Tone test',
        answers: 2,
        meanScore: 0.7,
        scored: 2,
        handOffs: 0,
      },
    ])
  })

  it('answers an empty range with zeros and nulls', async () => {
    const res = await get(owner, utcOrg.id, 'from=2024-02-01&to=2024-02-29')
    expect(res.status).toBe(200)
    const a = res.body
    expect(a.range).toEqual({ from: '2024-02-01', to: '2024-02-29', days: 29 })
    expect(a.responseTime).toEqual({
      ai: { p50: null, p90: null, p99: null, count: 0 },
      agent: { p50: null, p90: null, p99: null, count: 0 },
    })
    expect(a.conversations).toEqual({ total: 0, resolvedByAi: 0, handedOff: 0 })
    expect(a.resolutionRate).toBeNull()
    expect(a.handOffRate).toBeNull()
    expect(a.handOffReasons.every((r: { count: number }) => r.count === 0)).toBe(true)
    expect(a.heatmap).toEqual(week())
    expect(a.topTopics).toEqual([])
    expect(Object.values(a.bySource).every((n) => n === 0)).toBe(true)
    expect(a.perAgent).toEqual([])
    expect(a.perVariant).toEqual([])
    expect(a.quality).toEqual({ meanScore: null, scored: 0 })
    expect(a.daily).toHaveLength(29)
    expect(
      a.daily.every(
        (d: { customerMessages: number; handOffs: number }) => d.customerMessages + d.handOffs === 0,
      ),
    ).toBe(true)
  })

  it('defaults to the last 30 days and refuses bad ranges', async () => {
    const res = await get(owner, nzOrg.id, '')
    expect(res.status).toBe(200)
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Auckland' }).format(new Date())
    expect(res.body.range.to).toBe(today)
    expect(res.body.range.days).toBe(30)
    expect(res.body.daily).toHaveLength(30)
    // A whole leap year is allowed; one day more is not.
    expect((await get(owner, utcOrg.id, 'from=2024-01-01&to=2024-12-31')).status).toBe(200)
    for (const query of [
      'from=2024-01-01&to=2025-01-01',
      'from=2025-01-12&to=2025-01-06',
      'from=2025-02-30&to=2025-03-01',
      'from=2025/01/01',
      'to=yesterday',
    ]) {
      const bad = await get(owner, utcOrg.id, query)
      expect(bad.status, query).toBe(400)
      expect(bad.body.error.code).toBe('BAD_REQUEST')
      expect((await csv(owner, utcOrg.id, 'daily', query)).status, query).toBe(400)
    }
    expect(analyticsRange({ from: '2025-03-01' }, 'UTC', new Date('2025-03-10T12:00:00Z'))).toEqual({
      from: '2025-03-01',
      to: '2025-03-10',
      days: 10,
    })
  })

  it('is for members with stats:read and for API keys with that scope', async () => {
    expect((await get(undefined, utcOrg.id)).status).toBe(401)
    expect((await csv(undefined, utcOrg.id, 'daily')).status).toBe(401)
    const stranger = await signUp(rt)
    expect((await get(stranger, utcOrg.id)).status).toBe(404)
    expect((await csv(stranger, utcOrg.id, 'daily')).status).toBe(404)
    // Another tenant's owner cannot read this one.
    const other = await signUp(rt)
    await createOrganization(rt, other)
    expect((await get(other, nzOrg.id)).status).toBe(404)
    expect((await get(viewer, utcOrg.id)).status).toBe(200)
    expect((await csv(viewer, utcOrg.id, 'agents')).status).toBe(200)

    const key = async (scopes: string[]) => {
      const res = await api(rt, owner, 'POST', `/api/organizations/${utcOrg.id}/api-keys`, {
        name: 'k',
        scopes,
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      return { authorization: `Bearer ${res.body.secret}` }
    }
    const reader = await key(['stats:read'])
    const other1 = await key(['conversations:read', 'contacts:read'])
    const byKey = await get(undefined, utcOrg.id, WEEK, reader)
    expect(byKey.status).toBe(200)
    expect(byKey.body.conversations.total).toBe(4)
    expect((await csv(undefined, utcOrg.id, 'daily', WEEK, reader)).status).toBe(200)
    expect((await get(undefined, utcOrg.id, WEEK, other1)).status).toBe(403)
    expect((await csv(undefined, utcOrg.id, 'daily', WEEK, other1)).status).toBe(403)
    // A key reaches only its own organization.
    expect((await get(undefined, nzOrg.id, WEEK, reader)).status).toBe(404)
    // An unknown chart is a 404 to a reader, a 403 to a key that may not read analytics at all.
    expect((await csv(undefined, utcOrg.id, 'nope', WEEK, reader)).status).toBe(404)
    expect((await csv(undefined, utcOrg.id, 'nope', WEEK, other1)).status).toBe(403)
  })
})

describe('GET /api/organizations/{id}/analytics/{chart}.csv', () => {
  it('serves each chart as an attachment named after its range', async () => {
    const daily = await csv(owner, utcOrg.id, 'daily')
    expect(daily.status).toBe(200)
    expect(daily.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(daily.headers.get('content-disposition')).toBe(
      'attachment; filename="analytics-daily-2025-01-06-to-2025-01-12.csv"',
    )
    expect(daily.text).toBe(
      [
        'date,customer_messages,ai_answers,agent_messages,hand_offs',
        '2025-01-06,2,2,0,0',
        '2025-01-07,2,1,3,1',
        '2025-01-08,1,1,0,0',
        '2025-01-09,0,0,1,1',
        '2025-01-10,0,0,0,0',
        '2025-01-11,0,0,0,0',
        '2025-01-12,1,0,0,1',
        '',
      ].join('\r\n'),
    )
    expect((await csv(owner, utcOrg.id, 'response-times')).text).toBe(
      'responder,count,p50_ms,p90_ms,p99_ms\r\nai,4,5000,7400,7940\r\nagent,3,300000,2940000,3534000\r\n',
    )
    expect((await csv(owner, utcOrg.id, 'handoffs')).text).toBe(
      'reason,conversations\r\ncustomer_asked,1\r\nassistant_unable,0\r\ncustomer_waiting,0\r\nlimit_reached,1\r\nsend_failed,0\r\nagent_took_over,1\r\n',
    )
    const heat = (await csv(owner, nzOrg.id, 'heatmap')).text.split('\r\n')
    expect(heat[0]).toBe(
      `weekday,${Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')).join(',')}`,
    )
    expect(heat[1]).toBe(`Monday,1${',0'.repeat(23)}`)
    expect(heat[7]).toBe(`Sunday${',0'.repeat(23)},1`)
    const sources = (await csv(owner, utcOrg.id, 'sources')).text
    expect(sources).toContain('source,messages\r\ncustomer,6\r\nai,4\r\n')
    expect(sources).toContain('\r\nagent,4\r\n')
    const variantsCsv = (await csv(owner, utcOrg.id, 'variants')).text
    expect(variantsCsv).toBe(
      'experiment,variant,variant_id,answers,mean_score,scored,hand_offs\r\n' +
        `Tone test,Formal,${variants.formal},1,0.2,1,1\r\n` +
        `Tone test,Friendly,${variants.friendly},2,0.7,2,0\r\n`,
    )
  })

  it('escapes quotes, commas and line breaks and neutralises formulas', async () => {
    const topics = (await csv(owner, utcOrg.id, 'topics')).text
    expect(topics.startsWith('topic,kind,count\r\nsofa,word,3\r\ndelivery,word,2\r\n')).toBe(true)
    expect(topics).toContain('"\'=HYPERLINK(""x""), ""hours""\nmore",passage,1\r\n')
    const agents = (await csv(owner, utcOrg.id, 'agents')).text
    expect(agents).toBe(
      'user_id,name,email,messages,conversations,median_first_response_ms\r\n' +
        `${alice.id},'@Alice,${alice.email},3,1,180000\r\n` +
        `${owner.id},Olive Owner,${owner.email},1,1,3600000\r\n`,
    )
  })
})
