import { createRoute, z } from '@hono/zod-openapi'
import {
  CONVERSATION_STATUSES,
  KNOWLEDGE_SOURCE_KINDS,
  KNOWLEDGE_SOURCE_STATUSES,
  MESSAGE_DIRECTIONS,
  MESSAGE_STATUSES,
  TRAINING_STATUSES,
} from '../../../shared/enums.js'
import { E164, E164_MESSAGE } from '../../../shared/phone.js'
import { TEMPLATE_LIMITS } from '../../../shared/template-text.js'
import { listContacts } from '../../core/contacts/list-contacts.js'
import { ContactFilterSchema } from '../../core/contacts/schemas.js'
import { listKnowledge } from '../../core/knowledge/list-knowledge.js'
import { startTraining } from '../../core/knowledge/start-training.js'
import { authorizeOrganization } from '../../core/members/permissions.js'
import { listConversations } from '../../core/public-api/list-conversations.js'
import { listMessages } from '../../core/public-api/list-messages.js'
import { sendMessage } from '../../core/public-api/send-message.js'
import {
  V1_MESSAGE_SOURCES,
  v1ContactView,
  v1SourceView,
  v1StatsView,
  v1TrainingView,
} from '../../core/public-api/view.js'
import { getStats } from '../../core/stats/get-stats.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

// The public API for integrators, versioned: /api/v1/organizations/{id}/…, with an API key
// (`Authorization: Bearer wak_…`, within its scopes) or a session. Its shapes are its own
// (core/public-api/view.ts) and only grow; ISO 8601 dates, stable ids, opaque cursors.

const tags = ['Public API v1']
const base = '/api/v1/organizations/{id}'

const iso = (description: string) => z.string().openapi({ description, example: '2027-01-31T09:30:00.000Z' })

export const V1MessageSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    direction: z.enum(MESSAGE_DIRECTIONS),
    from: z.string().openapi({ description: 'E.164', example: '+14155550123' }),
    to: z.string().openapi({ description: 'E.164', example: '+250788123456' }),
    text: z.string().openapi({ description: 'The text (a template message: its text with the values in)' }),
    media: z.array(z.object({ url: z.string(), contentType: z.string() })),
    status: z.enum(MESSAGE_STATUSES),
    source: z.enum(V1_MESSAGE_SOURCES).openapi({
      description:
        'customer; ai (the assistant, and its automatic notices); agent (a person or an API key); template (a WhatsApp template sent by a person or an API key); broadcast',
    }),
    templateId: z.string().nullable(),
    createdAt: iso('When it was written or received'),
  })
  .openapi('V1Message')

export const V1ConversationSchema = z
  .object({
    id: z.string(),
    contact: z.object({ id: z.string(), phone: z.string(), name: z.string().nullable() }),
    number: z.string().openapi({ description: "The organization's WhatsApp number of this conversation" }),
    status: z
      .enum(CONVERSATION_STATUSES)
      .openapi({ description: 'ai: the assistant answers; human: a person' }),
    handedOff: z.boolean().openapi({ description: 'A person took the conversation over (status human)' }),
    needsAttention: z.boolean(),
    lastMessageAt: iso('The last message in or out'),
    windowOpen: z.boolean().openapi({
      description: "Within 24 hours of the customer's last message: free text may be sent; else a template",
    }),
    windowClosesAt: z.string().nullable().openapi({ description: 'null if the customer never wrote' }),
    createdAt: iso('When the conversation began'),
    updatedAt: iso('Last activity: a message, a hand-off, a status change (the sort key)'),
  })
  .openapi('V1Conversation')

