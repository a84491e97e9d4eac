import { createRoute, z } from '@hono/zod-openapi'
import { addMember, listMembers, removeMember, updateMemberRole } from '../../core/members/members.js'
import { AddMemberInput, UpdateMemberInput } from '../../core/members/schemas.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

const MemberSchema = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['owner', 'admin', 'agent', 'viewer']),
    joinedAt: z.string(),
  })
  .openapi('Member')

const OrgParam = z.object({ id: z.string() })
const MemberParam = z.object({ id: z.string(), userId: z.string() })
const tags = ['Members']

export function memberRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/members',
      tags,
      summary: 'The team',
      request: { params: OrgParam },
      responses: {
        200: jsonResponse(z.object({ members: z.array(MemberSchema) }), 'Members'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json({ members: await listMembers({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } }) }, 200),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/members',
      tags,
      summary: 'Add a signed-up user by email with a role (owner/admin; only owners add owners)',
      request: { params: OrgParam, body: jsonBody(AddMemberInput) },
      responses: {
        201: jsonResponse(z.object({ member: MemberSchema }), 'Added'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const member = await addMember({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
      })
      return c.json({ member }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/organizations/{id}/members/{userId}',
      tags,
      summary: "Change a member's role",
      request: { params: MemberParam, body: jsonBody(UpdateMemberInput) },
      responses: {
        200: jsonResponse(z.object({ member: MemberSchema }), 'Updated'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const { id, userId } = c.req.valid('param')
      const member = await updateMemberRole({
        ctx: actorCtx(c),
        input: { organizationId: id, userId, role: c.req.valid('json').role },
      })
      return c.json({ member }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/organizations/{id}/members/{userId}',
      tags,
      summary: 'Remove a member (or leave); the last owner cannot be removed',
      request: { params: MemberParam },
      responses: {
        200: jsonResponse(z.object({ removed: z.literal(true) }), 'Removed'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const { id, userId } = c.req.valid('param')
      await removeMember({ ctx: actorCtx(c), input: { organizationId: id, userId } })
      return c.json({ removed: true as const }, 200)
    },
  )

  return app
}
