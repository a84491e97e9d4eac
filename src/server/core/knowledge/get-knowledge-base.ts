import { and, count, eq, sql } from 'drizzle-orm'
import { knowledgeChunks, knowledgeSources } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { dbOf } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeKnowledgeBase, loadKnowledgeOwner, personalKnowledgeBase } from './knowledge-base.js'
import { trainingView } from './view.js'

/**
 * One knowledge base at a glance: the organization's (every member may read it), or without an
 * organization id the actor's personal one (created on first use, so its id can be learned
 * before anything is trained). Counts are of sources by kind and of the chunks customers are
 * answered from now.
 */
export async function getKnowledgeBase({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId?: string }
}) {
  const organizationId = input.organizationId ?? (await personalKnowledgeBase({ ctx })).id
  if (input.organizationId) await authorizeKnowledgeBase(ctx, organizationId, 'knowledge:read')
  const org = await loadKnowledgeOwner(ctx, organizationId)
  if (!org) throw new NotFound('Organization')
  const db = dbOf(ctx)
  const kindCount = (kind: string) =>
    sql<number>`count(*) filter (where ${knowledgeSources.kind} = ${kind})`.mapWith(Number)
  const [sources] = await db
    .select({
      profile: kindCount('profile'),
      faqs: kindCount('faq'),
      texts: kindCount('text'),
      files: kindCount('file'),
      filesProcessing: sql<number>`count(*) filter (where ${knowledgeSources.status} = 'processing')`.mapWith(
        Number,
      ),
      // As the knowledge list decides it: a ready source edited after the last training.
      lastReadyChange:
        sql<Date | null>`max(${knowledgeSources.updatedAt}) filter (where ${knowledgeSources.status} = 'ready')`.mapWith(
          (v: string | Date | null) => (v === null ? null : new Date(v)),
        ),
    })
    .from(knowledgeSources)
    .where(eq(knowledgeSources.organizationId, organizationId))
  const [chunks] = await db
    .select({ n: count() })
    .from(knowledgeChunks)
    .where(
      and(
        eq(knowledgeChunks.organizationId, organizationId),
        eq(knowledgeChunks.generation, org.knowledgeGeneration),
      ),
    )
  const trainedAt = org.trainedAt?.getTime()
  const lastChange = sources?.lastReadyChange?.getTime()
  return {
    organizationId,
    kind: org.kind === 'personal' ? ('personal' as const) : ('organization' as const),
    name: org.name,
    training: {
      ...trainingView(org),
      changedSinceTraining: trainedAt !== undefined && lastChange !== undefined && lastChange > trainedAt,
    },
    counts: {
      profile: sources?.profile ?? 0,
      faqs: sources?.faqs ?? 0,
      texts: sources?.texts ?? 0,
      files: sources?.files ?? 0,
      filesProcessing: sources?.filesProcessing ?? 0,
      trainedChunks: chunks?.n ?? 0,
    },
  }
}