const V1ContactSchema = z
  .object({
    id: z.string(),
    phone: z.string(),
    name: z.string().nullable().openapi({ description: "The business's own name for the customer" }),
    profileName: z.string().nullable().openapi({ description: 'Their WhatsApp profile name' }),
    tags: z.array(z.string()),
    attributes: z.record(z.string(), z.string()),
    optedIn: z.boolean(),
    optedInAt: z.string().nullable(),
    optedOut: z.boolean(),
    optedOutAt: z.string().nullable(),
    conversationId: z.string().nullable(),
    firstSeenAt: z.string(),
    lastSeenAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .openapi('V1Contact')

const V1TrainingSchema = z
  .object({
    status: z.enum(TRAINING_STATUSES),
    progress: z.number(),
    error: z.string().nullable(),
    trainedAt: z.string().nullable(),
    changedSinceTraining: z.boolean().optional(),
  })
  .openapi('V1Training')

const V1SourceSchema = z
  .object({
    id: z.string(),
    kind: z.enum(KNOWLEDGE_SOURCE_KINDS),
    title: z.string(),
    status: z.enum(KNOWLEDGE_SOURCE_STATUSES),
    error: z.string().nullable(),
    contentLength: z.number().int(),
    fileName: z.string().nullable(),
    mimeType: z.string().nullable(),
    sizeBytes: z.number().int().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('V1KnowledgeSource')

const V1StatsSchema = z
  .object({
    month: z.object({
      key: z.string().openapi({ example: '2027-01' }),
      since: z.string(),
      inbound: z.number(),
      outbound: z.number(),
      failed: z.number(),
    }),
    perDay: z.array(z.object({ date: z.string(), inbound: z.number(), outbound: z.number() })),
    conversations: z.object({
      total: z.number(),
      thisMonth: z.number(),
      handedOff: z.number(),
      needsAttention: z.number(),
    }),
    uniqueCustomers: z.number(),
    usage: z.object({
      used: z.number(),
      limit: z.number(),
      remaining: z.number(),
      limitReached: z.boolean(),
      limitReachedAt: z.string().nullable(),
    }),
    averageReplyLatencyMs: z.number().nullable(),
  })
  .openapi('V1Stats')

const OrgParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) })
const ConversationParam = OrgParam.extend({
  conversationId: z.string().openapi({ param: { name: 'conversationId', in: 'path' } }),
})

const page = {
  cursor: z.string().max(500).optional().openapi({ description: 'nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}
const since = z.iso
  .datetime({ offset: true, message: 'an ISO 8601 date and time, e.g. 2027-01-31T00:00:00Z' })
  .optional()
const sinceDate = (s: string | undefined) => (s === undefined ? undefined : new Date(s))

const SendMessageBody = z
  .object({
    to: z.string().regex(E164, E164_MESSAGE).openapi({ example: '+250788123456' }),
    text: z.string().trim().min(1).max(4096).optional().openapi({
      description: "Free text: only within 24 hours of the customer's last message",
    }),
    templateId: z.string().min(1).optional().openapi({ description: 'An approved WhatsApp template' }),
    variables: z
      .record(z.string(), z.string().max(TEMPLATE_LIMITS.valueChars))
      .optional()
      .openapi({
        description: 'The template variables\' values, e.g. {"1": "Ana"}',
        example: { '1': 'Ana' },
      }),
  })
  .strict()

const bool = z.enum(['true', 'false']).transform((v) => v === 'true')

export function v1Routes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'post',
      path: `${base}/messages`,
      tags,
      summary: 'Send a WhatsApp message to a customer (scope messages:send)',
      description:
        "Exactly one of `text` and `templateId`. Free text only within 24 hours of the customer's last message: outside it (or to a number that never wrote) 409 with `details.reason` OUTSIDE_WINDOW and nothing is stored. An approved template may be sent at any time (a number that never wrote gets a contact and a conversation); a template not approved is a 409 TEMPLATE_NOT_APPROVED, variables that do not match its placeholders a 400. A customer who opted out (STOP): 409 CUSTOMER_OPTED_OUT. The message is queued and sent in the background (`status` follows; `message.sent`/`message.status` webhooks tell). Send an `Idempotency-Key` header to retry safely.",
      request: { params: OrgParam, body: jsonBody(SendMessageBody) },
      responses: {
        201: jsonResponse(
          z.object({ message: V1MessageSchema, conversationId: z.string() }),
          'Stored and queued for sending',
        ),
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
      const sent = await sendMessage({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
      })
      return c.json(sent, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/conversations`,
      tags,
      summary: 'Conversations by last activity, oldest first (scope conversations:read)',
      description:
        'Sorted by `updatedAt` (a message, a hand-off, a status change), then id. `since` keeps those changed at or after it: poll with the greatest `updatedAt` you saw (a few seconds earlier is safer; ids are stable, so drop repeats). Pass `nextCursor` back as `cursor` for the next page; a conversation that changes while you page moves to the end.',
      request: { params: OrgParam, query: z.object({ since, ...page }) },
      responses: {
        200: jsonResponse(
          z.object({ data: z.array(V1ConversationSchema), nextCursor: z.string().nullable() }),
          'A page of conversations',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PLAN_REQUIRED'),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const result = await listConversations({
        ctx: actorCtx(c),
        input: {
          organizationId: c.req.valid('param').id,
          since: sinceDate(q.since),
          cursor: q.cursor,
          limit: q.limit,
        },
      })
      return c.json(result, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/conversations/{conversationId}/messages`,
      tags,
      summary: "A conversation's messages, oldest first (scope conversations:read)",
      description:
        '`since` keeps messages created at or after it. Pass `nextCursor` back as `cursor` for the next page; new messages come after the last page, never inside one.',
      request: { params: ConversationParam, query: z.object({ since, ...page }) },
      responses: {
        200: jsonResponse(
          z.object({ data: z.array(V1MessageSchema), nextCursor: z.string().nullable() }),
          'A page of messages',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PLAN_REQUIRED'),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const p = c.req.valid('param')
      const result = await listMessages({
        ctx: actorCtx(c),
        input: {
          organizationId: p.id,
          conversationId: p.conversationId,
          since: sinceDate(q.since),
          cursor: q.cursor,
          limit: q.limit,
        },
      })
      return c.json(result, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/contacts`,
      tags,
      summary: 'Contacts, a page at a time (scope contacts:read)',
      description:
        "Ordered by the customer's last message, most recent first, then contacts who never wrote; ties by id. `total` counts every match.",
      request: {
        params: OrgParam,
        query: z.object({
          search: z.string().max(100).optional().openapi({ description: 'Name or number contains' }),
          tags: z
            .string()
            .max(2_000)
            .optional()
            .openapi({ description: 'Comma-separated: any of these tags' }),
          optedOut: bool.optional(),
          ...page,
        }),
      },
      responses: {
        200: jsonResponse(
          z.object({
            data: z.array(V1ContactSchema),
            nextCursor: z.string().nullable(),
            total: z.number().int(),
          }),
          'A page of contacts',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PLAN_REQUIRED'),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const filter = ContactFilterSchema.parse({
        search: q.search,
        tags: q.tags
          ?.split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      })
      const result = await listContacts({
        ctx: actorCtx(c),
        input: {
          organizationId: c.req.valid('param').id,
          filter,
          optedOut: q.optedOut,
          cursor: q.cursor,
          limit: q.limit,
        },
      })
      return c.json(
        { data: result.contacts.map(v1ContactView), nextCursor: result.nextCursor, total: result.total },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/knowledge/sources`,
      tags,
      summary: "The knowledge base's sources and its training state (scope knowledge:read)",
      request: { params: OrgParam },
      responses: {
        200: jsonResponse(
          z.object({ data: z.array(V1SourceSchema), training: V1TrainingSchema }),
          'Sources, the business profile first',
        ),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PLAN_REQUIRED'),
      },
    }),
    async (c) => {
      const ctx = actorCtx(c)
      const organizationId = c.req.valid('param').id
      // A business organization's (the dashboard also reaches a person's own knowledge base).
      await authorizeOrganization(ctx, organizationId, 'knowledge:read')
      const { sources, training } = await listKnowledge({ ctx, input: { organizationId } })
      return c.json({ data: sources.map(v1SourceView), training: v1TrainingView(training) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: `${base}/knowledge/train`,
      tags,
      summary: 'Train the knowledge base on what it holds (scope knowledge:write)',
      description:
        'Answers at once; training runs in the background (GET …/knowledge/sources shows its progress; a `training.completed` webhook tells). Nothing to learn from: 400 with `details[0].reason` NOTHING_TO_TRAIN.',
      request: { params: OrgParam },
      responses: {
        202: jsonResponse(z.object({ training: V1TrainingSchema }), 'Training started'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PLAN_REQUIRED'),
      },
    }),
    async (c) => {
      const ctx = actorCtx(c)
      const organizationId = c.req.valid('param').id
      await authorizeOrganization(ctx, organizationId, 'knowledge:write')
      const { training } = await startTraining({ ctx, input: { organizationId } })
      return c.json({ training: v1TrainingView(training) }, 202)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/stats`,
      tags,
      summary: 'Messages, conversations, customers and usage this month (scope stats:read)',
      request: { params: OrgParam },
      responses: {
        200: jsonResponse(V1StatsSchema, "Statistics in the organization's time zone"),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PLAN_REQUIRED'),
      },
    }),
    async (c) => {
      const stats = await getStats({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } })
      return c.json(v1StatsView(stats), 200)
    },
  )

  return app
}
