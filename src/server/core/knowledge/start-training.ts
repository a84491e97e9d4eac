import { eq } from 'drizzle-orm'
import { organizations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeKnowledgeBase, personalKnowledgeBase } from './knowledge-base.js'
import { trainingView } from './view.js'

/**
 * Marks the knowledge base as training and enqueues the job that builds its next generation of
 * chunks. Without an organization id, trains the actor's personal knowledge base.
 */
export async function startTraining({ ctx, input }: { ctx: ActorCtx; input: { organizationId?: string } }) {
  const organizationId = input.organizationId ?? (await personalKnowledgeBase({ ctx })).id
  if (input.organizationId) await authorizeKnowledgeBase(ctx, organizationId, 'knowledge:write')
  const [org] = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(organizations)
      .set({ trainingStatus: 'training', trainingProgress: 0, trainingError: null })
      .where(eq(organizations.id, organizationId))
      .returning()
    if (rows.length > 0) await ctx.jobs.send('knowledge.train', { organizationId }, { tx })
    return rows
  })
  if (!org) throw new NotFound('Organization')
  ctx.jobs.wake('knowledge.train')
  return { organizationId, training: trainingView(org) }
}
