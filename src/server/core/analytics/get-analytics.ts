import { sql } from 'drizzle-orm'
import { ATTENTION_REASONS, MESSAGE_SOURCES, type MessageSource } from '../../../shared/enums.js'
import { queryRows } from '../../db/client.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { ftsConfigFor } from '../knowledge/language.js'
import { authorizeOrganization } from '../members/permissions.js'
import { usableTimeZone } from '../organizations/time-zones.js'
import { loadOrganization } from '../organizations/view.js'
import { analyticsRange, type DateRange, daysOf } from './range.js'
import { type Topic, topTopics } from './topics.js'

/** A hand-off reason: the conversation's attention reason, or a person who stepped in unasked. */
export const HAND_OFF_REASONS = [...ATTENTION_REASONS, 'agent_took_over'] as const
export type HandOffReason = (typeof HAND_OFF_REASONS)[number]

export interface Percentiles {
  p50: number | null
  p90: number | null
  p99: number | null
  count: number
}

export interface Analytics {
  timezone: string
  range: DateRange
  responseTime: { ai: Percentiles; agent: Percentiles }
  conversations: { total: number; resolvedByAi: number; handedOff: number }
  resolutionRate: number | null
  handOffRate: number | null
  handOffReasons: { reason: HandOffReason; count: number }[]
  /** [weekday Monday..Sunday][hour 0..23]: customer messages, in the organization's zone. */
  heatmap: number[][]
  topTopics: Topic[]
  bySource: Record<MessageSource, number>
  perAgent: {
    userId: string
    name: string | null
    email: string | null
    messages: number
    conversations: number
    medianFirstResponseMs: number | null
  }[]
  perVariant: {
    variantId: string
    variantName: string | null
    experimentId: string | null
    experimentName: string | null
    answers: number
    meanScore: number | null
    scored: number
    handOffs: number
  }[]
  quality: { meanScore: number | null; scored: number }
  daily: {
    date: string
    customerMessages: number
    aiAnswers: number
    agentMessages: number
    handOffs: number
  }[]
}

const ms = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)))
const score = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10_000) / 10_000)
const share = (part: number, whole: number) => (whole === 0 ? null : part / whole)

/**
 * The Analytics tab's deeper figures over a range of days in the organization's zone, computed in
 * SQL. Counted: messages of real customers (simulated contacts never) that were stored in the
 * range, outbound ones unless they failed. How each figure is measured is written in
 * docs/guide/analytics.md ("Advanced analytics").
 */
