import { timingSafeEqual } from 'node:crypto'
import { createRoute, z } from '@hono/zod-openapi'
import { Unauthorized } from '../../core/errors.js'
import { rollOverUsage } from '../../core/usage/roll-over.js'
import { systemCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonResponse } from '../router.js'

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function cronRoutes() {
  const app = createRouter()
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/cron/reset-usage',
      tags: ['Operator'],
      summary: 'Roll every organization into the current billing month (idempotent)',
      description:
        'Needs `Authorization: Bearer <CRON_SECRET>`. The built-in scheduler already runs this at 00:00 on the 1st; this is for an outside cron or a manual run.',
      responses: {
        200: jsonResponse(
          z.object({ organizations: z.number(), opened: z.number(), at: z.string() }),
          'Rolled over',
        ),
        ...errorResponses('UNAUTHORIZED'),
      },
    }),
    async (c) => {
      const secret = c.get('services').config.cronSecret
      const header = c.req.header('authorization') ?? ''
      const token = header.startsWith('Bearer ') ? header.slice(7) : ''
      if (!secret || !token || !sameSecret(token, secret)) {
        throw new Unauthorized(
          secret ? 'Wrong or missing bearer token' : 'CRON_SECRET is not configured on this server',
        )
      }
      return c.json(await rollOverUsage({ ctx: systemCtx(c) }), 200)
    },
  )
  return app
}
