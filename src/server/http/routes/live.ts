import { createRoute, z } from '@hono/zod-openapi'
import { streamSSE } from 'hono/streaming'
import { watchOrganization } from '../../core/live/watch-organization.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter } from '../router.js'
import { OrgIdParam } from './organizations.js'

/** A comment line this often keeps proxies and browsers from closing an idle stream. */
export const HEARTBEAT_MS = 20_000

export function liveRoutes(opts: { heartbeatMs?: number } = {}) {
  const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS
  const app = createRouter()
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/live',
      tags: ['Conversations'],
      summary: 'Live updates of the organization’s conversations (Server-Sent Events)',
      description: [
        'A `text/event-stream` for the dashboard. Events: `ready` (at the start, and again when updates may',
        'have been missed: refetch what is shown), `message` and `conversation` with data',
        '`{"conversationId": "…"}` when a message or a conversation was added or changed (refetch it;',
        'bursts are coalesced to one event per conversation per 200 ms). A `: heartbeat` comment every 20 s.',
      ].join(' '),
      request: { params: OrgIdParam },
      responses: {
        200: {
          description: 'The stream; it stays open until the client closes it',
          content: { 'text/event-stream': { schema: z.string() } },
        },
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      // Authorized and subscribed before answering: errors are JSON with their status, and no
      // change between this line and the first read of the stream is lost.
      const watch = await watchOrganization({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id },
      })
      // Proxies that buffer responses (nginx) would hold events back.
      c.header('X-Accel-Buffering', 'no')
      return streamSSE(c, async (stream) => {
        stream.onAbort(() => watch.close())
        try {
          await stream.writeSSE({ event: 'ready', data: '{}', retry: 3000 })
          while (!stream.aborted && !stream.closed) {
            const events = await watch.next(heartbeatMs)
            if (events === null) break
            if (events.length === 0) await stream.write(': heartbeat\n\n')
            for (const event of events) {
              await stream.writeSSE(
                event.kind === 'ready'
                  ? { event: 'ready', data: '{}' }
                  : { event: event.kind, data: JSON.stringify({ conversationId: event.conversationId }) },
              )
            }
          }
        } finally {
          watch.close()
        }
      })
    },
  )
  return app
}
