import { and, eq, sql } from 'drizzle-orm'
import { queryRows } from '../../db/client.js'
import { contacts } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { BadRequest, NotFound } from '../errors.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'
import { ensureTags } from './ensure-tags.js'
import { type BulkTagInput, CONTACT_LIMITS } from './schemas.js'

const textArray = (items: readonly string[]) =>
  items.length === 0
    ? sql`'{}'::text[]`
    : sql`array[${sql.join(
        items.map((i) => sql`${i}`),
        sql`, `,
      )}]::text[]`

/**
 * Adds and removes tags on a selection of contacts in one set-based UPDATE. Every id must be a
 * contact of this organization (else 404 and nothing changes); a contact would-be over 50 tags → 400.
 */
export async function tagContacts({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: BulkTagInput & { organizationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:write')
  const ids = [...new Set(input.contactIds)]
  if (!ids.every(isUuid)) throw new NotFound('Contact')
  return ctx.db.transaction(async (tx) => {
    const add = input.add?.length
      ? (await ensureTags(tx, input.organizationId, input.add)).list(input.add)
      : []
    // Removal matches case-insensitively, like the names a person types.
    const remove = (input.remove ?? []).map((t) => t.toLowerCase())
    const rows = await queryRows<{ id: string; n: number }>(
      tx,
      sql`update ${contacts} set
            tags = (
              select coalesce(array_agg(t order by o), '{}'::text[])
              from (
                select t, min(o) as o
                from unnest(${contacts.tags} || ${textArray(add)}) with ordinality as u(t, o)
                where lower(t) <> all(${textArray(remove)})
                group by t
              ) s
            ),
            updated_at = now()
          where ${and(
            eq(contacts.organizationId, input.organizationId),
            eq(contacts.simulated, false),
            sql`${contacts.id} = any(${textArray(ids)})`,
          )}
          returning ${contacts.id} as id, cardinality(${contacts.tags}) as n`,
    )
    if (rows.length !== ids.length) throw new NotFound('Contact')
    const over = rows.filter((r) => Number(r.n) > CONTACT_LIMITS.tagsPerContact)
    if (over.length > 0)
      throw new BadRequest(`A contact has at most ${CONTACT_LIMITS.tagsPerContact} tags`, {
        contactIds: over.map((r) => r.id),
      })
    return { updated: rows.length }
  })
}
