import { and, count, eq, gte, sql } from 'drizzle-orm'
import { oneRow, queryRows } from '../../db/client.js'
import { contacts, conversations, messages, monthlyUsage } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { conversationSummaries } from '../conversations/conversations.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { usableTimeZone } from '../organizations/time-zones.js'
import { loadOrganization, monthlyLimitOf } from '../organizations/view.js'
import { monthKey, monthStart } from '../usage/month.js'

const DAYS = 30

/** The numbers behind the Analytics tab, in the organization's time zone. */
export async function getStats(
  { ctx, input }: { ctx: ActorCtx; input: { organizationId: string } },
  now = new Date(),
) {
  const orgId = input.organizationId
  await authorizeOrganization(ctx, orgId, 'stats:read')
  const org = await loadOrganization(ctx.db, orgId)
  if (!org) throw new NotFound('Organization')
  // Never a zone PostgreSQL would refuse (a row saved before zones were checked): that was a 500.
  const tz = usableTimeZone(org.businessHours.timezone)
  const since = monthStart(now, tz)
  const dayFrom = new Date(now.getTime() - (DAYS - 1) * 86_400_000)

  const month = oneRow(
    await ctx.db
      .select({
        inbound: sql<number>`count(*) filter (where ${messages.direction} = 'inbound')`.mapWith(Number),
        outbound:
          sql<number>`count(*) filter (where ${messages.direction} = 'outbound' and ${messages.status} not in ('failed', 'undelivered'))`.mapWith(
            Number,
          ),
        failed:
          sql<number>`count(*) filter (where ${messages.direction} = 'outbound' and ${messages.status} in ('failed', 'undelivered'))`.mapWith(
            Number,
          ),
      })
      .from(messages)
      .where(and(eq(messages.organizationId, orgId), gte(messages.createdAt, since))),
    'message count',
  )

  const day = sql<string>`to_char(${messages.createdAt} at time zone ${tz}, 'YYYY-MM-DD')`
  const perDayRows = await ctx.db
    .select({
      date: day,
      inbound: sql<number>`count(*) filter (where ${messages.direction} = 'inbound')`.mapWith(Number),
      outbound:
        sql<number>`count(*) filter (where ${messages.direction} = 'outbound' and ${messages.status} not in ('failed', 'undelivered'))`.mapWith(
          Number,
        ),
    })
    .from(messages)
    .where(
      and(
        eq(messages.organizationId, orgId),
        gte(messages.createdAt, new Date(dayFrom.getTime() - 86_400_000)),
      ),
    )
    .groupBy(sql`1`)
  const byDate = new Map(perDayRows.map((r) => [r.date, r]))
  const perDay = Array.from({ length: DAYS }, (_, i) => {
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(
      new Date(dayFrom.getTime() + i * 86_400_000),
    )
    const r = byDate.get(date)
    return { date, inbound: r?.inbound ?? 0, outbound: r?.outbound ?? 0 }
  })

  const conv = oneRow(
    await ctx.db
      .select({
        total: count(),
        thisMonth:
          sql<number>`count(*) filter (where ${conversations.createdAt} >= ${since.toISOString()})`.mapWith(
            Number,
          ),
        withHuman: sql<number>`count(*) filter (where ${conversations.status} = 'human')`.mapWith(Number),
        needsAttention: sql<number>`count(*) filter (where ${conversations.needsAttention})`.mapWith(Number),
      })
      .from(conversations)
      .where(eq(conversations.organizationId, orgId)),
    'conversation count',
  )

  const customers = oneRow(
    await ctx.db.select({ n: count() }).from(contacts).where(eq(contacts.organizationId, orgId)),
    'customer count',
  )

  const [usage] = await ctx.db
    .select()
    .from(monthlyUsage)
    .where(and(eq(monthlyUsage.organizationId, orgId), eq(monthlyUsage.month, monthKey(now, tz))))

  const [latency] = await queryRows<{ ms: number | string | null }>(
    ctx.db,
    sql`
    select avg(extract(epoch from (r.sent_at - c.created_at)) * 1000)::float8 as ms
    from messages r join messages c on c.id = r.reply_to_id
    where r.organization_id = ${orgId} and r.source = 'ai' and r.sent_at is not null
      and r.created_at >= ${since.toISOString()}`,
  )
  const avg = latency?.ms

  const limit = monthlyLimitOf(org)
  const used = usage?.messageCount ?? 0
  return {
    month: {
      key: monthKey(now, tz),
      since: since.toISOString(),
      inbound: month.inbound,
      outbound: month.outbound,
      failed: month.failed,
    },
    perDay,
    conversations: {
      total: conv.total,
      thisMonth: conv.thisMonth,
      withHuman: conv.withHuman,
      needsAttention: conv.needsAttention,
    },
    uniqueCustomers: customers.n,
    usage: {
      used,
      limit,
      remaining: Math.max(limit - used, 0),
      limitReached: used >= limit,
      limitReachedAt: usage?.limitReachedAt?.toISOString() ?? null,
    },
    averageReplyLatencyMs: avg === null || avg === undefined ? null : Math.round(Number(avg)),
    recent: await conversationSummaries(ctx.db, orgId, { limit: 10 }),
  }
}
