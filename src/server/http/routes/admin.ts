import { createRoute, z } from '@hono/zod-openapi'
import { listAllNumbers } from '../../core/numbers/list-numbers.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonResponse } from '../router.js'
import { PhoneNumberSchema } from './numbers.js'

export function adminRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/admin/numbers',
      tags: ['Operator'],
      summary: 'Every number on the platform with its organization (operators, OPERATOR_EMAILS)',
      description: '`orphans` lists numbers the provider account holds that no live row knows (null if the provider could not be asked).',
      responses: {
        200: jsonResponse(
          z.object({
            numbers: z.array(
              PhoneNumberSchema.extend({
                organizationId: z.string(),
                organizationName: z.string(),
                providerNumberSid: z.string().nullable(),
                senderSid: z.string().nullable(),
              }),
            ),
            orphans: z.array(z.object({ sid: z.string(), phoneNumber: z.string() })).nullable(),
          }),
          'All numbers',
        ),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN'),
      },
    }),
    async (c) => c.json(await listAllNumbers({ ctx: actorCtx(c) }), 200),
  )

  return app
}
