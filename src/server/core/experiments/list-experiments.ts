import { asc, desc, eq, inArray } from 'drizzle-orm'
import { experiments, experimentVariants } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { experimentView } from './experiment-view.js'

const MAX_LISTED = 100

/** The organization's experiments, newest first (the last 100). */
export async function listExperiments({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'stats:read')
  const rows = await ctx.db
    .select()
    .from(experiments)
    .where(eq(experiments.organizationId, input.organizationId))
    .orderBy(desc(experiments.startedAt), desc(experiments.id))
    .limit(MAX_LISTED)
  const variants =
    rows.length === 0
      ? []
      : await ctx.db
          .select()
          .from(experimentVariants)
          .where(
            inArray(
              experimentVariants.experimentId,
              rows.map((r) => r.id),
            ),
          )
          .orderBy(asc(experimentVariants.createdAt), asc(experimentVariants.id))
  return {
    experiments: rows.map((e) =>
      experimentView(
        e,
        variants.filter((v) => v.experimentId === e.id && v.organizationId === input.organizationId),
      ),
    ),
  }
}
