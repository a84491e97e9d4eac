import { and, asc, count, eq, gt, gte, lt, type SQL, sql } from 'drizzle-orm'
import type { ExportKind } from '../../../shared/enums.js'
import type { Tx } from '../../db/client.js'
import { contacts, conversations, messages, monthlyUsage } from '../../db/schema/index.js'
import type { ResolvedFilters } from './filters.js'

/** Rows read per query: every kind pages by keyset (never OFFSET), so memory stays flat. */
export const EXPORT_BATCH = 1000

export type ExportValue = string | number | boolean | null | string[] | Record<string, string>
export type ExportRow = Record<string, ExportValue>

/** One kind of export: its columns, how many rows the filters match, and the rows a batch at a time. */
export interface ExportSource {
  columns: readonly string[]
  count(): Promise<number>
  batches(): AsyncGenerator<ExportRow[]>
}

/** An instant as ISO text computed by the database (raw SQL results differ per driver otherwise). */
const isoOf = (expr: SQL | typeof messages.createdAt) =>
  sql<string | null>`to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/**
 * Keyset pagination shared by every kind: `page(after)` reads the next EXPORT_BATCH rows after
 * the key of the last one (`keyOf`), never OFFSET; each page is yielded as export rows.
 */
async function* keysetBatches<K, R>(
  page: (after?: K) => PromiseLike<R[]>,
  keyOf: (last: R) => K | undefined,
  toRow: (r: R) => ExportRow,
): AsyncGenerator<ExportRow[]> {
  let after: K | undefined
  for (;;) {
    const rows = await page(after)
    if (rows.length > 0) yield rows.map(toRow)
    const last = rows.at(-1)
    const key = last === undefined ? undefined : keyOf(last)
    if (key === undefined || rows.length < EXPORT_BATCH) return
    after = key
  }
}

export function exportSource(db: Tx, organizationId: string, kind: ExportKind, f: ResolvedFilters) {
  switch (kind) {
    case 'messages':
      return messageSource(db, organizationId, f)
    case 'conversations':
      return conversationSource(db, organizationId, f)
    case 'contacts':
      return contactSource(db, organizationId, f)
    case 'usage':
      return usageSource(db, organizationId, f)
  }
}

/** Conditions on the contact shared by the kinds that have one (simulator customers never exported). */
function contactConditions(organizationId: string, f: ResolvedFilters) {
  const conds: SQL[] = [eq(contacts.organizationId, organizationId), eq(contacts.simulated, false)]
  if (f.contactId !== undefined) conds.push(eq(contacts.id, f.contactId))
  if (f.tag !== undefined) conds.push(sql`${contacts.tags} @> array[${f.tag}]::text[]`)
  return conds
}

export const MESSAGE_COLUMNS = [
  'id',
  'conversation_id',
  'contact_id',
  'contact_phone',
  'contact_name',
  'direction',
  'text',
  'media',
  'status',
  'source',
  'created_at',
] as const

function messageSource(db: Tx, organizationId: string, f: ResolvedFilters): ExportSource {
  const where = (after?: { at: string; id: string }) => {
    const conds = [eq(messages.organizationId, organizationId), ...contactConditions(organizationId, f)]
    if (f.from) conds.push(gte(messages.createdAt, f.from))
    if (f.to) conds.push(lt(messages.createdAt, f.to))
    if (after) {
      // The plain bound lets the (organization_id, created_at) index start there; the row
      // comparison breaks ties between messages of the same instant.
      conds.push(sql`${messages.createdAt} >= ${after.at}::timestamptz`)
      conds.push(sql`(${messages.createdAt}, ${messages.id}) > (${after.at}::timestamptz, ${after.id})`)
    }
    return and(...conds)
  }
  return {
    columns: MESSAGE_COLUMNS,
    async count() {
      const [row] = await db
        .select({ n: count() })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .where(where())
      return row?.n ?? 0
    },
    batches: () =>
      keysetBatches(
        (after?: { at: string; id: string }) =>
          db
            .select({
              id: messages.id,
              conversationId: messages.conversationId,
              contactId: contacts.id,
              phone: contacts.waId,
              name: contacts.name,
              profileName: contacts.profileName,
              direction: messages.direction,
              body: messages.body,
              media: messages.media,
              status: messages.status,
              source: messages.source,
              at: isoOf(messages.createdAt),
            })
            .from(messages)
            .innerJoin(conversations, eq(conversations.id, messages.conversationId))
            .innerJoin(contacts, eq(contacts.id, conversations.contactId))
            .where(where(after))
            .orderBy(asc(messages.createdAt), asc(messages.id))
            .limit(EXPORT_BATCH),
        (last) => (last.at ? { at: last.at, id: last.id } : undefined),
        (r) => ({
          id: r.id,
          conversation_id: r.conversationId,
          contact_id: r.contactId,
          contact_phone: r.phone,
          contact_name: r.name ?? r.profileName ?? null,
          direction: r.direction,
          text: r.body,
          media: (r.media ?? []).map((m) => m.url),
          status: r.status,
          source: r.source,
          created_at: r.at,
        }),
      ),
  }
}

export const CONVERSATION_COLUMNS = [
  'id',
  'contact_id',
  'contact_phone',
  'contact_name',
  'channel_number',
  'status',
  'message_count',
  'inbound_count',
  'outbound_count',
  'first_message_at',
  'last_message_at',
  'created_at',
] as const

function conversationSource(db: Tx, organizationId: string, f: ResolvedFilters): ExportSource {
  // The counts and times cover the messages inside the date range (all of them without one).
  const range = sql.join(
    [
      sql`m.conversation_id = ${conversations.id}`,
      ...(f.from ? [sql`m.created_at >= ${f.from.toISOString()}::timestamptz`] : []),
      ...(f.to ? [sql`m.created_at < ${f.to.toISOString()}::timestamptz`] : []),
    ],
    sql` and `,
  )
  const where = (afterId?: string) => {
    const conds = [eq(conversations.organizationId, organizationId), ...contactConditions(organizationId, f)]
    if (f.from || f.to) conds.push(sql`exists (select 1 from messages m where ${range})`)
    if (afterId !== undefined) conds.push(gt(conversations.id, afterId))
    return and(...conds)
  }
  return {
    columns: CONVERSATION_COLUMNS,
    async count() {
      const [row] = await db
        .select({ n: count() })
        .from(conversations)
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .where(where())
      return row?.n ?? 0
    },
    batches: () =>
      keysetBatches(
        (after?: string) =>
          db
            .select({
              id: conversations.id,
              contactId: contacts.id,
              phone: contacts.waId,
              name: contacts.name,
              profileName: contacts.profileName,
              channelNumber: conversations.channelNumber,
              status: conversations.status,
              total: sql<number>`(select count(*) from messages m where ${range})`.mapWith(Number),
              inbound:
                sql<number>`(select count(*) from messages m where ${range} and m.direction = 'inbound')`.mapWith(
                  Number,
                ),
              firstAt: sql<
                string | null
              >`(select to_char(min(m.created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') from messages m where ${range})`,
              lastAt: sql<
                string | null
              >`(select to_char(max(m.created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') from messages m where ${range})`,
              createdAt: conversations.createdAt,
            })
            .from(conversations)
            .innerJoin(contacts, eq(contacts.id, conversations.contactId))
            .where(where(after))
            .orderBy(asc(conversations.id))
            .limit(EXPORT_BATCH),
        (last) => last.id,
        (r) => ({
          id: r.id,
          contact_id: r.contactId,
          contact_phone: r.phone,
          contact_name: r.name ?? r.profileName ?? null,
          channel_number: r.channelNumber,
          status: r.status,
          message_count: r.total,
          inbound_count: r.inbound,
          outbound_count: r.total - r.inbound,
          first_message_at: r.firstAt,
          last_message_at: r.lastAt,
          created_at: iso(r.createdAt),
        }),
      ),
  }
}

