import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { experimentResults } from './experiment-results.js'
import { experimentView, loadExperiment } from './experiment-view.js'

/** One experiment with each variant's results (stats:read). */
export async function getExperiment({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; experimentId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'stats:read')
  const { experiment, variants } = await loadExperiment(ctx.db, input.organizationId, input.experimentId)
  const results = await experimentResults(ctx.db, input.organizationId, experiment.id)
  const view = experimentView(experiment, variants)
  return {
    ...view,
    variants: view.variants.map((v) => ({
      ...v,
      results: results.get(v.id) ?? {
        contacts: 0,
        answers: 0,
        conversations: 0,
        qualityScore: { n: 0, mean: null, low: null, high: null },
        handOffRate: { n: 0, count: 0, rate: null, low: null, high: null },
        rating: { n: 0, mean: null, low: null, high: null },
        latencyMs: { p50: null, p90: null },
      },
    })),
  }
}
