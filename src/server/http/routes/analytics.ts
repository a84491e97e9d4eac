import { createRoute, z } from '@hono/zod-openapi'
import { MESSAGE_SOURCES } from '../../../shared/enums.js'
import { ANALYTICS_CHARTS, analyticsCsv } from '../../core/analytics/analytics-csv.js'
import { getAnalytics, HAND_OFF_REASONS } from '../../core/analytics/get-analytics.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonResponse } from '../router.js'
import { OrgIdParam } from './organizations.js'

const tags = ['Analytics']
const base = '/api/organizations/{id}/analytics'

const RangeQuery = z.object({
  from: z.string().optional().openapi({
    example: '2025-01-01',
    description: 'First day (YYYY-MM-DD, the organization’s zone); default: 29 days before `to`',
  }),
  to: z.string().optional().openapi({
    example: '2025-01-30',
    description: 'Last day, included (default: today); at most 366 days in all',
  }),
})

const PercentilesSchema = z.object({
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  p99: z.number().nullable(),
  count: z.number(),
})

const AnalyticsSchema = z
  .object({
    timezone: z.string(),
    range: z.object({ from: z.string(), to: z.string(), days: z.number() }),
    responseTime: z.object({
      ai: PercentilesSchema.describe('Milliseconds from the customer message to the AI answer leaving'),
      agent: PercentilesSchema.describe(
        'Milliseconds from the customer’s latest message to the first agent reply',
      ),
    }),
    conversations: z.object({ total: z.number(), resolvedByAi: z.number(), handedOff: z.number() }),
    resolutionRate: z.number().nullable().describe('Share answered by the AI without a person (null: none)'),
    handOffRate: z.number().nullable(),
    handOffReasons: z.array(z.object({ reason: z.enum(HAND_OFF_REASONS), count: z.number() })),
    heatmap: z.array(z.array(z.number())).describe('[Monday..Sunday][hour 0..23] customer messages'),
    topTopics: z.array(z.object({ topic: z.string(), kind: z.enum(['passage', 'word']), count: z.number() })),
    bySource: z.record(z.enum(MESSAGE_SOURCES), z.number()),
    perAgent: z.array(
      z.object({
        userId: z.string(),
        name: z.string().nullable(),
        email: z.string().nullable(),
        messages: z.number(),
        conversations: z.number(),
        medianFirstResponseMs: z.number().nullable(),
      }),
    ),
    perVariant: z.array(
      z.object({
        variantId: z.string(),
        variantName: z.string().nullable(),
        experimentId: z.string().nullable(),
        experimentName: z.string().nullable(),
        answers: z.number(),
        meanScore: z.number().nullable(),
        scored: z.number(),
        handOffs: z.number(),
      }),
    ),
    quality: z.object({ meanScore: z.number().nullable(), scored: z.number() }),
    daily: z.array(
      z.object({
        date: z.string(),
        customerMessages: z.number(),
        aiAnswers: z.number(),
        agentMessages: z.number(),
        handOffs: z.number(),
      }),
    ),
  })
  .openapi('Analytics')

export function analyticsRoutes() {
  const app = createRouter()
  app.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags,
      summary:
        'Response times, resolution and hand-offs, busy hours, topics, agents and variants over a range of days',
      request: { params: OrgIdParam, query: RangeQuery },
      responses: {
        200: jsonResponse(AnalyticsSchema, 'Figures in the organization’s time zone'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { from, to } = c.req.valid('query')
      const input = { organizationId: c.req.valid('param').id, from, to }
      return c.json(await getAnalytics({ ctx: actorCtx(c), input }), 200)
    },
  )

  // Documented as `{chart}.csv`, served by a pattern: the OpenAPI router would read the whole last
  // segment ("daily.csv") as a parameter named "chart.csv".
  app.openAPIRegistry.registerPath(
    createRoute({
      method: 'get',
      path: `${base}/{chart}.csv`,
      tags,
      summary: `One chart as CSV (${ANALYTICS_CHARTS.join(', ')})`,
      request: {
        params: OrgIdParam.extend({
          chart: z.string().openapi({
            param: { name: 'chart', in: 'path' },
            example: 'daily',
            description: ANALYTICS_CHARTS.join(', '),
          }),
        }),
        query: RangeQuery,
      },
      responses: {
        200: { description: 'CSV with a header row', content: { 'text/csv': { schema: z.string() } } },
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
  )
  app.get('/api/organizations/:id/analytics/:file{[^/]+\\.csv}', async (c) => {
    const file = c.req.param('file')
    const csv = await analyticsCsv({
      ctx: actorCtx(c),
      input: {
        organizationId: c.req.param('id'),
        chart: file.slice(0, -'.csv'.length),
        from: c.req.query('from'),
        to: c.req.query('to'),
      },
    })
    c.header('Content-Type', 'text/csv; charset=utf-8')
    c.header('Content-Disposition', `attachment; filename="${csv.fileName}"`)
    c.header('Cache-Control', 'no-store')
    return c.body(csv.body, 200)
  })
  return app
}
