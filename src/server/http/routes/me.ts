import { createRoute, z } from '@hono/zod-openapi'
import { getAccount, linkPhone } from '../../core/account/account.js'
import { actorCtx } from '../context.js'
import { E164 } from '../../providers/telephony/types.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

const AccountSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string(), phone: z.string().nullable(), isOperator: z.boolean() })
  .openapi('Account')

export function meRoutes() {
  const app = createRouter()
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/me',
      tags: ['Account'],
      summary: 'The signed-in account',
      responses: { 200: jsonResponse(z.object({ account: AccountSchema }), 'Account'), ...errorResponses('UNAUTHORIZED') },
    }),
    async (c) => c.json({ account: await getAccount({ ctx: actorCtx(c) }) }, 200),
  )
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/me',
      tags: ['Account'],
      summary: 'Link your WhatsApp number (messages from it to the shared number use your personal knowledge base)',
      request: {
        body: jsonBody(
          z
            .object({
              phone: z
                .string()
                .regex(E164, 'must be an E.164 number like +250788123456')
                .nullable(),
            })
            .strict(),
        ),
      },
      responses: {
        200: jsonResponse(z.object({ account: AccountSchema }), 'Updated'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'CONFLICT'),
      },
    }),
    async (c) => c.json({ account: await linkPhone({ ctx: actorCtx(c), input: c.req.valid('json') }) }, 200),
  )
  return app
}
