import { createRoute, z } from '@hono/zod-openapi'
import { OVERAGE_MODES, PLAN_TYPES, SUBSCRIPTION_STATUSES } from '../../../shared/enums.js'
import { FEATURES } from '../../../shared/plans.js'
import { changePlan, getBilling } from '../../core/billing/billing.js'
import { listInvoices } from '../../core/billing/list-invoices.js'
import { openPortal } from '../../core/billing/open-portal.js'
import { receiveStripeWebhook } from '../../core/billing/receive-stripe-webhook.js'
import { ChangePlanInput, CheckoutInput, OverageInput } from '../../core/billing/schemas.js'
import { setOverage } from '../../core/billing/set-overage.js'
import { startCheckout } from '../../core/billing/start-checkout.js'
import { syncBilling } from '../../core/billing/sync-billing.js'
import { upcomingInvoice } from '../../core/billing/upcoming-invoice.js'
import { actorCtx, systemCtx } from '../context.js'
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

const OverageSchema = z
  .object({
    available: z.boolean().openapi({
      description: 'Whether overage can be billed (a paid plan whose subscription has the metered price)',
    }),
    mode: z.enum(OVERAGE_MODES),
    cap: z.number().int().openapi({ description: 'Overage messages allowed a month when billing them' }),
    allowance: z
      .number()
      .int()
      .openapi({ description: 'Messages beyond the limit that may be sent this month now' }),
  })
  .openapi('Overage')

const BillingStateSchema = z
  .object({
    enabled: z.boolean(),
    provider: z.literal('stripe').nullable(),
    subscription: z
      .object({
        status: z.enum(SUBSCRIPTION_STATUSES),
        planType: z.enum(PLAN_TYPES).nullable(),
        currentPeriodEnd: z.string().nullable(),
        cancelAtPeriodEnd: z.boolean(),
      })
      .nullable(),
    paymentIssue: z
      .object({
        failedAt: z.string(),
        graceEndsAt: z.string(),
        fallenBack: z.boolean().openapi({ description: "The grace period is over: Starter's limits apply" }),
      })
      .nullable(),
    overage: OverageSchema,
    extraNumbers: z.object({ available: z.boolean(), billed: z.number().int() }),
  })
  .openapi('BillingState')

const InvoiceSchema = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    status: z.string(),
    currency: z.string(),
    amountDue: z.number().int().openapi({ description: "In the currency's smallest unit (cents)" }),
    amountPaid: z.number().int(),
    hostedInvoiceUrl: z.string().nullable(),
    invoicePdf: z.string().nullable(),
    periodStart: z.string().nullable(),
    periodEnd: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Invoice')

const UpcomingSchema = z
  .object({
    amountDue: z.number().int(),
    currency: z.string(),
    periodStart: z.string().nullable(),
    periodEnd: z.string().nullable(),
    lines: z.array(z.object({ description: z.string(), amount: z.number().int() })),
  })
  .openapi('UpcomingInvoice')

const UrlSchema = z.object({ url: z.string() })

