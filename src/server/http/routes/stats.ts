import { createRoute, z } from '@hono/zod-openapi'
import { getStats } from '../../core/stats/get-stats.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonResponse } from '../router.js'
import { ConversationSummarySchema } from './conversations.js'
import { OrgIdParam } from './organizations.js'

const StatsSchema = z
  .object({
    month: z.object({
      key: z.string(),
      since: z.string(),
      inbound: z.number(),
      outbound: z.number(),
      failed: z.number(),
    }),
    perDay: z.array(z.object({ date: z.string(), inbound: z.number(), outbound: z.number() })),
    conversations: z.object({
      total: z.number(),
      thisMonth: z.number(),
      withHuman: z.number(),
      needsAttention: z.number(),
    }),
    uniqueCustomers: z.number(),
    usage: z.object({
      used: z.number(),
      limit: z.number(),
      remaining: z.number(),
      limitReached: z.boolean(),
      limitReachedAt: z.string().nullable(),
    }),
    averageReplyLatencyMs: z.number().nullable(),
    recent: z.array(ConversationSummarySchema),
  })
  .openapi('Stats')

export function statsRoutes() {
  const app = createRouter()
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/stats',
      tags: ['Conversations'],
      summary: 'Messages, conversations, customers, usage and reply latency (this month, last 30 days)',
      request: { params: OrgIdParam },
      responses: {
        200: jsonResponse(StatsSchema, 'Statistics in the organization’s time zone'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(await getStats({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } }), 200),
  )
  return app
}