export const CONTACT_COLUMNS = [
  'id',
  'phone',
  'name',
  'profile_name',
  'tags',
  'attributes',
  'notes',
  'opted_in',
  'opted_in_at',
  'opted_out',
  'opted_out_at',
  'first_seen_at',
  'last_seen_at',
] as const

function contactSource(db: Tx, organizationId: string, f: ResolvedFilters): ExportSource {
  const where = (afterId?: string) => {
    const conds = contactConditions(organizationId, f)
    if (f.from) conds.push(gte(contacts.firstSeenAt, f.from))
    if (f.to) conds.push(lt(contacts.firstSeenAt, f.to))
    if (afterId !== undefined) conds.push(gt(contacts.id, afterId))
    return and(...conds)
  }
  return {
    columns: CONTACT_COLUMNS,
    async count() {
      const [row] = await db.select({ n: count() }).from(contacts).where(where())
      return row?.n ?? 0
    },
    batches: () =>
      keysetBatches(
        (after?: string) =>
          db
            .select({
              id: contacts.id,
              waId: contacts.waId,
              name: contacts.name,
              profileName: contacts.profileName,
              tags: contacts.tags,
              attributes: contacts.attributes,
              notes: contacts.notes,
              optedInAt: contacts.optedInAt,
              optedOut: contacts.optedOut,
              optedOutAt: contacts.optedOutAt,
              firstSeenAt: contacts.firstSeenAt,
              lastSeenAt: contacts.lastSeenAt,
            })
            .from(contacts)
            .where(where(after))
            .orderBy(asc(contacts.id))
            .limit(EXPORT_BATCH),
        (last) => last.id,
        (r) => ({
          id: r.id,
          phone: r.waId,
          name: r.name,
          profile_name: r.profileName,
          tags: r.tags,
          attributes: r.attributes,
          notes: r.notes,
          opted_in: r.optedInAt !== null,
          opted_in_at: iso(r.optedInAt),
          opted_out: r.optedOut,
          opted_out_at: iso(r.optedOutAt),
          first_seen_at: iso(r.firstSeenAt),
          last_seen_at: iso(r.lastSeenAt),
        }),
      ),
  }
}

