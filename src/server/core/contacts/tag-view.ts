import { and, eq, sql } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { tags } from '../../db/schema/index.js'
import { NotFound } from '../errors.js'
import { isUuid } from '../members/permissions.js'

/** Tags with how many (real) contacts carry each, by name. */
export async function tagsWithCounts(db: Tx, organizationId: string, tagId?: string) {
  // Spelled out: drizzle writes the columns of a select list's subquery without their table.
  const contactCount = sql<number>`(select count(*)::int from contacts c where c.organization_id = "tags"."organization_id" and not c.simulated and c.tags @> array["tags"."name"]::text[])`
  const rows = await db
    .select({ id: tags.id, name: tags.name, color: tags.color, contactCount })
    .from(tags)
    .where(and(eq(tags.organizationId, organizationId), tagId ? eq(tags.id, tagId) : undefined))
    .orderBy(sql`lower(${tags.name})`)
  return rows.map((r) => ({ ...r, contactCount: Number(r.contactCount) }))
}

export async function loadTag(db: Tx, organizationId: string, tagId: string) {
  if (!isUuid(tagId)) throw new NotFound('Tag')
  const [row] = await db
    .select()
    .from(tags)
    .where(and(eq(tags.organizationId, organizationId), eq(tags.id, tagId)))
  if (!row) throw new NotFound('Tag')
  return row
}

export async function tagView(db: Tx, organizationId: string, tagId: string) {
  const [tag] = await tagsWithCounts(db, organizationId, tagId)
  if (!tag) throw new NotFound('Tag')
  return tag
}

/** Another tag of the organization with this name, whatever its case. */
export async function sameNamedTag(db: Tx, organizationId: string, name: string, exceptId?: string) {
  const [row] = await db
    .select({ id: tags.id, name: tags.name })
    .from(tags)
    .where(
      and(
        eq(tags.organizationId, organizationId),
        sql`lower(${tags.name}) = lower(${name})`,
        exceptId ? sql`${tags.id} <> ${exceptId}` : undefined,
      ),
    )
  return row
}
