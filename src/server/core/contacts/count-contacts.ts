import { sql } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { contacts } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { type ContactFilter, contactFilterWhere } from './contact-filter.js'

/**
 * How many contacts a filter means right now: all of them, those a broadcast could write to
 * (consent recorded and not opted out), and those who opted out.
 */
export async function countMatching(db: Tx, organizationId: string, filter: ContactFilter) {
  const [row] = await db
    .select({
      total: sql<number>`count(*)::int`,
      optedIn: sql<number>`(count(*) filter (where ${contacts.optedInAt} is not null and not ${contacts.optedOut}))::int`,
      optedOut: sql<number>`(count(*) filter (where ${contacts.optedOut}))::int`,
    })
    .from(contacts)
    .where(contactFilterWhere(organizationId, filter))
  return { total: row?.total ?? 0, optedIn: row?.optedIn ?? 0, optedOut: row?.optedOut ?? 0 }
}

export async function countContacts({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; filter: ContactFilter }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:read')
  return countMatching(ctx.db, input.organizationId, input.filter)
}
