import { createRoute, z } from '@hono/zod-openapi'
import { MEMBER_ROLES } from '../../../shared/enums.js'
import { PhoneSchema } from '../../../shared/phone.js'
import { getAccount } from '../../core/account/account.js'
import { deleteAccount } from '../../core/account/delete-account.js'
import { exportAccount } from '../../core/account/export-account.js'
import { requestPhoneVerification } from '../../core/account/request-phone-verification.js'
import { unlinkPhone } from '../../core/account/unlink-phone.js'
import { verifyPhone } from '../../core/account/verify-phone.js'
import { BadRequest } from '../../core/errors.js'
import { acceptInvitation } from '../../core/members/accept-invitation.js'
import { declineInvitation } from '../../core/members/decline-invitation.js'
import { listMyInvitations } from '../../core/members/list-my-invitations.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

const AccountSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    emailVerified: z.boolean(),
    phone: z.string().nullable(),
    isOperator: z.boolean(),
    sharedNumber: z.string().nullable().openapi({
      description: "The platform's shared WhatsApp number; null when phone linking is unavailable",
    }),
  })
  .openapi('Account')

const PhoneCodeSentSchema = z
  .object({
    phone: z.string(),
    from: z.string(),
    expiresAt: z.string(),
    resendAfterSeconds: z.number(),
    sandboxMessage: z.string().optional().openapi({
      description: 'Sandbox mode only (nothing is sent): the message the phone would have received',
    }),
  })
  .openapi('PhoneCodeSent')

const MyInvitationSchema = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    organizationName: z.string(),
    role: z.enum(MEMBER_ROLES),
    invitedBy: z.string().nullable(),
    expiresAt: z.string(),
    createdAt: z.string(),
  })
  .openapi('MyInvitation')

const InvitationParam = z.object({ invitationId: z.string() })

export function meRoutes() {
  const app = createRouter()
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/me',
      tags: ['Account'],
      summary: 'The signed-in account',
      responses: {
        200: jsonResponse(z.object({ account: AccountSchema }), 'Account'),
        ...errorResponses('UNAUTHORIZED'),
      },
    }),
    async (c) => c.json({ account: await getAccount({ ctx: actorCtx(c) }) }, 200),
  )
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/me',
      tags: ['Account'],
      summary:
        'Retired for phone numbers: link one with POST /api/me/phone/verification and POST /api/me/phone/verify',
      request: { body: jsonBody(z.object({ phone: z.unknown().optional() }).strict()) },
      responses: { ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED') },
    }),
    async (c) => {
      actorCtx(c)
      throw new BadRequest(
        'A WhatsApp number is linked with proof now: POST /api/me/phone/verification { phone } sends a code to it, then POST /api/me/phone/verify { phone, code } links it; DELETE /api/me/phone unlinks it',
        [{ path: 'phone', message: 'use POST /api/me/phone/verification, then POST /api/me/phone/verify' }],
      )
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/me/export',
      tags: ['Account'],
      summary: 'Everything held on your account, as a JSON file (GDPR art. 15)',
      description:
        'Profile, memberships (organization names and roles), invitations sent and received, sessions (address, browser, dates; never tokens) and the titles of your personal knowledge sources.',
      responses: {
        200: {
          description: 'Your data, as an attachment',
          content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
        },
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN'),
      },
    }),
    async (c) => {
      const data = await exportAccount({ ctx: actorCtx(c) })
      c.header('Content-Disposition', 'attachment; filename="account-export.json"')
      c.header('Cache-Control', 'no-store')
      return c.json(data, 200)
    },
  )
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/me',
      tags: ['Account'],
      summary: 'Delete your account (GDPR art. 17); `confirmEmail` repeats your email address',
      description:
        'The only owner of an organization must first make another member owner or delete the organization: 409 with details.reason LAST_OWNER and details.organizations [{id, name}], nothing deleted. Your sessions end with the account.',
      request: { body: jsonBody(z.object({ confirmEmail: z.string().max(320) }).strict()) },
      responses: {
        204: { description: 'Deleted' },
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'CONFLICT'),
      },
    }),
    async (c) => {
      await deleteAccount({ ctx: actorCtx(c), input: c.req.valid('json') })
      return c.body(null, 204)
    },
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/me/phone/verification',
      tags: ['Account'],
      summary:
        "Send a one-time code by WhatsApp (from the platform's shared number) to the number you want to link",
      description:
        'The code has 6 digits, works for 10 minutes and for 5 tries. One code a minute, 5 an hour per account and per number (429 with Retry-After beyond).',
      request: { body: jsonBody(z.object({ phone: PhoneSchema }).strict()) },
      responses: {
        202: jsonResponse(z.object({ verification: PhoneCodeSentSchema }), 'Code sent'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'CONFLICT', 'PROVIDER_FAILED'),
      },
    }),
    async (c) =>
      c.json(
        { verification: await requestPhoneVerification({ ctx: actorCtx(c), input: c.req.valid('json') }) },
        202,
      ),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/me/phone/verify',
      tags: ['Account'],
      summary:
        'Link the number with the code it received (messages from it to the shared number then use your personal knowledge base)',
      request: {
        body: jsonBody(
          z
            .object({ phone: PhoneSchema, code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code') })
            .strict(),
        ),
      },
      responses: {
        200: jsonResponse(z.object({ account: AccountSchema }), 'Linked'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'CONFLICT'),
      },
    }),
    async (c) =>
      c.json({ account: await verifyPhone({ ctx: actorCtx(c), input: c.req.valid('json') }) }, 200),
  )
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/me/phone',
      tags: ['Account'],
      summary: 'Unlink your WhatsApp number',
      responses: {
        200: jsonResponse(z.object({ account: AccountSchema }), 'Unlinked'),
        ...errorResponses('UNAUTHORIZED'),
      },
    }),
    async (c) => c.json({ account: await unlinkPhone({ ctx: actorCtx(c) }) }, 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/me/invitations',
      tags: ['Account'],
      summary: 'Pending invitations to your verified email address',
      responses: {
        200: jsonResponse(z.object({ invitations: z.array(MyInvitationSchema) }), 'Invitations'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN'),
      },
    }),
    async (c) => c.json({ invitations: await listMyInvitations({ ctx: actorCtx(c) }) }, 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/me/invitations/{invitationId}/accept',
      tags: ['Account'],
      summary: 'Join the organization (needs a verified email matching the invitation)',
      request: { params: InvitationParam },
      responses: {
        200: jsonResponse(
          z.object({
            membership: z.object({
              organizationId: z.string(),
              role: z.enum(MEMBER_ROLES),
            }),
          }),
          'Joined',
        ),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) =>
      c.json(
        {
          membership: await acceptInvitation({
            ctx: actorCtx(c),
            input: { invitationId: c.req.valid('param').invitationId },
          }),
        },
        200,
      ),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/me/invitations/{invitationId}/decline',
      tags: ['Account'],
      summary: 'Decline an invitation',
      request: { params: InvitationParam },
      responses: {
        200: jsonResponse(z.object({ declined: z.literal(true) }), 'Declined'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      await declineInvitation({
        ctx: actorCtx(c),
        input: { invitationId: c.req.valid('param').invitationId },
      })
      return c.json({ declined: true as const }, 200)
    },
  )
  return app
}
