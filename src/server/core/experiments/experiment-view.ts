import { and, asc, eq } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { experiments, experimentVariants } from '../../db/schema/index.js'
import { NotFound } from '../errors.js'
import { isUuid } from '../members/permissions.js'

type ExperimentRow = typeof experiments.$inferSelect
type VariantRow = typeof experimentVariants.$inferSelect

export function experimentView(e: ExperimentRow, variants: VariantRow[]) {
  return {
    id: e.id,
    name: e.name,
    status: e.status,
    startedAt: e.startedAt.toISOString(),
    endedAt: e.endedAt?.toISOString() ?? null,
    winnerVariantId: e.winnerVariantId,
    variants: variants.map((v) => ({ id: v.id, name: v.name, weight: v.weight, settings: v.settings })),
  }
}
export type ExperimentView = ReturnType<typeof experimentView>

/** One experiment of the organization with its variants (creation order); another tenant's is a 404. */
export async function loadExperiment(
  db: Tx,
  organizationId: string,
  experimentId: string,
  opts: { lock?: boolean } = {},
) {
  if (!isUuid(experimentId)) throw new NotFound('Experiment')
  const query = db
    .select()
    .from(experiments)
    .where(and(eq(experiments.id, experimentId), eq(experiments.organizationId, organizationId)))
  const [experiment] = opts.lock ? await query.for('update') : await query
  if (!experiment) throw new NotFound('Experiment')
  const variants = await db
    .select()
    .from(experimentVariants)
    .where(
      and(
        eq(experimentVariants.experimentId, experiment.id),
        eq(experimentVariants.organizationId, organizationId),
      ),
    )
    .orderBy(asc(experimentVariants.createdAt), asc(experimentVariants.id))
  return { experiment, variants }
}
