import { createRoute, z } from '@hono/zod-openapi'
import { customerView, simulatedChat } from '../../core/simulator/simulator.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'
import { postSimulatedInbound } from '../simulated-webhook.js'
import { MessageSchema } from './conversations.js'
import { OrgIdParam } from './organizations.js'

const tags = ['Simulator']
const From = z.string().min(1).openapi({ example: '+15551234567' })

export function simulatorRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/simulator/messages',
      tags,
      summary: "Write to the organization's number as a simulated customer (owner/admin)",
      description:
        'Goes through the real, signed webhook and reply pipeline as a simulated customer: replies are recorded and shown here, never sent to a phone, and not counted against the monthly limit (the limit still applies, as a customer would see it).',
      request: {
        params: OrgIdParam,
        body: jsonBody(
          z
            .object({
              from: From,
              body: z.string().min(1).max(4096),
              profileName: z.string().max(100).optional(),
            })
            .strict(),
        ),
      },
      responses: {
        202: jsonResponse(
          z.object({ messageSid: z.string(), to: z.string() }),
          'Accepted by the webhook; the reply follows',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const ctx = actorCtx(c)
      const { body, profileName, from } = c.req.valid('json')
      const chat = await simulatedChat({ ctx, input: { organizationId: c.req.valid('param').id, from } })
      const { messageSid } = await postSimulatedInbound(ctx, c.get('dispatch'), {
        ...chat,
        body,
        profileName,
      })
      return c.json({ messageSid, to: chat.to }, 202)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/simulator/messages',
      tags,
      summary: 'The simulated conversation as that customer sees it, replies included (every member)',
      request: { params: OrgIdParam, query: z.object({ from: From }) },
      responses: {
        200: jsonResponse(z.object({ messages: z.array(MessageSchema) }), 'Oldest first'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const messages = await customerView({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, from: c.req.valid('query').from },
      })
      return c.json({ messages }, 200)
    },
  )

  return app
}
