import { and, asc, count, eq, type SQL, sql } from 'drizzle-orm'
import { contacts, conversations, segments } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { BadRequest, NotFound } from '../errors.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'
import { type ContactFilter, contactFilterWhere } from './contact-filter.js'
import { contactConversationJoin, contactSelection, contactView } from './view.js'

export interface ListContactsInput {
  organizationId: string
  filter: ContactFilter
  /** Not part of a saved filter: the contacts page can show only (or hide) those who opted out. */
  optedOut?: boolean
  /** A saved segment's filter, combined (AND) with `filter`. */
  segmentId?: string
  cursor?: string
  limit: number
}

/**
 * A page position: the last row's `last_seen_at` as PostgreSQL writes it (microseconds kept; a JS
 * Date would round them off and skip or repeat rows) and its id.
 */
type Cursor = [lastSeen: string | null, id: string]

/** How PostgreSQL writes a timestamptz as text: 2026-11-29 14:05:25.123456+00. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url')

function decodeCursor(raw: string): Cursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      (v[0] === null || (typeof v[0] === 'string' && TIMESTAMP.test(v[0]))) &&
      typeof v[1] === 'string' &&
      isUuid(v[1])
    )
      return [v[0], v[1]]
  } catch {
    // falls through to the 400
  }
  throw new BadRequest('Invalid input', [{ path: 'cursor', message: 'not a cursor this list gave' }])
}

/**
 * Rows after the cursor in the list's order: `last_seen_at desc nulls last, id` (customers who
 * wrote most recently first, then those who never wrote; the id breaks ties so pages are stable).
 */
function afterCursor([lastSeen, id]: Cursor): SQL {
  if (lastSeen === null) return sql`(${contacts.lastSeenAt} is null and ${contacts.id} > ${id})`
  const t = sql`${lastSeen}::timestamptz`
  return sql`(${contacts.lastSeenAt} < ${t} or (${contacts.lastSeenAt} = ${t} and ${contacts.id} > ${id}) or ${contacts.lastSeenAt} is null)`
}

/** Contacts of an organization matching a filter, a page at a time, with the total of matches. */
export async function listContacts({ ctx, input }: { ctx: ActorCtx; input: ListContactsInput }) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:read')
  const where: (SQL | undefined)[] = [contactFilterWhere(input.organizationId, input.filter)]
  if (input.segmentId !== undefined) {
    const [segment] = isUuid(input.segmentId)
      ? await ctx.db
          .select({ filter: segments.filter })
          .from(segments)
          .where(and(eq(segments.organizationId, input.organizationId), eq(segments.id, input.segmentId)))
      : []
    if (!segment) throw new NotFound('Segment')
    where.push(contactFilterWhere(input.organizationId, segment.filter))
  }
  if (input.optedOut !== undefined) where.push(eq(contacts.optedOut, input.optedOut))
  const matching = and(...where)

  const pageWhere = input.cursor ? and(matching, afterCursor(decodeCursor(input.cursor))) : matching
  const [rows, totals] = await Promise.all([
    ctx.db
      .select({ ...contactSelection, lastSeenKey: sql<string | null>`${contacts.lastSeenAt}::text` })
      .from(contacts)
      .leftJoin(conversations, contactConversationJoin)
      .where(pageWhere)
      .orderBy(sql`${contacts.lastSeenAt} desc nulls last`, asc(contacts.id))
      .limit(input.limit + 1),
    ctx.db.select({ total: count() }).from(contacts).where(matching),
  ])
  const page = rows.slice(0, input.limit)
  const last = page.at(-1)
  return {
    contacts: page.map(contactView),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.lastSeenKey, last.id]) : null,
    total: totals[0]?.total ?? 0,
  }
}
