import { and, eq } from 'drizzle-orm'
import { knowledgeSources } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { dbOf } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeKnowledgeBase } from './knowledge-base.js'

/**
 * Deletes a source. Its chunks go with it (cascade), so customers stop being answered from it at
 * once, without waiting for the next training.
 */
export async function deleteSource({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; sourceId: string }
}) {
  await authorizeKnowledgeBase(ctx, input.organizationId, 'knowledge:write')
  const deleted = await dbOf(ctx)
    .delete(knowledgeSources)
    .where(
      and(eq(knowledgeSources.id, input.sourceId), eq(knowledgeSources.organizationId, input.organizationId)),
    )
    .returning({ id: knowledgeSources.id })
  if (deleted.length === 0) throw new NotFound('Source')
  return { deleted: true as const }
}
