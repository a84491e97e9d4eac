import { createRoute, z } from '@hono/zod-openapi'
import { DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES } from '../../../shared/enums.js'
import { CreateWebhookInput, UpdateWebhookInput } from '../../core/webhooks/schemas.js'
import {
  getDelivery,
  listDeliveries,
  replayDelivery,
  sendTestEvent,
} from '../../core/webhooks/webhook-deliveries.js'
import {
  createWebhook,
  deleteWebhook,
  getWebhookSecret,
  listWebhooks,
  updateWebhook,
} from '../../core/webhooks/webhook-endpoints.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

export const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string().openapi({ example: 'https://example.com/webhooks/whatsapp' }),
    description: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).openapi({ example: ['message.received'] }),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    failingSince: z
      .string()
      .nullable()
      .openapi({ description: 'The first failure of the current run of failures (null after a success)' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    pendingCount: z.number().int(),
    failedCount: z.number().int(),
  })
  .openapi('Webhook')

export const DeliverySchema = z
  .object({
    id: z.string().openapi({ description: 'The webhook-id header (msg_…)' }),
    eventType: z.enum(WEBHOOK_EVENT_TYPES),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .openapi('WebhookDelivery')

const AttemptSchema = z
  .object({
    attempt: z.number().int(),
    url: z.string(),
    requestHeaders: z.record(z.string(), z.string()),
    statusCode: z.number().int().nullable(),
    responseBody: z.string().nullable().openapi({ description: 'The first 2 KB of the answer' }),
    error: z.string().nullable(),
    durationMs: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('WebhookAttempt')

const DeliveryDetailSchema = DeliverySchema.extend({
  payload: z
    .record(z.string(), z.unknown())
    .openapi({ description: 'The event as sent: { type, timestamp, data }' }),
  log: z.array(AttemptSchema),
}).openapi('WebhookDeliveryDetail')

const OrgParam = z.object({ id: z.string() })
const WebhookParam = z.object({ id: z.string(), webhookId: z.string() })
const DeliveryParam = z.object({ id: z.string(), webhookId: z.string(), deliveryId: z.string() })
const tags = ['Webhooks']
const ids = (p: z.infer<typeof WebhookParam>) => ({ organizationId: p.id, webhookId: p.webhookId })
const deliveryIds = (p: z.infer<typeof DeliveryParam>) => ({ ...ids(p), deliveryId: p.deliveryId })

export function webhookRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/webhooks',
      tags,
      summary: "The organization's webhook subscriptions (owner, admin)",
      request: { params: OrgParam },
      responses: {
        200: jsonResponse(z.object({ webhooks: z.array(WebhookSchema) }), 'Subscriptions, oldest first'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        {
          webhooks: await listWebhooks({
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
      path: '/api/organizations/{id}/webhooks',
      tags,
      summary:
        'Subscribe a URL to events (owner, admin). The signing secret (whsec_…) is in the answer. http(s) only; private, loopback and link-local addresses are refused unless the operator allows them; at most 10 per organization (409 OVER_LIMIT)',
      request: { params: OrgParam, body: jsonBody(CreateWebhookInput) },
      responses: {
        201: jsonResponse(z.object({ webhook: WebhookSchema, secret: z.string() }), 'Subscribed'),
        ...errorResponses(
          'BAD_REQUEST',
          'UNAUTHORIZED',
          'FORBIDDEN',
          'NOT_FOUND',
          'PLAN_REQUIRED',
          'CONFLICT',
        ),
      },
    }),
    async (c) => {
      const created = await createWebhook({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
      })
      return c.json(created, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/webhooks/{webhookId}/secret',
      tags,
      summary: "The subscription's signing secret (owner, admin)",
      request: { params: WebhookParam },
      responses: {
        200: jsonResponse(z.object({ secret: z.string() }), 'The whsec_… secret'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json({ secret: await getWebhookSecret({ ctx: actorCtx(c), input: ids(c.req.valid('param')) }) }, 200),
  )

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/organizations/{id}/webhooks/{webhookId}',
      tags,
      summary: 'Change a subscription (owner, admin); enabled: true re-enables one disabled after failing',
      request: { params: WebhookParam, body: jsonBody(UpdateWebhookInput) },
      responses: {
        200: jsonResponse(z.object({ webhook: WebhookSchema }), 'The subscription'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PLAN_REQUIRED'),
      },
    }),
    async (c) => {
      const webhook = await updateWebhook({
        ctx: actorCtx(c),
        input: { ...ids(c.req.valid('param')), ...c.req.valid('json') },
      })
      return c.json({ webhook }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/organizations/{id}/webhooks/{webhookId}',
      tags,
      summary: 'Delete a subscription with its pending deliveries and delivery log (owner, admin)',
      request: { params: WebhookParam },
      responses: {
        204: { description: 'Deleted' },
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      await deleteWebhook({ ctx: actorCtx(c), input: ids(c.req.valid('param')) })
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/webhooks/{webhookId}/test',
      tags,
      summary: 'Send a webhook.test event to this endpoint now (owner, admin); 409 while it is disabled',
      request: { params: WebhookParam },
      responses: {
        202: jsonResponse(z.object({ delivery: DeliverySchema }), 'Queued'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PLAN_REQUIRED', 'CONFLICT'),
      },
    }),
    async (c) =>
      c.json({ delivery: await sendTestEvent({ ctx: actorCtx(c), input: ids(c.req.valid('param')) }) }, 202),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/webhooks/{webhookId}/deliveries',
      tags,
      summary: "The subscription's deliveries, newest first (owner, admin)",
      request: {
        params: WebhookParam,
        query: z.object({
          status: z.enum(DELIVERY_STATUSES).optional(),
          cursor: z.string().max(40).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(50),
        }),
      },
      responses: {
        200: jsonResponse(
          z.object({ deliveries: z.array(DeliverySchema), nextCursor: z.string().nullable() }),
          'A page of deliveries',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        await listDeliveries({
          ctx: actorCtx(c),
          input: { ...ids(c.req.valid('param')), ...c.req.valid('query') },
        }),
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/webhooks/{webhookId}/deliveries/{deliveryId}',
      tags,
      summary: 'One delivery: the event it carries and every attempt (request headers, answer, time)',
      request: { params: DeliveryParam },
      responses: {
        200: jsonResponse(z.object({ delivery: DeliveryDetailSchema }), 'The delivery and its log'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        { delivery: await getDelivery({ ctx: actorCtx(c), input: deliveryIds(c.req.valid('param')) }) },
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/webhooks/{webhookId}/deliveries/{deliveryId}/replay',
      tags,
      summary: 'Send a delivery again now, same webhook-id, with a fresh round of retries (owner, admin)',
      request: { params: DeliveryParam },
      responses: {
        202: jsonResponse(z.object({ delivery: DeliverySchema }), 'Pending again'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PLAN_REQUIRED', 'CONFLICT'),
      },
    }),
    async (c) =>
      c.json(
        { delivery: await replayDelivery({ ctx: actorCtx(c), input: deliveryIds(c.req.valid('param')) }) },
        202,
      ),
  )

  return app
}
