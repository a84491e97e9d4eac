import { createRoute, z } from '@hono/zod-openapi'
import { PLAN_TYPES } from '../../../shared/enums.js'
import { FEATURES } from '../../../shared/plans.js'
import { changePlan, getBilling } from '../../core/billing/billing.js'
import { ChangePlanInput } from '../../core/billing/schemas.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'
import { OrgIdParam } from './organizations.js'

const FeaturesSchema = z.object(
  Object.fromEntries(FEATURES.map((f) => [f, z.boolean()])) as {
    [K in (typeof FEATURES)[number]]: z.ZodBoolean
  },
)

const KnowledgeAllowanceSchema = z
  .object({
    training: z.enum(['basic', 'advanced', 'custom']),
    maxSources: z.number().int(),
    maxTotalChars: z.number().int().openapi({ description: 'Characters of text across every source' }),
    maxFileBytes: z.number().int(),
  })
  .openapi('KnowledgeAllowance')

const PlanEntitlementsSchema = z
  .object({
    label: z.string(),
    priceUsd: z.number(),
    monthlyMessages: z.number().int(),
    numbers: z.number().int(),
    knowledge: KnowledgeAllowanceSchema,
    features: FeaturesSchema,
  })
  .openapi('PlanEntitlements')

export const EntitlementsSchema = PlanEntitlementsSchema.extend({
  planType: z.enum(PLAN_TYPES),
  overridden: z.object({
    monthlyMessages: z.boolean(),
    numbers: z.boolean(),
    maxTotalChars: z.boolean(),
    features: z.array(z.enum(FEATURES)),
  }),
}).openapi('Entitlements')

const BillingSchema = z
  .object({
    billing: z.object({
      enabled: z.boolean(),
      provider: z.literal('stripe').nullable(),
    }),
    planType: z.enum(PLAN_TYPES),
    entitlements: EntitlementsSchema,
    plans: z.object({
      starter: PlanEntitlementsSchema,
      business: PlanEntitlementsSchema,
      enterprise: PlanEntitlementsSchema,
    }),
    usage: z.object({
      messagesUsed: z.number().int(),
      messagesLimit: z.number().int(),
      numbersUsed: z.number().int(),
      numbersLimit: z.number().int(),
      knowledgeSources: z.number().int(),
      knowledgeChars: z.number().int(),
    }),
  })
  .openapi('Billing')

export function billingRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/billing',
      tags: ['Billing'],
      summary: 'The plan, what it includes, every plan, and usage this period (any member)',
      description:
        '`billing.enabled` is false while billing through a provider is not available: owners switch plans freely. `entitlements` includes an operator’s overrides (`overridden` says which).',
      request: { params: OrgIdParam },
      responses: {
        200: jsonResponse(BillingSchema, 'Billing'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(await getBilling({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } }), 200),
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/organizations/{id}/billing/plan',
      tags: ['Billing'],
      summary: 'Switch the plan (owners; free while billing is off)',
      description:
        'A downgrade leaving more live numbers than the new plan holds answers 409 with `details.reason` NUMBERS_OVER_PLAN, `details.numbers` and `details.allowed`, and changes nothing: release numbers first. Knowledge over the new allowance is kept (new sources are refused); features the new plan lacks stop applying and come back on upgrade.',
      request: { params: OrgIdParam, body: jsonBody(ChangePlanInput) },
      responses: {
        200: jsonResponse(
          z.object({ planType: z.enum(PLAN_TYPES), entitlements: EntitlementsSchema }),
          'The plan now',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) =>
      c.json(
        await changePlan({
          ctx: actorCtx(c),
          input: { organizationId: c.req.valid('param').id, changes: c.req.valid('json') },
        }),
        200,
      ),
  )

  return app
}
