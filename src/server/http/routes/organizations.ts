import { createRoute, z } from '@hono/zod-openapi'
import { AI_PROVIDERS, MEMBER_ROLES, PLAN_TYPES, TRAINING_STATUSES } from '../../../shared/enums.js'
import { createOrganization } from '../../core/organizations/create-organization.js'
import { deleteOrganization } from '../../core/organizations/delete-organization.js'
import { getOrganization } from '../../core/organizations/get-organization.js'
import { listOrganizations } from '../../core/organizations/list-organizations.js'
import {
  BusinessHoursSchema,
  CreateOrganizationInput,
  UpdateOrganizationInput,
} from '../../core/organizations/schemas.js'
import { updateOrganization } from '../../core/organizations/update-organization.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

const ModelSchema = z.object({
  provider: z.enum(AI_PROVIDERS),
  model: z.string().openapi({ example: 'deepseek-chat' }),
})

export const OrganizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    industry: z.string(),
    whatsappNumber: z.string().nullable(),
    whatsappDisplayName: z.string(),
    numberStatus: z.string(),
    numberFailureReason: z.string().nullable(),
    planType: z.enum(PLAN_TYPES),
    monthlyMessageLimit: z.number(),
    monthlyMessageCount: z.number(),
    lastResetDate: z.string(),
    totalConversations: z.number(),
    conversationsNeedingAttention: z.number(),
    welcomeMessage: z.string(),
    businessHours: BusinessHoursSchema,
    ai: z
      .object({
        tone: z.string(),
        language: z.string(),
        languages: z.array(z.string()).optional().openapi({
          description:
            'The languages customers are answered in (`language` always among them); unset: the customer’s own, whatever it is',
        }),
        provider: z.string().optional(),
        model: z.string().optional(),
        escalationRules: z.string().optional(),
        instructions: z.string().optional().openapi({
          description:
            'Extra instructions added to the assistant’s prompt (a promoted A/B variant sets them)',
        }),
      })
      .openapi({
        description:
          'The AI settings as the organization chose them; no `provider` means the platform default (see `aiModel`)',
      }),
    aiModel: z
      .object({
        effective: ModelSchema.openapi({
          description:
            "What answers this organization's customers now: its chosen provider and model when this platform has that provider, else the default",
        }),
        default: ModelSchema.openapi({
          description: 'What answers an organization that chooses no provider',
        }),
      })
      .openapi({ description: 'Read-only: the model that actually answers, as recorded on AI replies' }),
    isModelTrained: z.boolean(),
    trainingStatus: z.enum(TRAINING_STATUSES),
    trainingProgress: z.number(),
    trainingError: z.string().nullable(),
    trainedAt: z.string().nullable(),
    lastInboundAt: z.string().nullable().openapi({
      description:
        "When the last customer message reached one of the organization's numbers (the simulator's excluded); null if none yet",
    }),
    retentionDays: z.number().int().nullable().openapi({
      description: 'Messages older than this many days are deleted every hour; null keeps them forever',
    }),
    role: z.enum(MEMBER_ROLES),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Organization')

export const OrgIdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) })

const tags = ['Organizations']

export function organizationRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations',
      tags,
      summary: 'List my organizations',
      responses: {
        200: jsonResponse(
          z.object({ organizations: z.array(OrganizationSchema) }),
          'Organizations I belong to',
        ),
        ...errorResponses('UNAUTHORIZED'),
      },
    }),
    async (c) => c.json({ organizations: await listOrganizations({ ctx: actorCtx(c) }) }, 200),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations',
      tags,
      summary: 'Create an organization (you become its owner)',
      description:
        'New organizations start on the starter plan; `planType` and `monthlyMessageLimit` are refused with a 400 ' +
        '(the platform operator changes them). An account owns at most `MAX_ORGANIZATIONS_PER_USER` organizations (409 beyond).',
      request: { body: jsonBody(CreateOrganizationInput) },
      responses: {
        201: jsonResponse(z.object({ organization: OrganizationSchema }), 'Created'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'CONFLICT'),
      },
    }),
    async (c) => {
      const organization = await createOrganization({ ctx: actorCtx(c), input: c.req.valid('json') })
      return c.json({ organization }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}',
      tags,
      summary: 'One organization',
      request: { params: OrgIdParam },
      responses: {
        200: jsonResponse(z.object({ organization: OrganizationSchema }), 'The organization'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const organization = await getOrganization({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id },
      })
      return c.json({ organization }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/organizations/{id}',
      tags,
      summary: 'Update settings (owner/admin)',
      description:
        'Any writable subset; nested objects are replaced whole. Read-only fields are refused with a 400, and so are ' +
        '`planType` and `monthlyMessageLimit`: the platform operator changes them (`PATCH /api/admin/organizations/{id}/plan`).',
      request: { params: OrgIdParam, body: jsonBody(UpdateOrganizationInput) },
      responses: {
        200: jsonResponse(z.object({ organization: OrganizationSchema }), 'Updated'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const organization = await updateOrganization({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, changes: c.req.valid('json') },
      })
      return c.json({ organization }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/organizations/{id}',
      tags,
      summary: 'Delete (owner); cancels its Stripe subscription and releases its numbers first',
      request: { params: OrgIdParam },
      responses: {
        200: jsonResponse(z.object({ deleted: z.literal(true) }), 'Deleted'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PROVIDER_FAILED'),
      },
    }),
    async (c) => {
      await deleteOrganization({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } })
      return c.json({ deleted: true as const }, 200)
    },
  )

  return app
}
