import { createRoute, z } from '@hono/zod-openapi'
import { startTraining } from '../../core/knowledge/start-training.js'
import { availableProviders } from '../../providers/ai/models.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonResponse } from '../router.js'
import { TrainingSchema } from './knowledge.js'

const tags = ['Knowledge']

export function trainingRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/training/train',
      tags,
      summary: 'Train a knowledge base: the organization in x-organization-id, else your personal one',
      request: {
        headers: z.object({ 'x-organization-id': z.string().trim().min(1).optional() }),
      },
      responses: {
        202: jsonResponse(
          z.object({ organizationId: z.string(), training: TrainingSchema }),
          'Training started',
        ),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const organizationId = c.req.valid('header')['x-organization-id']
      return c.json(await startTraining({ ctx: actorCtx(c), input: { organizationId } }), 202)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/ai/providers',
      tags,
      summary: 'Model providers this platform has keys for, with their models (builtin always)',
      responses: {
        200: jsonResponse(
          z.object({
            providers: z.array(
              z.object({
                id: z.enum(['builtin', 'deepseek', 'openai', 'anthropic', 'compatible']),
                models: z.array(z.string()),
              }),
            ),
          }),
          'Providers',
        ),
        ...errorResponses('UNAUTHORIZED'),
      },
    }),
    async (c) => c.json({ providers: availableProviders(actorCtx(c).config) }, 200),
  )

  return app
}
