import { createRoute, z } from '@hono/zod-openapi'
import { draftFaq } from '../../core/unanswered/draft-faq.js'
import { listUnanswered } from '../../core/unanswered/get-unanswered.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonResponse } from '../router.js'
import { SourceSchema } from './knowledge.js'
import { OrgIdParam } from './organizations.js'

const tags = ['Knowledge']
const Range = z.object({
  from: z
    .string()
    .optional()
    .openapi({ description: 'YYYY-MM-DD in the organization’s time zone; default: 29 days before to' }),
  to: z.string().optional().openapi({ description: 'YYYY-MM-DD, included; default: today' }),
})

const GroupSchema = z
  .object({
    id: z.string().openapi({ description: 'Stable while its first question is in the range' }),
    label: z.string().openapi({ description: 'The group’s first question' }),
    count: z.number(),
    questions: z.array(
      z.object({ messageId: z.string(), conversationId: z.string(), text: z.string(), at: z.string() }),
    ),
    agentAnswer: z
      .string()
      .nullable()
      .openapi({ description: 'What a person of the team answered in the chat, if one did' }),
  })
  .openapi('UnansweredGroup')

export function unansweredRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/unanswered',
      tags,
      summary:
        'Customer questions the assistant could not answer (did not know, low confidence, handed off), grouped by similarity',
      request: { params: OrgIdParam, query: Range },
      responses: {
        200: jsonResponse(
          z.object({
            from: z.string(),
            to: z.string(),
            grouping: z.enum(['embedding', 'lexical']).openapi({
              description: 'By the embedding model when one is configured, else by words and concepts',
            }),
            groups: z.array(GroupSchema),
          }),
          'The groups, largest first (the last 2,000 questions of the range)',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        await listUnanswered({
          ctx: actorCtx(c),
          input: { organizationId: c.req.valid('param').id, ...c.req.valid('query') },
        }),
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/unanswered/{groupId}/faq-draft',
      tags,
      summary:
        'Turn a group into a knowledge FAQ draft (the group’s question, a person’s answer from the chat or a placeholder to edit); retrain afterwards',
      request: {
        params: z.object({
          id: z.string().openapi({ param: { name: 'id', in: 'path' } }),
          groupId: z.string().openapi({ param: { name: 'groupId', in: 'path' } }),
        }),
        query: Range,
      },
      responses: {
        201: jsonResponse(z.object({ source: SourceSchema }), 'The FAQ draft'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'PLAN_REQUIRED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { id, groupId } = c.req.valid('param')
      const source = await draftFaq({
        ctx: actorCtx(c),
        input: { organizationId: id, groupId, ...c.req.valid('query') },
      })
      return c.json({ source }, 201)
    },
  )
  return app
}