const BillingSchema = z
  .object({
    billing: BillingStateSchema,
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
      overageUsed: z
        .number()
        .int()
        .openapi({ description: 'Messages beyond the monthly limit this month (billed as overage)' }),
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
        '`billing.enabled` is false when this deployment does not bill (no Stripe): owners switch plans freely. With Stripe, `billing` carries the subscription, a failed payment’s grace period, overage and extra numbers. `entitlements` includes an operator’s overrides (`overridden` says which).',
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
      summary: 'Switch the plan (owners; free while billing is off, the subscription’s price with Stripe)',
      description:
        'With Stripe, the subscription’s price is swapped (prorated) and the plan applies at once; without a paying subscription the answer is 409 `CHECKOUT_REQUIRED` (or `PAYMENT_ISSUE` after a failed payment): subscribe through `POST …/billing/checkout`. A downgrade leaving more live numbers than the new plan holds answers 409 with `details.reason` NUMBERS_OVER_PLAN, `details.numbers` and `details.allowed`, and changes nothing: release numbers first. Knowledge over the new allowance is kept (new sources are refused); features the new plan lacks stop applying and come back on upgrade.',
      request: { params: OrgIdParam, body: jsonBody(ChangePlanInput) },
      responses: {
        200: jsonResponse(
          z.object({ planType: z.enum(PLAN_TYPES), entitlements: EntitlementsSchema }),
          'The plan now',
        ),
        ...errorResponses(
          'BAD_REQUEST',
          'UNAUTHORIZED',
          'FORBIDDEN',
          'NOT_FOUND',
          'CONFLICT',
          'PROVIDER_FAILED',
        ),
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

  const orgAction = (
    method: 'post' | 'put' | 'get',
    suffix: string,
    summary: string,
    description: string,
  ) => ({
    method,
    path: `/api/organizations/{id}/billing/${suffix}`,
    tags: ['Billing'],
    summary,
    description,
  })

  app.openapi(
    createRoute({
      ...orgAction(
        'post',
        'checkout',
        'Subscribe through Stripe Checkout (owners)',
        'Answers the Checkout page’s `url`; the browser goes there. The plan applies when Stripe confirms the payment (webhook, or `POST …/billing/sync` on return). 409 `details.reason`: `BILLING_OFF`, `SUBSCRIBED` (change plan instead).',
      ),
      request: { params: OrgIdParam, body: jsonBody(CheckoutInput) },
      responses: {
        200: jsonResponse(UrlSchema, 'Stripe Checkout'),
        ...errorResponses(
          'BAD_REQUEST',
          'UNAUTHORIZED',
          'FORBIDDEN',
          'NOT_FOUND',
          'CONFLICT',
          'PROVIDER_FAILED',
        ),
      },
    }),
    async (c) => {
      const input = { organizationId: c.req.valid('param').id, planType: c.req.valid('json').planType }
      const { url } = await startCheckout({ ctx: actorCtx(c), input })
      return c.json({ url }, 200)
    },
  )

  app.openapi(
    createRoute({
      ...orgAction(
        'post',
        'portal',
        'Open Stripe’s billing portal (owners)',
        'Payment method, invoices, cancellation. 409 `details.reason`: `BILLING_OFF`, `NO_CUSTOMER` (never subscribed).',
      ),
      request: { params: OrgIdParam },
      responses: {
        200: jsonResponse(UrlSchema, 'The portal'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PROVIDER_FAILED'),
      },
    }),
    async (c) =>
      c.json(await openPortal({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } }), 200),
  )

  app.openapi(
    createRoute({
      ...orgAction(
        'post',
        'sync',
        'Read the subscription from Stripe now and apply it (owners)',
        'What the Billing tab calls on coming back from Checkout or the portal, before Stripe’s webhook may have arrived. Answers the billing view.',
      ),
      request: { params: OrgIdParam },
      responses: {
        200: jsonResponse(BillingSchema, 'Billing'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PROVIDER_FAILED'),
      },
    }),
    async (c) =>
      c.json(
        await syncBilling({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } }),
        200,
      ),
  )

  app.openapi(
    createRoute({
      ...orgAction(
        'put',
        'overage',
        'Refuse or bill messages beyond the monthly limit (owners)',
        '`bill`: each message beyond the plan’s monthly messages is reported to Stripe and billed, up to `cap` a month; `refuse`: they wait. 409 `OVERAGE_UNAVAILABLE` without a paid plan carrying the metered price.',
      ),
      request: { params: OrgIdParam, body: jsonBody(OverageInput) },
      responses: {
        200: jsonResponse(OverageSchema, 'Overage now'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) =>
      c.json(
        await setOverage({
          ctx: actorCtx(c),
          input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
        }),
        200,
      ),
  )

  app.openapi(
    createRoute({
      ...orgAction(
        'get',
        'invoices',
        'Invoices, newest first (owners)',
        'As Stripe last described them, with links to Stripe’s pages.',
      ),
      request: { params: OrgIdParam },
      responses: {
        200: jsonResponse(z.object({ invoices: z.array(InvoiceSchema) }), 'Invoices'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        await listInvoices({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } }),
        200,
      ),
  )

  app.openapi(
    createRoute({
      ...orgAction(
        'get',
        'upcoming',
        'The next invoice as Stripe would draw it now (owners)',
        '`upcoming` is null without a subscription (or with billing off).',
      ),
      request: { params: OrgIdParam },
      responses: {
        200: jsonResponse(z.object({ upcoming: UpcomingSchema.nullable() }), 'The next invoice'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PROVIDER_FAILED'),
      },
    }),
    async (c) =>
      c.json(
        await upcomingInvoice({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } }),
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/billing/stripe/webhook',
      tags: ['Billing'],
      summary: 'Stripe’s webhook (signed with STRIPE_WEBHOOK_SECRET)',
      description:
        'Stores the event by its id and queues its processing; a redelivered event answers `duplicate: true` and is not applied again. 400 when the `Stripe-Signature` does not verify or is older than 5 minutes; 404 when billing is off.',
      request: { headers: z.object({ 'stripe-signature': z.string().optional() }) },
      responses: {
        200: jsonResponse(z.object({ received: z.boolean(), duplicate: z.boolean() }), 'Recorded'),
        ...errorResponses('BAD_REQUEST', 'NOT_FOUND', 'PAYLOAD_TOO_LARGE'),
      },
    }),
    async (c) => {
      // The signature covers the exact bytes Stripe sent: read them unparsed.
      const rawBody = await c.req.text()
      const result = await receiveStripeWebhook({
        ctx: systemCtx(c),
        input: { rawBody, signature: c.req.header('stripe-signature') },
      })
      return c.json(result, 200)
    },
  )

  return app
}
