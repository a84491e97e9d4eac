import { createRoute, z } from '@hono/zod-openapi'
import { PLAN_TYPES } from '../../../shared/enums.js'
import { listFailedInbox } from '../../core/inbound/list-failed-inbox.js'
import { listAllNumbers } from '../../core/numbers/list-numbers.js'
import { listAllOrganizations } from '../../core/organizations/list-all-organizations.js'
import { SetPlanInput } from '../../core/organizations/schemas.js'
import { setOrganizationPlan } from '../../core/organizations/set-plan.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'
import { EntitlementsSchema } from './billing.js'
import { PhoneNumberSchema } from './numbers.js'
import { OrgIdParam } from './organizations.js'

const OperatorOrganizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    planType: z.enum(PLAN_TYPES),
    monthlyMessageLimit: z.number(),
    monthlyMessageLimitOverride: z.number().nullable(),
    planOverrides: z.object({
      numbers: z.number().int().optional(),
      maxTotalChars: z.number().int().optional(),
      features: z.record(z.string(), z.boolean()).optional(),
    }),
    entitlements: EntitlementsSchema,
    owners: z.array(z.string()),
    liveNumbers: z.number(),
    planChanges: z.array(
      z.object({
        changedBy: z.string(),
        fromPlan: z.enum(PLAN_TYPES),
        fromLimitOverride: z.number().nullable(),
        toPlan: z.enum(PLAN_TYPES),
        toLimitOverride: z.number().nullable(),
        at: z.string(),
      }),
    ),
    createdAt: z.string(),
  })
  .openapi('OperatorOrganization')

const OrganizationsQuery = z
  .object({
    search: z.string().trim().max(120).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict()

const FailedInboxSchema = z
  .object({
    id: z.number(),
    receivedAt: z.string(),
    failedAt: z.string().nullable(),
    toNumber: z.string(),
    fromWaId: z.string(),
    organization: z.object({ id: z.string(), name: z.string() }).nullable(),
    attempts: z.number(),
    lastError: z.string().nullable(),
    bodyPreview: z.string(),
    simulated: z.boolean(),
  })
  .openapi('FailedInboxMessage')

const InboxFailuresQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict()

export function adminRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/admin/numbers',
      tags: ['Operator'],
      summary: 'Every number on the platform with its organization (operators, OPERATOR_EMAILS)',
      description:
        '`orphans` lists numbers the provider account holds that no live row knows (null if the provider could not be asked).',
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

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/admin/organizations',
      tags: ['Operator'],
      summary: 'Every organization with its plan, limit, owners and plan history (operators)',
      request: { query: OrganizationsQuery },
      responses: {
        200: jsonResponse(
          z.object({ organizations: z.array(OperatorOrganizationSchema) }),
          'Organizations, newest first',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN'),
      },
    }),
    async (c) =>
      c.json(
        { organizations: await listAllOrganizations({ ctx: actorCtx(c), input: c.req.valid('query') }) },
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/admin/organizations/{id}/plan',
      tags: ['Operator'],
      summary: "Set an organization's plan, monthly message limit and/or entitlement overrides (operators)",
      description:
        "`monthlyMessageLimit: null` goes back to the plan's own limit. `overrides` (a custom deal) sets `numbers`, `maxTotalChars` and `features.<feature>` on top of the plan; null on one removes it, an absent one is left as it is. Each change is recorded with the operator who made it.",
      request: { params: OrgIdParam, body: jsonBody(SetPlanInput) },
      responses: {
        200: jsonResponse(z.object({ organization: OperatorOrganizationSchema }), 'Changed'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const organization = await setOrganizationPlan({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, changes: c.req.valid('json') },
      })
      return c.json({ organization }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/admin/inbox-failures',
      tags: ['Operator'],
      summary: 'Customer messages whose processing failed for good before they were stored (operators)',
      description:
        'Newest first. `organization` is the one holding the number written to now (null if none); `bodyPreview` is at most 200 characters.',
      request: { query: InboxFailuresQuery },
      responses: {
        200: jsonResponse(z.object({ failures: z.array(FailedInboxSchema) }), 'Finally failed inbox rows'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN'),
      },
    }),
    async (c) =>
      c.json({ failures: await listFailedInbox({ ctx: actorCtx(c), input: c.req.valid('query') }) }, 200),
  )

  return app
}
