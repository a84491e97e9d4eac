import { createRoute, z } from '@hono/zod-openapi'
import { stream } from 'hono/streaming'
import { BROADCAST_STATUSES, SKIP_REASONS } from '../../../shared/enums.js'
import { cancelBroadcast } from '../../core/broadcasts/cancel-broadcast.js'
import { createBroadcast } from '../../core/broadcasts/create-broadcast.js'
import { getBroadcast } from '../../core/broadcasts/get-broadcast.js'
import { listBroadcasts } from '../../core/broadcasts/list-broadcasts.js'
import { listRecipients } from '../../core/broadcasts/list-recipients.js'
import { previewBroadcast } from '../../core/broadcasts/preview-broadcast.js'
import { recipientsCsv } from '../../core/broadcasts/recipients-csv.js'
import {
  AudienceSchema,
  CreateBroadcastSchema,
  PreviewBroadcastSchema,
  VariableSourceSchema,
} from '../../core/broadcasts/schemas.js'
import { RECIPIENT_STATUSES } from '../../core/broadcasts/view.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

const counted = <T extends readonly string[]>(keys: T) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])) as { [K in T[number]]: z.ZodNumber })

export const BroadcastSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    template: z.object({ id: z.string(), name: z.string(), language: z.string() }),
    status: z.enum(BROADCAST_STATUSES),
    stoppedReason: z.string().nullable(),
    sendAt: z.string().openapi({ description: 'When sending starts (ISO instant)' }),
    sendAtLocal: z
      .string()
      .openapi({ description: "The same in the organization's zone, 'YYYY-MM-DDTHH:mm'" }),
    timeZone: z.string(),
    fromNumber: z.string(),
    upToLimit: z.boolean(),
    variables: z.record(z.string(), VariableSourceSchema),
    audience: AudienceSchema,
    recipientCount: z.number().int(),
    counts: counted(RECIPIENT_STATUSES).openapi({ description: 'Recipients by visible status' }),
    skippedReasons: counted(SKIP_REASONS).openapi({ description: 'Skipped recipients by reason' }),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    createdBy: z.string().nullable().openapi({ description: 'User id of who made it' }),
  })
  .openapi('Broadcast')

export const BroadcastRecipientSchema = z
  .object({
    id: z.string(),
    contactId: z.string().nullable(),
    phone: z.string(),
    displayName: z.string(),
    status: z.enum(RECIPIENT_STATUSES),
    reason: z.string().nullable().openapi({ description: 'Why it was skipped, or why its message failed' }),
    variables: z.record(z.string(), z.string()),
    sentAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .openapi('BroadcastRecipient')

export const BroadcastPreviewSchema = z
  .object({
    total: z.number().int(),
    sendable: z.number().int(),
    skipped: z.object({
      opted_out: z.number().int(),
      no_consent: z.number().int(),
      duplicate_number: z.number().int(),
      missing_variables: z.number().int(),
    }),
    remaining: z.number().int().openapi({ description: 'Messages left this month' }),
    samples: z.array(
      z.object({ contactId: z.string(), phone: z.string(), displayName: z.string(), text: z.string() }),
    ),
  })
  .openapi('BroadcastPreview')

const OrgParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) })
const Params = OrgParams.extend({
  broadcastId: z.string().openapi({ param: { name: 'broadcastId', in: 'path' } }),
})
const tags = ['Broadcasts']
const base = '/api/organizations/{id}/broadcasts'
const ids = (p: z.infer<typeof Params>) => ({ organizationId: p.id, broadcastId: p.broadcastId })

