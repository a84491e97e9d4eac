import { createRoute, z } from '@hono/zod-openapi'
import { INVITATION_STATUSES, MEMBER_ROLES } from '../../../shared/enums.js'
import { inviteMember } from '../../core/members/invite-member.js'
import { listInvitations } from '../../core/members/list-invitations.js'
import { listMembers, removeMember, updateMemberRole } from '../../core/members/members.js'
import { revokeInvitation } from '../../core/members/revoke-invitation.js'
import { InviteMemberInput, UpdateMemberInput } from '../../core/members/schemas.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

const MemberSchema = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(MEMBER_ROLES),
    joinedAt: z.string(),
  })
  .openapi('Member')

const InvitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(MEMBER_ROLES),
    status: z.enum(INVITATION_STATUSES),
    expired: z.boolean(),
    invitedBy: z.string().nullable(),
    expiresAt: z.string(),
    createdAt: z.string(),
  })
  .openapi('Invitation')

const OrgParam = z.object({ id: z.string() })
const InvitationParam = z.object({ id: z.string(), invitationId: z.string() })
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
      c.json(
        {
          members: await listMembers({
            ctx: actorCtx(c),
            input: { organizationId: c.req.valid('param').id },
          }),
        },
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/members',
      tags,
      summary: 'Invite someone by email with a role (owner/admin; only owners invite owners)',
      description:
        'Creates (or renews) an invitation valid for 7 days and emails the address. The answer is the same whether or not the address has an account; the invitee joins by accepting it (POST /api/me/invitations/{invitationId}/accept) from an account with that verified email.',
      request: { params: OrgParam, body: jsonBody(InviteMemberInput) },
      responses: {
        201: jsonResponse(z.object({ invitation: InvitationSchema }), 'Invited'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const invitation = await inviteMember({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
      })
      return c.json({ invitation }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/invitations',
      tags,
      summary: 'Open invitations (owner/admin); expired ones are flagged',
      request: { params: OrgParam },
      responses: {
        200: jsonResponse(z.object({ invitations: z.array(InvitationSchema) }), 'Invitations'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        {
          invitations: await listInvitations({
            ctx: actorCtx(c),
            input: { organizationId: c.req.valid('param').id },
          }),
        },
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/organizations/{id}/invitations/{invitationId}',
      tags,
      summary: 'Withdraw an open invitation',
      request: { params: InvitationParam },
      responses: {
        200: jsonResponse(z.object({ revoked: z.literal(true) }), 'Revoked'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { id, invitationId } = c.req.valid('param')
      await revokeInvitation({ ctx: actorCtx(c), input: { organizationId: id, invitationId } })
      return c.json({ revoked: true as const }, 200)
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
