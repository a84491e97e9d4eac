import { createRoute, z } from '@hono/zod-openapi'
import { listAudit } from '../../core/audit/list-audit.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonResponse } from '../router.js'
import { OrgIdParam } from './organizations.js'

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    actorLabel: z.string().openapi({ description: 'An email, `API key "name" (wak_…)`, or `system`' }),
    action: z.string().openapi({ example: 'member.role_changed' }),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).openapi({ description: 'What changed (never secrets)' }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('AuditEntry')

const AuditQuery = z.object({
  cursor: z.string().max(500).optional().openapi({ description: 'nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  action: z
    .string()
    .max(81)
    .optional()
    .openapi({ description: 'One action (`member.removed`) or every action of an area (`member`)' }),
})

export function auditRoutes() {
  const app = createRouter()
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/audit-log',
      tags: ['Organizations'],
      summary: 'Who changed what in the organization, newest first (owners and admins)',
      description:
        'Settings, plan, members and invitations, numbers, API keys, webhooks, exports, templates, broadcasts and privacy actions, with the actor, the address and browser they acted from. Pass `nextCursor` back as `cursor` for the next page.',
      request: { params: OrgIdParam, query: AuditQuery },
      responses: {
        200: jsonResponse(
          z.object({ entries: z.array(AuditEntrySchema), nextCursor: z.string().nullable() }),
          'A page of entries',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const page = await listAudit({
        ctx: actorCtx(c),
        input: {
          organizationId: c.req.valid('param').id,
          action: q.action,
          cursor: q.cursor,
          limit: q.limit,
        },
      })
      return c.json(page, 200)
    },
  )
  return app
}
