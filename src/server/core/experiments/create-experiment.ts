import { and, eq, sql } from 'drizzle-orm'
import { oneRow } from '../../db/client.js'
import { experiments, experimentVariants } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { BadRequest, Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { servedModel } from './apply-variant.js'
import { experimentView } from './experiment-view.js'
import type { CreateExperimentInput } from './schemas.js'

const RUNNING = 'An experiment is already running: end it or promote a variant first'

/** Starts an A/B test of the assistant; an organization runs at most one at a time (409). */
export async function createExperiment({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: CreateExperimentInput & { organizationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'experiments:manage')
  const unserved = input.variants.flatMap((v, i) =>
    v.settings.model && !servedModel(ctx.config, v.settings.model)
      ? [{ path: `variants.${i}.settings.model`, message: 'not a model this deployment serves' }]
      : [],
  )
  if (unserved.length > 0) throw new BadRequest('Invalid input', unserved)
  const created = await ctx.db
    .transaction(async (tx) => {
      const [running] = await tx
        .select({ id: experiments.id })
        .from(experiments)
        .where(and(eq(experiments.organizationId, input.organizationId), eq(experiments.status, 'running')))
      if (running) throw new Conflict(RUNNING, { experimentId: running.id })
      const experiment = oneRow(
        await tx
          .insert(experiments)
          .values({
            organizationId: input.organizationId,
            name: input.name,
            createdByUserId: ctx.actor.userId || null,
          })
          .returning(),
        'experiment',
      )
      const variants = []
      // One at a time: creation order is the order of the cumulative weights (variant-for.ts).
      for (const [i, v] of input.variants.entries()) {
        variants.push(
          oneRow(
            await tx
              .insert(experimentVariants)
              .values({
                experimentId: experiment.id,
                organizationId: input.organizationId,
                name: v.name,
                weight: v.weight,
                settings: v.settings,
                createdAt: sql`now() + ${i} * interval '1 microsecond'`,
              })
              .returning(),
            'variant',
          ),
        )
      }
      await recordAudit(
        ctx,
        {
          organizationId: input.organizationId,
          action: 'experiment.started',
          target: { type: 'experiment', id: experiment.id },
          details: {
            name: input.name,
            variants: input.variants.map((v) => ({ name: v.name, weight: v.weight })),
          },
        },
        tx,
      )
      return experimentView(experiment, variants)
    })
    .catch((err: unknown) => {
      // Two owners starting one at the same instant: the partial unique index lets one win.
      const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code
      if (code === '23505') throw new Conflict(RUNNING)
      throw err
    })
  return created
}
