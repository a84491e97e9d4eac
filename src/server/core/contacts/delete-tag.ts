import { and, eq, sql } from 'drizzle-orm'
import { contacts, tags } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { loadTag } from './tag-view.js'

/**
 * Deletes a tag and takes it off every contact (one UPDATE). Segments naming it keep the name in
 * their filter and simply match no contact through it.
 */
export async function deleteTag({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; tagId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:write')
  await ctx.db.transaction(async (tx) => {
    const tag = await loadTag(tx, input.organizationId, input.tagId)
    await tx
      .update(contacts)
      .set({ tags: sql`array_remove(${contacts.tags}, ${tag.name})`, updatedAt: sql`now()` })
      .where(
        and(
          eq(contacts.organizationId, input.organizationId),
          sql`${contacts.tags} @> array[${tag.name}]::text[]`,
        ),
      )
    await tx.delete(tags).where(and(eq(tags.organizationId, input.organizationId), eq(tags.id, tag.id)))
  })
}
