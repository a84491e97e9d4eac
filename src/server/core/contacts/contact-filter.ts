import { and, eq, type SQL, sql } from 'drizzle-orm'
import { contacts } from '../../db/schema/index.js'
import type { ContactFilter } from '../../db/schema/outreach.js'
import { nameSearchSql } from '../crypto/blind-index.js'

export type { ContactFilter }

const DAY_MS = 86_400_000

/**
 * The one translation of a contact filter (a segment, a broadcast's audience, the contacts
 * page's filters) into SQL over `contacts`: always inside one organization, never the
 * simulator's pretend customers. Used by listing, counting and broadcasting alike, so the count
 * shown before sending is the audience that is sent to.
 */
export function contactFilterWhere(organizationId: string, filter: ContactFilter, now = new Date()): SQL {
  const parts: (SQL | undefined)[] = [
    eq(contacts.organizationId, organizationId),
    eq(contacts.simulated, false),
  ]
  const tags = [...new Set(filter.tags ?? [])]
  if (tags.length > 0) {
    const list = sql`array[${sql.join(
      tags.map((t) => sql`${t}`),
      sql`, `,
    )}]::text[]`
    parts.push(filter.tagMode === 'all' ? sql`${contacts.tags} @> ${list}` : sql`${contacts.tags} && ${list}`)
  }
  for (const [key, value] of Object.entries(filter.attributes ?? {})) {
    parts.push(sql`${contacts.attributes} ->> ${key} = ${value}`)
  }
  if (filter.lastSeenWithinDays !== undefined) {
    parts.push(sql`${contacts.lastSeenAt} >= ${new Date(now.getTime() - filter.lastSeenWithinDays * DAY_MS)}`)
  }
  if (filter.lastSeenBeforeDays !== undefined) {
    parts.push(sql`${contacts.lastSeenAt} < ${new Date(now.getTime() - filter.lastSeenBeforeDays * DAY_MS)}`)
  }
  if (filter.optedIn === true) parts.push(sql`${contacts.optedInAt} is not null`)
  if (filter.optedIn === false) parts.push(sql`${contacts.optedInAt} is null`)
  const search = filter.search?.trim()
  if (search) {
    const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    // Names are encrypted at rest: they are searched through their blind index (the start of
    // each word, accents and case ignored; core/crypto/blind-index.ts), the number as text.
    const byName = nameSearchSql(contacts.nameTerms, search)
    parts.push(
      byName ? sql`(${contacts.waId} ilike ${like} or ${byName})` : sql`${contacts.waId} ilike ${like}`,
    )
  }
  return and(...parts) ?? sql`false`
}
