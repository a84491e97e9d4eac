import { and, eq } from 'drizzle-orm'
import { knowledgeSources } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { dbOf } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeKnowledgeBase } from './knowledge-base.js'
import { sourceColumns, sourceView } from './view.js'

/** One source with its whole text (for editing a text or an FAQ, or reading what a file gave). */
export async function getSource({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; sourceId: string }
}) {
  await authorizeKnowledgeBase(ctx, input.organizationId, 'knowledge:read')
  const [row] = await dbOf(ctx)
    .select(sourceColumns)
    .from(knowledgeSources)
    .where(
      and(eq(knowledgeSources.id, input.sourceId), eq(knowledgeSources.organizationId, input.organizationId)),
    )
    .limit(1)
  if (!row) throw new NotFound('Source')
  return sourceView(row)
}
