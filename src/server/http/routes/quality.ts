import { createRoute, z } from '@hono/zod-openapi'
import { qualityReport } from '../../core/quality/quality-report.js'
import { getQualitySettings, updateQualitySettings } from '../../core/quality/quality-settings.js'
import { QualitySettingsSchema } from '../../core/quality/settings.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'
import { OrgIdParam } from './organizations.js'

const QualitySettingsView = QualitySettingsSchema

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a date')

const QualityQuery = z.object({
  from: Day.openapi({
    description: 'First day (the organization’s time zone), YYYY-MM-DD',
    example: '2026-11-01',
  }),
  to: Day.openapi({
    description: 'Last day, inclusive (at most 366 days after `from`)',
    example: '2026-11-30',
  }),
})

const QualityReportSchema = z
  .object({
    timezone: z.string(),
    from: z.string(),
    to: z.string(),
    distribution: z
      .array(z.object({ from: z.number(), to: z.number(), count: z.number().int() }))
      .openapi({ description: 'Conversations by quality score, ten buckets of 0.1 (the last includes 1)' }),
    worst: z
      .array(
        z.object({
          conversationId: z.string(),
          contactLabel: z.string(),
          score: z.number(),
          rating: z.number().int().nullable(),
          answers: z.number().int(),
          reasons: z
            .object({
              dontKnow: z.number().int(),
              lowConfidence: z.number().int(),
              escalated: z.number().int(),
              repeated: z.number().int(),
              askedPerson: z.number().int(),
              lowGrade: z.number().int(),
            })
            .openapi({ description: 'How many of its answers in the range had each weak signal' }),
        }),
      )
      .openapi({ description: 'The 20 lowest-scored conversations, worst first' }),
    trend: z
      .array(z.object({ date: z.string(), meanScore: z.number(), answers: z.number().int() }))
      .openapi({ description: 'Per day with answers: their mean score and count' }),
    ratings: z.object({
      count: z.number().int(),
      mean: z.number().nullable(),
      histogram: z.array(z.object({ rating: z.number().int(), count: z.number().int() })),
    }),
  })
  .openapi('QualityReport')

export function qualityRoutes() {
  const app = createRouter()
  const tags = ['Analytics']
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/quality-settings',
      tags,
      summary: 'How answers are graded and whether customers are asked to rate',
      request: { params: OrgIdParam },
      responses: {
        200: jsonResponse(QualitySettingsView, 'The settings (defaults when never saved)'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        await getQualitySettings({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } }),
        200,
      ),
  )
  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/organizations/{id}/quality-settings',
      tags,
      summary: 'Set answer grading (off, a sample, all) and the customer rating question',
      description:
        'Grading needs a model (the built-in responder is not graded). The rating question goes out once the conversation has been quiet for `ratingDelayMinutes`, inside WhatsApp’s 24-hour window, and is not counted against the month.',
      request: { params: OrgIdParam, body: jsonBody(QualitySettingsView) },
      responses: {
        200: jsonResponse(QualitySettingsView, 'Saved'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        await updateQualitySettings({
          ctx: actorCtx(c),
          input: { organizationId: c.req.valid('param').id, settings: c.req.valid('json') },
        }),
        200,
      ),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/quality',
      tags,
      summary: 'Answer quality: score distribution, worst conversations, daily trend, customer ratings',
      request: { params: OrgIdParam, query: QualityQuery },
      responses: {
        200: jsonResponse(QualityReportSchema, 'Over the range, in the organization’s time zone'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        await qualityReport({
          ctx: actorCtx(c),
          input: { organizationId: c.req.valid('param').id, ...c.req.valid('query') },
        }),
        200,
      ),
  )
  return app
}
