import { and, desc, eq, type SQL, sql } from 'drizzle-orm'
import { SKIP_REASONS, type SkipReason } from '../../../shared/enums.js'
import { queryRows, type Tx } from '../../db/client.js'
import { broadcasts, organizations, templates } from '../../db/schema/index.js'
import { organizationZone } from './audience.js'
import { localDateTime } from './send-at.js'

type BroadcastRow = typeof broadcasts.$inferSelect

/** What a recipient shows: its own state until a message exists, then the message's status. */
export const RECIPIENT_STATUSES = [
  'pending',
  'queued',
  'sent',
  'delivered',
  'read',
  'failed',
  'undelivered',
  'skipped',
] as const
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number]

/**
 * The visible status of `broadcast_recipients r` joined to `messages m`. A messaged recipient whose
 * message is gone (its contact was deleted since) counts as sent.
 */
export const recipientStatusSql = sql`case r.state when 'pending' then 'pending' when 'skipped' then 'skipped'
  else coalesce(m.status::text, 'sent') end`

/** The condition on `r`/`m` for one visible status. */
export function recipientStatusWhere(status: RecipientStatus): SQL {
  if (status === 'pending' || status === 'skipped') return sql`r.state = ${status}`
  return sql`r.state = 'messaged' and coalesce(m.status::text, 'sent') = ${status}`
}

type Counts = Record<RecipientStatus, number>
const emptyCounts = (): Counts => Object.fromEntries(RECIPIENT_STATUSES.map((s) => [s, 0])) as Counts
const emptyReasons = () => Object.fromEntries(SKIP_REASONS.map((s) => [s, 0])) as Record<SkipReason, number>

/** Recipients by visible status (and skipped ones by reason) of several broadcasts: one GROUP BY. */
async function countsOf(db: Tx, organizationId: string, ids: string[]) {
  const out = new Map<string, { counts: Counts; skippedReasons: Record<SkipReason, number> }>()
  for (const id of ids) out.set(id, { counts: emptyCounts(), skippedReasons: emptyReasons() })
  if (ids.length === 0) return out
  const rows = await queryRows<{
    broadcast_id: string
    status: RecipientStatus
    skip_reason: SkipReason | null
    n: number
  }>(
    db,
    sql`select r.broadcast_id, ${recipientStatusSql} as status, r.skip_reason, count(*)::int as n
      from broadcast_recipients r left join messages m on m.id = r.message_id
      where r.organization_id = ${organizationId}
        and r.broadcast_id in (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})
      group by 1, 2, 3`,
  )
  for (const row of rows) {
    const entry = out.get(row.broadcast_id)
    if (!entry) continue
    entry.counts[row.status] += row.n
    if (row.skip_reason) entry.skippedReasons[row.skip_reason] += row.n
  }
  return out
}

const iso = (d: Date | null) => d?.toISOString() ?? null

/** Broadcasts of an organization as the API shows them, newest first (or the ones named). */
export async function broadcastViews(
  db: Tx,
  organizationId: string,
  opts: { id?: string; limit?: number } = {},
) {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, organizationId))
  if (!org) return []
  const timeZone = organizationZone(org)
  const rows = await db
    .select({
      broadcast: broadcasts,
      template: { id: templates.id, name: templates.name, language: templates.language },
    })
    .from(broadcasts)
    .innerJoin(templates, eq(templates.id, broadcasts.templateId))
    .where(
      and(eq(broadcasts.organizationId, organizationId), opts.id ? eq(broadcasts.id, opts.id) : undefined),
    )
    .orderBy(desc(broadcasts.createdAt))
    .limit(opts.limit ?? 100)
  const counts = await countsOf(
    db,
    organizationId,
    rows.map((r) => r.broadcast.id),
  )
  return rows.map(({ broadcast: b, template }) => view(b, template, timeZone, counts.get(b.id)))
}

function view(
  b: BroadcastRow,
  template: { id: string; name: string; language: string },
  timeZone: string,
  c: { counts: Counts; skippedReasons: Record<SkipReason, number> } | undefined,
) {
  return {
    id: b.id,
    name: b.name,
    template,
    status: b.status,
    stoppedReason: b.stoppedReason,
    sendAt: b.sendAt.toISOString(),
    sendAtLocal: localDateTime(b.sendAt, timeZone),
    timeZone,
    fromNumber: b.fromNumber,
    upToLimit: b.upToLimit,
    variables: b.variables,
    audience: b.audience,
    recipientCount: b.recipientCount,
    counts: c?.counts ?? emptyCounts(),
    skippedReasons: c?.skippedReasons ?? emptyReasons(),
    createdAt: b.createdAt.toISOString(),
    startedAt: iso(b.startedAt),
    finishedAt: iso(b.finishedAt),
    createdBy: b.createdBy,
  }
}

export type BroadcastView = ReturnType<typeof view>