export async function getAnalytics(
  { ctx, input }: { ctx: ActorCtx; input: { organizationId: string; from?: string; to?: string } },
  now = new Date(),
): Promise<Analytics> {
  const orgId = input.organizationId
  await authorizeOrganization(ctx, orgId, 'stats:read')
  const org = await loadOrganization(ctx.db, orgId)
  if (!org) throw new NotFound('Organization')
  const tz = usableTimeZone(org.businessHours.timezone)
  const range = analyticsRange(input, tz, now)
  const start = sql`((${range.from}::date)::timestamp at time zone ${tz})`
  const end = sql`((${range.to}::date + 1)::timestamp at time zone ${tz})`
  // The messages every figure starts from; the index on (organization_id, created_at) finds them.
  const inRange = sql`m as (
    select m.id, m.conversation_id, m.source::text as source, m.created_at, m.sent_at, m.author_user_id,
      m.variant_id
    from messages m
    join conversations cv on cv.id = m.conversation_id
    join contacts ct on ct.id = cv.contact_id
    where m.organization_id = ${orgId} and m.created_at >= ${start} and m.created_at < ${end}
      and not ct.simulated and m.status not in ('failed', 'undelivered')
  )`

  // Counts by source, by day and by weekday × hour, in one pass.
  const counts = await queryRows<{
    source: string
    day: string | null
    dow: number | null
    hour: number | null
    n: number
  }>(
    ctx.db,
    sql`
    with ${inRange}, l as (select source, created_at at time zone ${tz} as local from m)
    select source, to_char(local, 'YYYY-MM-DD') as day, extract(isodow from local)::int as dow,
      extract(hour from local)::int as hour, count(*)::int as n
    from l
    group by grouping sets ((source, to_char(local, 'YYYY-MM-DD')),
      (source, extract(isodow from local), extract(hour from local)))`,
  )
  const bySource = Object.fromEntries(MESSAGE_SOURCES.map((s) => [s, 0])) as Record<MessageSource, number>
  const heatmap = Array.from({ length: 7 }, () => Array<number>(24).fill(0))
  const perDay = new Map<string, { customer: number; ai: number; agent: number }>()
  for (const r of counts) {
    const n = Number(r.n)
    if (r.day !== null) {
      if (r.source in bySource) bySource[r.source as MessageSource] += n
      const d = perDay.get(r.day) ?? { customer: 0, ai: 0, agent: 0 }
      if (r.source === 'customer' || r.source === 'ai' || r.source === 'agent') d[r.source] += n
      perDay.set(r.day, d)
    } else if (r.source === 'customer' && r.dow !== null && r.hour !== null) {
      const row = heatmap[Number(r.dow) - 1]
      if (row) row[Number(r.hour)] = n
    }
  }

  // AI: from the customer message to the answer going out (the answer row is planned, empty, when
  // the message arrives; sent_at is when it left). Agents: from the customer's latest message to
  // the first agent message after it (written: created_at), one sample per agent reply.
  const times = await queryRows<{
    kind: string
    user_id: string | null
    total: number
    n: number
    p50: number | null
    p90: number | null
    p99: number | null
  }>(
    ctx.db,
    sql`
    with ${inRange},
    ai as (
      select extract(epoch from (r.sent_at - q.created_at)) * 1000 as ms
      from m q join messages r on r.reply_to_id = q.id and r.source = 'ai'
      where q.source = 'customer' and r.sent_at is not null and r.status not in ('failed', 'undelivered')
    ),
    turns as (
      select m.source, m.created_at, m.author_user_id,
        lag(m.source) over w as prev_source, lag(m.created_at) over w as prev_at
      from messages m
      join conversations cv on cv.id = m.conversation_id
      join contacts ct on ct.id = cv.contact_id
      where m.organization_id = ${orgId} and m.created_at >= ${start} and not ct.simulated
        and m.source in ('customer', 'agent') and m.status not in ('failed', 'undelivered')
      window w as (partition by m.conversation_id order by m.created_at, m.id)
    ),
    agent as (
      select author_user_id, extract(epoch from (created_at - prev_at)) * 1000 as ms
      from turns where source = 'agent' and prev_source = 'customer' and prev_at < ${end}
    )
    select 'ai' as kind, null as user_id, 1 as total, count(*)::int as n,
      percentile_cont(0.5) within group (order by ms) as p50,
      percentile_cont(0.9) within group (order by ms) as p90,
      percentile_cont(0.99) within group (order by ms) as p99
    from ai
    union all
    select 'agent', author_user_id, grouping(author_user_id), count(*)::int,
      percentile_cont(0.5) within group (order by ms),
      percentile_cont(0.9) within group (order by ms),
      percentile_cont(0.99) within group (order by ms)
    from agent group by grouping sets ((author_user_id), ())`,
  )
  const percentiles = (r: (typeof times)[number] | undefined): Percentiles => ({
    p50: ms(r?.p50),
    p90: ms(r?.p90),
    p99: ms(r?.p99),
    count: Number(r?.n ?? 0),
  })
  const responseTime = {
    ai: percentiles(times.find((t) => t.kind === 'ai')),
    agent: percentiles(times.find((t) => t.kind === 'agent' && Number(t.total) === 1)),
  }
  const agentMedian = new Map(
    times.filter((t) => t.kind === 'agent' && Number(t.total) === 0).map((t) => [t.user_id, ms(t.p50)]),
  )

  // Each conversation the customer wrote in: handed to a person (and why, and when), or answered
  // by the AI alone.
  const convRows = await queryRows<{
    reason: HandOffReason | null
    day: string | null
    ai_answered: boolean
  }>(
    ctx.db,
    sql`
    with ${inRange},
    per as (
      select m.conversation_id,
        min(m.created_at) filter (where m.source = 'customer') as first_at,
        min(m.created_at) filter (where m.source = 'agent') as agent_at,
        min(m.created_at) filter (where m.source = 'ai' and s.escalated) as escalated_at,
        bool_or(m.source = 'ai') as ai_answered
      from m left join answer_scores s on s.message_id = m.id
      group by m.conversation_id
    ),
    c as (
      select per.*, cv.status, cv.attention_reason,
        case when cv.attention_since >= ${start} and cv.attention_since < ${end} then cv.attention_since end
          as episode_at
      from per join conversations cv on cv.id = per.conversation_id
      where per.first_at is not null
    ),
    h as (
      select c.*,
        case
          when escalated_at is not null or episode_at is not null
            then coalesce(attention_reason, 'assistant_unable')
          when agent_at is not null or status = 'human' then 'agent_took_over'
        end as reason,
        case
          when escalated_at is not null or episode_at is not null then least(escalated_at, episode_at)
          else coalesce(agent_at, first_at)
        end as handed_at
      from c
    )
    select reason, ai_answered,
      case when reason is not null then to_char(handed_at at time zone ${tz}, 'YYYY-MM-DD') end as day
    from h`,
  )
  const reasons = new Map<HandOffReason, number>(HAND_OFF_REASONS.map((r) => [r, 0]))
  const handOffsByDay = new Map<string, number>()
  let resolvedByAi = 0
  for (const r of convRows) {
    if (r.reason === null) {
      if (r.ai_answered) resolvedByAi++
      continue
    }
    reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1)
    if (r.day) handOffsByDay.set(r.day, (handOffsByDay.get(r.day) ?? 0) + 1)
  }
  const handedOff = convRows.length - convRows.filter((r) => r.reason === null).length

  const agents = await queryRows<{
    user_id: string
    name: string | null
    email: string | null
    messages: number
    conversations: number
  }>(
    ctx.db,
    sql`
    with ${inRange}
    select a.author_user_id as user_id, u.name, u.email, count(*)::int as messages,
      count(distinct a.conversation_id)::int as conversations
    from m a left join users u on u.id = a.author_user_id
    where a.source = 'agent' and a.author_user_id is not null
    group by a.author_user_id, u.name, u.email
    order by messages desc, u.email`,
  )

  const variants = await queryRows<{
    variant_id: string
    variant_name: string | null
    experiment_id: string | null
    experiment_name: string | null
    answers: number
    mean: number | null
    scored: number
    hand_offs: number
  }>(
    ctx.db,
    sql`
    with ${inRange}
    select a.variant_id, v.name as variant_name, e.id as experiment_id, e.name as experiment_name,
      count(*)::int as answers, avg(s.score) as mean, count(s.score)::int as scored,
      count(*) filter (where s.escalated)::int as hand_offs
    from m a
    left join answer_scores s on s.message_id = a.id
    left join experiment_variants v on v.id = a.variant_id and v.organization_id = ${orgId}
    left join experiments e on e.id = v.experiment_id
    where a.source = 'ai' and a.variant_id is not null
    group by a.variant_id, v.name, e.id, e.name
    order by e.name, v.name, a.variant_id`,
  )

  const [quality] = await queryRows<{ mean: number | null; scored: number }>(
    ctx.db,
    sql`
    with ${inRange}
    select avg(s.score) as mean, count(s.score)::int as scored
    from m a join answer_scores s on s.message_id = a.id
    where a.source = 'ai'`,
  )

  const topics = await topTopics(ctx.db, { inRange, textSearchConfig: ftsConfigFor(org.ai.language) })
  const total = convRows.length
  return {
    timezone: tz,
    range,
    responseTime,
    conversations: { total, resolvedByAi, handedOff },
    resolutionRate: share(resolvedByAi, total),
    handOffRate: share(handedOff, total),
    handOffReasons: [...reasons].map(([reason, count]) => ({ reason, count })),
    heatmap,
    topTopics: topics,
    bySource,
    perAgent: agents.map((a) => ({
      userId: a.user_id,
      name: a.name,
      email: a.email,
      messages: Number(a.messages),
      conversations: Number(a.conversations),
      medianFirstResponseMs: agentMedian.get(a.user_id) ?? null,
    })),
    perVariant: variants.map((v) => ({
      variantId: v.variant_id,
      variantName: v.variant_name,
      experimentId: v.experiment_id,
      experimentName: v.experiment_name,
      answers: Number(v.answers),
      meanScore: score(v.mean),
      scored: Number(v.scored),
      handOffs: Number(v.hand_offs),
    })),
    quality: { meanScore: score(quality?.mean), scored: Number(quality?.scored ?? 0) },
    daily: daysOf(range).map((date) => {
      const d = perDay.get(date)
      return {
        date,
        customerMessages: d?.customer ?? 0,
        aiAnswers: d?.ai ?? 0,
        agentMessages: d?.agent ?? 0,
        handOffs: handOffsByDay.get(date) ?? 0,
      }
    }),
  }
}
