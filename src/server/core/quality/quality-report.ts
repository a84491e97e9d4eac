import { and, eq, inArray, sql } from 'drizzle-orm'
import { queryRows } from '../../db/client.js'
import { contacts, conversations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { BadRequest, NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { usableTimeZone } from '../organizations/time-zones.js'
import { loadOrganization } from '../organizations/view.js'

const BUCKETS = 10
const WORST = 20
const MAX_DAYS = 366
/** Below this a model's grade counts as a reason to look at an answer. */
const LOW_GRADE = 0.5

export interface QualityReportInput {
  organizationId: string
  /** YYYY-MM-DD, in the organization's time zone, inclusive. */
  from: string
  to: string
}

const DAY_MS = 86_400_000
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS

/**
 * The Analytics tab's answer quality over a date range (the organization's time zone): the
 * distribution of conversation scores in ten buckets, the worst conversations with what pulled
 * them down, the answers' mean score per day, and the customers' ratings. Conversations count in
 * the range when one of their answers was scored in it; the simulator's are left out.
 */
export async function qualityReport({ ctx, input }: { ctx: ActorCtx; input: QualityReportInput }) {
  const orgId = input.organizationId
  await authorizeOrganization(ctx, orgId, 'stats:read')
  const days = dayNumber(input.to) - dayNumber(input.from) + 1
  if (!Number.isFinite(days) || days < 1) throw new BadRequest('`from` must be a date on or before `to`')
  if (days > MAX_DAYS) throw new BadRequest(`At most ${MAX_DAYS} days at a time`)
  const org = await loadOrganization(ctx.db, orgId)
  if (!org) throw new NotFound('Organization')
  const tz = usableTimeZone(org.businessHours.timezone)
  const start = sql`(${input.from}::date)::timestamp at time zone ${tz}`
  const end = sql`(${input.to}::date + 1)::timestamp at time zone ${tz}`
  const inRange = sql`a.organization_id = ${orgId} and a.created_at >= ${start} and a.created_at < ${end}
    and not exists (select 1 from conversations c2 join contacts k2 on k2.id = c2.contact_id
                    where c2.id = a.conversation_id and k2.simulated)`

  const perConversation = await queryRows<{
    conversation_id: string
    score: number | null
    rating: number | null
    answers: number
    dont_know: number
    low_confidence: number
    escalated: number
    repeated: number
    asked_person: number
    low_grade: number
  }>(
    ctx.db,
    sql`
    select a.conversation_id, c.quality_score as score, c.rating, count(*)::int as answers,
      count(*) filter (where a.said_dont_know)::int as dont_know,
      count(*) filter (where a.low_confidence)::int as low_confidence,
      count(*) filter (where a.escalated)::int as escalated,
      count(*) filter (where a.followup = 'repeated')::int as repeated,
      count(*) filter (where a.followup = 'asked_person')::int as asked_person,
      count(*) filter (where a.grade is not null and
        (0.4 * (a.grade->>'groundedness')::float8 + 0.4 * (a.grade->>'helpfulness')::float8
         + 0.2 * (a.grade->>'tone')::float8) < ${LOW_GRADE})::int as low_grade
    from answer_scores a join conversations c on c.id = a.conversation_id and c.organization_id = a.organization_id
    where ${inRange}
    group by a.conversation_id, c.quality_score, c.rating`,
  )

  const distribution = Array.from({ length: BUCKETS }, (_, i) => ({
    from: i / BUCKETS,
    to: (i + 1) / BUCKETS,
    count: 0,
  }))
  for (const c of perConversation) {
    if (c.score === null) continue
    const bucket = distribution[Math.min(BUCKETS - 1, Math.floor(Number(c.score) * BUCKETS))]
    if (bucket) bucket.count++
  }

  const worstRows = perConversation
    .filter((c) => c.score !== null)
    .sort((a, b) => Number(a.score) - Number(b.score))
    .slice(0, WORST)
  const labels = new Map<string, string>()
  if (worstRows.length > 0) {
    // Through the query builder: names are encrypted columns, decrypted by their column type.
    const people = await ctx.db
      .select({
        conversationId: conversations.id,
        name: contacts.name,
        profileName: contacts.profileName,
        waId: contacts.waId,
      })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(
        and(
          eq(conversations.organizationId, orgId),
          inArray(
            conversations.id,
            worstRows.map((w) => w.conversation_id),
          ),
        ),
      )
    for (const p of people) labels.set(p.conversationId, p.name || p.profileName || `+${p.waId}`)
  }
  const worst = worstRows.map((c) => ({
    conversationId: c.conversation_id,
    contactLabel: labels.get(c.conversation_id) ?? '',
    score: Number(c.score),
    rating: c.rating,
    answers: c.answers,
    reasons: {
      dontKnow: c.dont_know,
      lowConfidence: c.low_confidence,
      escalated: c.escalated,
      repeated: c.repeated,
      askedPerson: c.asked_person,
      lowGrade: c.low_grade,
    },
  }))

  const trend = (
    await queryRows<{ date: string; mean: number; answers: number }>(
      ctx.db,
      sql`
      select to_char(a.created_at at time zone ${tz}, 'YYYY-MM-DD') as date,
        avg(a.score)::float8 as mean, count(*)::int as answers
      from answer_scores a where ${inRange}
      group by 1 order by 1`,
    )
  ).map((d) => ({ date: d.date, meanScore: Math.round(Number(d.mean) * 1000) / 1000, answers: d.answers }))

  const ratingRows = await queryRows<{ rating: number; n: number }>(
    ctx.db,
    sql`
    select c.rating, count(*)::int as n from conversations c join contacts k on k.id = c.contact_id
    where c.organization_id = ${orgId} and c.rating is not null and not k.simulated
      and c.rated_at >= ${start} and c.rated_at < ${end}
    group by c.rating`,
  )
  const histogram = [1, 2, 3, 4, 5].map((rating) => ({
    rating,
    count: ratingRows.find((r) => Number(r.rating) === rating)?.n ?? 0,
  }))
  const count = histogram.reduce((n, h) => n + h.count, 0)
  const mean =
    count === 0
      ? null
      : Math.round((histogram.reduce((sum, h) => sum + h.rating * h.count, 0) / count) * 100) / 100

  return {
    timezone: tz,
    from: input.from,
    to: input.to,
    distribution,
    worst,
    trend,
    ratings: { count, mean, histogram },
  }
}
