import { and, eq, sql } from 'drizzle-orm'
import { experiments, organizations } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { BadRequest, Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { servedModel } from './apply-variant.js'
import { experimentView, loadExperiment } from './experiment-view.js'

/**
 * Ends a running experiment; with `winnerVariantId` (promoting), the winner's settings become the
 * organization's: tone and model in its AI settings, instructions (AiSettings.instructions, added to
 * every prompt) and the welcome message. Every customer is answered by the organization's settings
 * again from the next message on (assignments stay, for the results).
 */
export async function endExperiment({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; experimentId: string; winnerVariantId?: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'experiments:manage')
  return ctx.db.transaction(async (tx) => {
    const { experiment, variants } = await loadExperiment(tx, input.organizationId, input.experimentId, {
      lock: true,
    })
    if (experiment.status !== 'running') throw new Conflict('This experiment has already ended')
    const winner =
      input.winnerVariantId === undefined ? undefined : variants.find((v) => v.id === input.winnerVariantId)
    if (input.winnerVariantId !== undefined && !winner) {
      throw new BadRequest('Invalid input', [
        { path: 'variantId', message: 'not a variant of this experiment' },
      ])
    }
    const [ended] = await tx
      .update(experiments)
      .set({ status: 'ended', endedAt: sql`now()`, winnerVariantId: winner?.id ?? null })
      .where(and(eq(experiments.id, experiment.id), eq(experiments.organizationId, input.organizationId)))
      .returning()
    const applied: string[] = []
    if (winner) {
      const [org] = await tx
        .select({ ai: organizations.ai })
        .from(organizations)
        .where(eq(organizations.id, input.organizationId))
        .for('update')
      const s = winner.settings
      if (org) {
        const ai = { ...org.ai }
        if (s.tone) {
          ai.tone = s.tone
          applied.push('tone')
        }
        // A model no longer served is left out (the organization keeps its own) rather than saved broken.
        const served = s.model ? servedModel(ctx.config, s.model) : null
        if (served) {
          ai.provider = served.provider
          ai.model = served.model
          applied.push('model')
        }
        if (s.instructions !== undefined) {
          ai.instructions = s.instructions
          applied.push('instructions')
        }
        const welcome = s.welcomeMessage?.trim()
        if (welcome) applied.push('welcomeMessage')
        await tx
          .update(organizations)
          .set({ ai, ...(welcome ? { welcomeMessage: welcome } : {}), updatedAt: sql`now()` })
          .where(eq(organizations.id, input.organizationId))
      }
    }
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: winner ? 'experiment.promoted' : 'experiment.ended',
        target: { type: 'experiment', id: experiment.id },
        details: winner ? { variantId: winner.id, variant: winner.name, applied } : {},
      },
      tx,
    )
    return experimentView(ended ?? experiment, variants)
  })
}
