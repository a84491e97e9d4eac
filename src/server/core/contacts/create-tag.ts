import { oneRow } from '../../db/client.js'
import { tags } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { defaultTagColor } from './ensure-tags.js'
import { sameNamedTag, tagView } from './tag-view.js'

export async function createTag({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; name: string; color?: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:write')
  const existing = await sameNamedTag(ctx.db, input.organizationId, input.name)
  if (existing) throw new Conflict(`There is already a tag "${existing.name}"`, { tagId: existing.id })
  const rows = await ctx.db
    .insert(tags)
    .values({
      organizationId: input.organizationId,
      name: input.name,
      color: input.color ?? defaultTagColor(input.name),
    })
    .onConflictDoNothing()
    .returning({ id: tags.id })
  if (rows.length === 0) throw new Conflict(`There is already a tag "${input.name}"`)
  return tagView(ctx.db, input.organizationId, oneRow(rows, 'tag').id)
}
