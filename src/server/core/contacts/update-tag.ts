import { and, eq, sql } from 'drizzle-orm'
import { contacts, tags } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { loadTag, sameNamedTag, tagView } from './tag-view.js'

/** Recolours and/or renames a tag; a rename rewrites every contact carrying it, in one UPDATE. */
export async function updateTag({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; tagId: string; name?: string; color?: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:write')
  await ctx.db.transaction(async (tx) => {
    const tag = await loadTag(tx, input.organizationId, input.tagId)
    const rename = input.name !== undefined && input.name !== tag.name ? input.name : undefined
    if (rename !== undefined) {
      const other = await sameNamedTag(tx, input.organizationId, rename, tag.id)
      if (other) throw new Conflict(`There is already a tag "${other.name}"`, { tagId: other.id })
    }
    await tx
      .update(tags)
      .set({ ...(rename !== undefined && { name: rename }), ...(input.color && { color: input.color }) })
      .where(and(eq(tags.organizationId, input.organizationId), eq(tags.id, tag.id)))
    if (rename !== undefined) {
      await tx
        .update(contacts)
        .set({ tags: sql`array_replace(${contacts.tags}, ${tag.name}, ${rename})`, updatedAt: sql`now()` })
        .where(
          and(
            eq(contacts.organizationId, input.organizationId),
            sql`${contacts.tags} @> array[${tag.name}]::text[]`,
          ),
        )
    }
  })
  return tagView(ctx.db, input.organizationId, input.tagId)
}