export function broadcastRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'post',
      path: `${base}/preview`,
      tags,
      summary: 'What a broadcast would send: audience size, skips by reason, messages left, rendered samples',
      request: { params: OrgParams, body: jsonBody(PreviewBroadcastSchema) },
      responses: {
        200: jsonResponse(BroadcastPreviewSchema, 'The preview'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const preview = await previewBroadcast({
        ctx: actorCtx(c),
        input: { ...c.req.valid('json'), organizationId: c.req.valid('param').id },
      })
      return c.json(preview, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: base,
      tags,
      summary: 'Send an approved template to an audience, now or at a local time (agent and up)',
      description: [
        'Recipients are fixed when the broadcast is made; opted-out contacts, contacts without opt-in,',
        'duplicate numbers and contacts missing a variable are skipped with the reason.',
        '409 `TEMPLATE_NOT_APPROVED` (details.status), `OVER_LIMIT` (details.needed, details.remaining; send',
        '`upToLimit: true` to send up to the limit), `NO_ACTIVE_NUMBER`; 400 with details.missing for',
        'template variables without a source, and for a `sendAt` in the past or in the hour skipped by a',
        'daylight-saving change.',
      ].join(' '),
      request: { params: OrgParams, body: jsonBody(CreateBroadcastSchema) },
      responses: {
        201: jsonResponse(z.object({ broadcast: BroadcastSchema }), 'Made; sending starts now or at sendAt'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const broadcast = await createBroadcast({
        ctx: actorCtx(c),
        input: { ...c.req.valid('json'), organizationId: c.req.valid('param').id },
      })
      return c.json({ broadcast }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags,
      summary: 'Broadcasts with their counts, newest first (the latest 100)',
      request: { params: OrgParams },
      responses: {
        200: jsonResponse(z.object({ broadcasts: z.array(BroadcastSchema) }), 'Broadcasts'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        {
          broadcasts: await listBroadcasts({
            ctx: actorCtx(c),
            input: { organizationId: c.req.valid('param').id },
          }),
        },
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/{broadcastId}`,
      tags,
      summary: 'A broadcast with its recipients counted by status',
      request: { params: Params },
      responses: {
        200: jsonResponse(z.object({ broadcast: BroadcastSchema }), 'The broadcast'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json({ broadcast: await getBroadcast({ ctx: actorCtx(c), input: ids(c.req.valid('param')) }) }, 200),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/{broadcastId}/recipients`,
      tags,
      summary: 'Recipients in send order, optionally of one status',
      request: {
        params: Params,
        query: z.object({
          status: z.enum(RECIPIENT_STATUSES).optional(),
          cursor: z.string().max(20).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
      responses: {
        200: jsonResponse(
          z.object({ recipients: z.array(BroadcastRecipientSchema), nextCursor: z.string().nullable() }),
          'A page of recipients',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query')
      const page = await listRecipients({
        ctx: actorCtx(c),
        input: { ...ids(c.req.valid('param')), ...query },
      })
      return c.json(page, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/{broadcastId}/recipients.csv`,
      tags,
      summary: "The broadcast's results as CSV (phone, name, status, reason, sent_at, updated_at, variables)",
      request: { params: Params },
      responses: {
        200: { description: 'CSV, streamed', content: { 'text/csv': { schema: z.string() } } },
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const csv = await recipientsCsv({ ctx: actorCtx(c), input: ids(c.req.valid('param')) })
      const file = `${csv.name.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'broadcast'}-recipients.csv`
      c.header('Content-Type', 'text/csv; charset=utf-8')
      c.header('Content-Disposition', `attachment; filename="${file}"`)
      c.header('Cache-Control', 'no-store')
      return stream(c, async (out) => {
        for await (const chunk of csv.lines()) await out.write(chunk)
      })
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: `${base}/{broadcastId}/cancel`,
      tags,
      summary: 'Stop a scheduled or sending broadcast; what was sent stays sent (agent and up)',
      request: { params: Params },
      responses: {
        200: jsonResponse(z.object({ broadcast: BroadcastSchema }), 'Cancelled'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) =>
      c.json(
        { broadcast: await cancelBroadcast({ ctx: actorCtx(c), input: ids(c.req.valid('param')) }) },
        200,
      ),
  )

  return app
}