export const USAGE_COLUMNS = ['month', 'message_count', 'limit_reached_at'] as const

function usageSource(db: Tx, organizationId: string, f: ResolvedFilters): ExportSource {
  // Months are `YYYY-MM` keys: a range keeps the months it touches.
  const fromMonth = f.from?.toISOString().slice(0, 7)
  const toMonth = f.to ? new Date(f.to.getTime() - 1).toISOString().slice(0, 7) : undefined
  const where = (after?: string) => {
    const conds = [eq(monthlyUsage.organizationId, organizationId)]
    if (fromMonth) conds.push(gte(monthlyUsage.month, fromMonth))
    if (toMonth) conds.push(sql`${monthlyUsage.month} <= ${toMonth}`)
    if (after !== undefined) conds.push(gt(monthlyUsage.month, after))
    return and(...conds)
  }
  return {
    columns: USAGE_COLUMNS,
    async count() {
      const [row] = await db.select({ n: count() }).from(monthlyUsage).where(where())
      return row?.n ?? 0
    },
    batches: () =>
      keysetBatches(
        (after?: string) =>
          db
            .select()
            .from(monthlyUsage)
            .where(where(after))
            .orderBy(asc(monthlyUsage.month))
            .limit(EXPORT_BATCH),
        (last) => last.month,
        (r) => ({
          month: r.month,
          message_count: r.messageCount,
          limit_reached_at: iso(r.limitReachedAt),
        }),
      ),
  }
}
