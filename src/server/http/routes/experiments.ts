import { createRoute, z } from '@hono/zod-openapi'
import { EXPERIMENT_STATUSES } from '../../../shared/enums.js'
import { createExperiment } from '../../core/experiments/create-experiment.js'
import { endExperiment } from '../../core/experiments/end-experiment.js'
import { getExperiment } from '../../core/experiments/get-experiment.js'
import { listExperiments } from '../../core/experiments/list-experiments.js'
import { CreateExperimentInput, PromoteVariantInput } from '../../core/experiments/schemas.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'
import { OrgIdParam } from './organizations.js'

const tags = ['Experiments']
const ExperimentParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' } }),
  eid: z.string().openapi({ param: { name: 'eid', in: 'path' } }),
})

const VariantSchema = z.object({
  id: z.string(),
  name: z.string(),
  weight: z.number(),
  settings: z.object({
    tone: z.string().optional(),
    instructions: z.string().optional(),
    model: z.string().optional(),
    welcomeMessage: z.string().optional(),
  }),
})

const ExperimentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(EXPERIMENT_STATUSES),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    winnerVariantId: z.string().nullable(),
    variants: z.array(VariantSchema),
  })
  .openapi('Experiment')

const MeanSchema = z
  .object({
    n: z.number(),
    mean: z.number().nullable(),
    low: z
      .number()
      .nullable()
      .openapi({ description: '95% interval (normal approximation); null when n < 2' }),
    high: z.number().nullable(),
  })
  .openapi('MeanEstimate')

const RateSchema = z
  .object({
    n: z.number(),
    count: z.number(),
    rate: z.number().nullable(),
    low: z.number().nullable().openapi({ description: 'Wilson score 95% interval' }),
    high: z.number().nullable(),
  })
  .openapi('RateEstimate')

const ExperimentWithResultsSchema = ExperimentSchema.extend({
  variants: z.array(
    VariantSchema.extend({
      results: z.object({
        contacts: z.number().openapi({ description: 'Customers assigned (simulated ones are not counted)' }),
        answers: z.number().openapi({ description: 'AI answers made with the variant' }),
        conversations: z.number(),
        qualityScore: MeanSchema.openapi({ description: 'Mean answer score (0..1)' }),
        handOffRate: RateSchema.openapi({ description: 'Scored answers that handed the chat to a person' }),
        rating: MeanSchema.openapi({ description: 'Customer rating (1..5) of conversations it answered in' }),
        latencyMs: z.object({ p50: z.number().nullable(), p90: z.number().nullable() }),
      }),
    }),
  ),
}).openapi('ExperimentWithResults')

export function experimentRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/experiments',
      tags,
      summary: 'A/B tests of the assistant, newest first',
      request: { params: OrgIdParam },
      responses: {
        200: jsonResponse(z.object({ experiments: z.array(ExperimentSchema) }), 'Experiments'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        await listExperiments({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } }),
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/experiments',
      tags,
      summary: 'Start an A/B test: 2–4 variants with weights (owner/admin; one running at a time)',
      request: { params: OrgIdParam, body: jsonBody(CreateExperimentInput) },
      responses: {
        201: jsonResponse(z.object({ experiment: ExperimentSchema }), 'Started'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const experiment = await createExperiment({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
      })
      return c.json({ experiment }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/experiments/{eid}',
      tags,
      summary: 'An experiment with each variant’s results and 95% intervals',
      request: { params: ExperimentParam },
      responses: {
        200: jsonResponse(z.object({ experiment: ExperimentWithResultsSchema }), 'The experiment'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { id, eid } = c.req.valid('param')
      const experiment = await getExperiment({
        ctx: actorCtx(c),
        input: { organizationId: id, experimentId: eid },
      })
      return c.json({ experiment }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/experiments/{eid}/end',
      tags,
      summary: 'End a running experiment without a winner (owner/admin)',
      request: { params: ExperimentParam },
      responses: {
        200: jsonResponse(z.object({ experiment: ExperimentSchema }), 'Ended'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const { id, eid } = c.req.valid('param')
      const experiment = await endExperiment({
        ctx: actorCtx(c),
        input: { organizationId: id, experimentId: eid },
      })
      return c.json({ experiment }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/experiments/{eid}/promote',
      tags,
      summary:
        'End a running experiment and make a variant’s settings the organization’s (tone, model, instructions, welcome message)',
      request: { params: ExperimentParam, body: jsonBody(PromoteVariantInput) },
      responses: {
        200: jsonResponse(z.object({ experiment: ExperimentSchema }), 'Promoted'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const { id, eid } = c.req.valid('param')
      const experiment = await endExperiment({
        ctx: actorCtx(c),
        input: { organizationId: id, experimentId: eid, winnerVariantId: c.req.valid('json').variantId },
      })
      return c.json({ experiment }, 200)
    },
  )
  return app
}
