import { createRoute, z } from '@hono/zod-openapi'
import { AI_PROVIDERS } from '../../../shared/enums.js'
import { getKnowledgeBase } from '../../core/knowledge/get-knowledge-base.js'
import { listAiProviders } from '../../core/knowledge/list-ai-providers.js'
import { TrainInput } from '../../core/knowledge/schemas.js'
import { startTraining } from '../../core/knowledge/start-training.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonResponse } from '../router.js'
import { TrainingSchema } from './knowledge.js'

const KnowledgeBaseHeader = z.object({
  'x-organization-id': z
    .string()
    .trim()
    .min(1)
    .optional()
    .openapi({ description: 'The organization; without it, your personal knowledge base' }),
})

const SavedSchema = z
  .object({
    profile: z.boolean().openapi({ description: 'Profile fields were stored' }),
    faqsAdded: z.number(),
    faqsReplaced: z
      .number()
      .openapi({ description: 'FAQs whose question was already stored: answer replaced' }),
  })
  .openapi({ description: 'What the request body stored (only when a body was sent)' })

const tags = ['Knowledge']

export function trainingRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/training/train',
      tags,
      summary: 'Train a knowledge base: the organization in x-organization-id, else your personal one',
      description:
        'With a JSON body, its knowledge is stored first: profile fields (`businessName`, `description`, `location`, ' +
        '`hours`, `contact`, `policies`, `toneOfVoice`, `language`) replace those fields of the profile (an empty ' +
        'string removes one; fields not sent are kept); each of `faqs` replaces the stored FAQ with the same question ' +
        '(case and spaces aside), else is added. Without a body, what is stored is trained. A knowledge base with no ' +
        'profile, FAQ, text or readable file is refused with a 400 (`details[0].reason` = `NOTHING_TO_TRAIN`) and ' +
        'nothing changes. Owners and admins (any role on your personal knowledge base, which is yours alone).',
      request: {
        headers: KnowledgeBaseHeader,
        body: {
          content: { 'application/json': { schema: TrainInput } },
          description: 'Knowledge to store before training (optional)',
          required: false,
        },
      },
      responses: {
        202: jsonResponse(
          z.object({ organizationId: z.string(), training: TrainingSchema, saved: SavedSchema.optional() }),
          'Training started',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const organizationId = c.req.valid('header')['x-organization-id']
      const body = c.req.valid('json')
      const knowledge = Object.keys(body).length > 0 ? body : undefined
      return c.json(await startTraining({ ctx: actorCtx(c), input: { organizationId, knowledge } }), 202)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/training/knowledge-base',
      tags,
      summary: 'A knowledge base at a glance: the organization in x-organization-id, else your personal one',
      description:
        'Its id (for the personal knowledge base, created on first use, the id to use with ' +
        '`/api/organizations/{id}/knowledge`), training state and counts. Every member of the organization may read it.',
      request: { headers: KnowledgeBaseHeader },
      responses: {
        200: jsonResponse(
          z
            .object({
              organizationId: z.string(),
              kind: z.enum(['personal', 'organization']),
              name: z.string(),
              training: TrainingSchema.extend({ changedSinceTraining: z.boolean() }),
              counts: z.object({
                profile: z.number().openapi({ description: '1 when a business profile is stored' }),
                faqs: z.number(),
                texts: z.number(),
                files: z.number(),
                filesProcessing: z.number().openapi({ description: 'Files whose text is still being read' }),
                trainedChunks: z
                  .number()
                  .openapi({ description: 'Passages of the trained knowledge customers are answered from' }),
              }),
            })
            .openapi('KnowledgeBase'),
          'The knowledge base',
        ),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const organizationId = c.req.valid('header')['x-organization-id']
      return c.json(await getKnowledgeBase({ ctx: actorCtx(c), input: { organizationId } }), 200)
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
                id: z.enum(AI_PROVIDERS),
                models: z.array(z.string()),
              }),
            ),
          }),
          'Providers',
        ),
        ...errorResponses('UNAUTHORIZED'),
      },
    }),
    async (c) => c.json(listAiProviders({ ctx: actorCtx(c) }), 200),
  )

  return app
}
