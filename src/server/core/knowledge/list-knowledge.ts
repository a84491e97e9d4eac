import { asc, eq } from 'drizzle-orm'
import { knowledgeSources } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { dbOf } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeKnowledgeBase, loadKnowledgeOwner } from './knowledge-base.js'
import { sourcePreviewColumns, sourceView, trainingView } from './view.js'

/**
 * Every source of the knowledge base, the profile first, and the training state. Each source's
 * text is a preview (CONTENT_PREVIEW_CHARS) with its full length, so the list stays small however
 * large the documents are; getSource gives one source whole.
 */
export async function listKnowledge({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeKnowledgeBase(ctx, input.organizationId, 'knowledge:read')
  const org = await loadKnowledgeOwner(ctx, input.organizationId)
  if (!org) throw new NotFound('Organization')
  const rows = await dbOf(ctx)
    .select(sourcePreviewColumns)
    .from(knowledgeSources)
    .where(eq(knowledgeSources.organizationId, input.organizationId))
    .orderBy(asc(knowledgeSources.createdAt), asc(knowledgeSources.id))
  const order = { profile: 0, faq: 1, text: 2, file: 3 } as const
  rows.sort((a, b) => order[a.kind] - order[b.kind])
  // Sources added or edited after the last training are not in what customers are answered from
  // (a file counts once its text is read: until then training would skip it anyway).
  const trainedAt = org.trainedAt?.getTime()
  const changedSinceTraining =
    trainedAt !== undefined && rows.some((r) => r.status === 'ready' && r.updatedAt.getTime() > trainedAt)
  return { sources: rows.map(sourceView), training: { ...trainingView(org), changedSinceTraining } }
}
