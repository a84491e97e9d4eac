import { createRoute, z } from '@hono/zod-openapi'
import { eraseCustomer } from '../../core/privacy/erase-customer.js'
import { exportCustomer } from '../../core/privacy/export-customer.js'
import { getPrivacy, setRetention } from '../../core/privacy/retention.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

const PrivacySchema = z
  .object({
    retentionDays: z.number().int().nullable().openapi({
      description: 'Messages older than this many days are deleted every hour; null keeps them forever',
    }),
    lastRetentionRunAt: z.string().nullable(),
  })
  .openapi('Privacy')

const ErasedSchema = z
  .object({
    contacts: z.number().int(),
    conversations: z.number().int(),
    messages: z.number().int(),
    broadcastRecipients: z
      .number()
      .int()
      .openapi({ description: 'Recipient rows anonymized (their state, and so the counts, kept)' }),
    webhookDeliveries: z.number().int(),
    exports: z
      .number()
      .int()
      .openapi({ description: 'Exports made before the erasure, deleted with their files' }),
  })
  .openapi('CustomerErased')

const OrgParam = z.object({ id: z.string() })
const CustomerParam = z.object({
  id: z.string(),
  phone: z
    .string()
    .max(40)
    .openapi({ description: 'E.164 (URL-encode the +: %2B)', example: '+14155550123' }),
})
const base = '/api/organizations/{id}/privacy'
const tags = ['Privacy']

export function privacyRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags,
      summary: 'The retention policy (owner and admin)',
      request: { params: OrgParam },
      responses: {
        200: jsonResponse(PrivacySchema, 'Privacy settings'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(await getPrivacy({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } }), 200),
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: `${base}/retention`,
      tags,
      summary: 'Keep messages N days (1–3650), or forever (null) (owner and admin)',
      description:
        'An hourly job deletes older messages; conversations, contacts and the monthly counts stay.',
      request: {
        params: OrgParam,
        body: jsonBody(z.object({ retentionDays: z.number().int().min(1).max(3650).nullable() }).strict()),
      },
      responses: {
        200: jsonResponse(z.object({ retentionDays: z.number().int().nullable() }), 'Saved'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        await setRetention({
          ctx: actorCtx(c),
          input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
        }),
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/customers/{phone}/export`,
      tags,
      summary: 'Everything held on one phone number, as a JSON file (GDPR art. 15; owner and admin)',
      description:
        'The contact with attributes, notes, tags and consent; conversations with every message (text and media); broadcast recipient rows; inbound messages still queued; webhook deliveries about the number with their payloads. Recorded in the audit log with the number masked.',
      request: { params: CustomerParam },
      responses: {
        200: {
          description: 'The customer data, as an attachment',
          content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
        },
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const p = c.req.valid('param')
      const data = await exportCustomer({ ctx: actorCtx(c), input: { organizationId: p.id, phone: p.phone } })
      c.header('Content-Disposition', `attachment; filename="customer-${data.phone.replace(/\D/g, '')}.json"`)
      c.header('Cache-Control', 'no-store')
      return c.json(data, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: `${base}/customers/{phone}/erase`,
      tags,
      summary: 'Erase everything held on one phone number (GDPR art. 17; owner and admin)',
      description:
        'In one transaction: the contact, its conversations and messages, inbox rows from the number, webhook deliveries about it, and every export made before now. Broadcast recipient rows keep their state (counts stay right) without the number; monthly message counts are untouched. `confirm` must repeat the number.',
      request: {
        params: CustomerParam,
        body: jsonBody(z.object({ confirm: z.string().max(40) }).strict()),
      },
      responses: {
        200: jsonResponse(z.object({ erased: ErasedSchema }), 'Erased'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const p = c.req.valid('param')
      const erased = await eraseCustomer({
        ctx: actorCtx(c),
        input: { organizationId: p.id, phone: p.phone, confirm: c.req.valid('json').confirm },
      })
      return c.json({ erased }, 200)
    },
  )

  return app
}
