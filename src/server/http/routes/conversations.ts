import { createRoute, z } from '@hono/zod-openapi'
import {
  ATTENTION_REASONS,
  CONVERSATION_FILTERS,
  CONVERSATION_STATUSES,
  MESSAGE_DIRECTIONS,
  MESSAGE_SOURCES,
  MESSAGE_STATUSES,
} from '../../../shared/enums.js'
import {
  getConversation,
  handBack,
  listConversations,
  replyAsAgent,
  takeOver,
} from '../../core/conversations/conversations.js'
import { sendTemplateMessage } from '../../core/conversations/send-template.js'
import { SendTemplateInput } from '../../core/templates/schemas.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

export const MessageSchema = z
  .object({
    id: z.string(),
    direction: z.enum(MESSAGE_DIRECTIONS),
    body: z.string(),
    media: z.array(z.object({ url: z.string(), contentType: z.string() })),
    status: z.enum(MESSAGE_STATUSES),
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    source: z.enum(MESSAGE_SOURCES),
    templateId: z.string().nullable().openapi({
      description: 'The WhatsApp template it was sent with (the body is its text with the values in)',
    }),
    model: z.string().nullable(),
    latencyMs: z.number().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .openapi('Message')

export const ConversationSummarySchema = z
  .object({
    id: z.string(),
    status: z.enum(CONVERSATION_STATUSES),
    needsAttention: z.boolean(),
    attentionReason: z
      .enum(ATTENTION_REASONS)
      .nullable()
      .openapi({ description: 'Why it needs (or last needed) a person' }),
    attentionSince: z.string().nullable().openapi({
      description: 'Since when it needs a person (the current episode); null once someone handled it',
    }),
    assignedTo: z
      .object({ userId: z.string(), name: z.string() })
      .nullable()
      .openapi({ description: 'The member it is assigned to' }),
    resolvedAt: z.string().nullable().openapi({
      description: 'When the team resolved it; null while open (a new customer message reopens it)',
    }),
    qualityScore: z
      .number()
      .nullable()
      .openapi({ description: 'Quality 0..1 from its answers; null until an answer was scored' }),
    rating: z.number().int().nullable().openapi({ description: "The customer's 1–5 rating, if given" }),
    lastMessageAt: z.string(),
    createdAt: z.string(),
    lastMessage: z.string().nullable(),
    windowOpen: z.boolean().openapi({
      description:
        "Within 24 hours of the customer's last message: free text may be sent. Outside it only an approved template",
    }),
    windowClosesAt: z
      .string()
      .nullable()
      .openapi({ description: "24 hours after the customer's last message; null if they never wrote" }),
    contact: z.object({
      id: z.string(),
      waId: z.string(),
      name: z.string().nullable().openapi({ description: "The business's own name for the customer" }),
      profileName: z.string().nullable(),
      optedOut: z.boolean(),
      simulated: z.boolean().openapi({
        description: "A customer played in the dashboard's simulator: never sent to, not counted",
      }),
    }),
  })
  .openapi('ConversationSummary')

const Params = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' } }),
  conversationId: z.string().openapi({ param: { name: 'conversationId', in: 'path' } }),
})
const OrgParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) })
const tags = ['Conversations']
const input = (p: z.infer<typeof Params>) => ({ organizationId: p.id, conversationId: p.conversationId })

export function conversationRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/conversations',
      tags,
      summary:
        'The inbox: conversations, most recent first, by filter, assignee and search, a page at a time (every member)',
      request: {
        params: OrgParams,
        query: z.object({
          filter: z.enum(CONVERSATION_FILTERS).default('all').openapi({
            description:
              'attention: needs a person; human: a person has it and it is not resolved; open: not resolved; resolved; mine: assigned to the caller (signed-in members only)',
          }),
          assignee: z
            .string()
            .optional()
            .openapi({ description: "Only those assigned to this member's user id" }),
          q: z
            .string()
            .max(100)
            .optional()
            .openapi({ description: "Part of the customer's number, or the start of words of their name" }),
          cursor: z
            .string()
            .max(200)
            .optional()
            .openapi({ description: 'The nextCursor of the previous page' }),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
      responses: {
        200: jsonResponse(
          z.object({
            conversations: z.array(ConversationSummarySchema),
            nextCursor: z.string().nullable().openapi({ description: 'null on the last page' }),
            counts: z
              .object({
                all: z.number().int(),
                attention: z.number().int(),
                human: z.number().int(),
                open: z.number().int(),
                resolved: z.number().int(),
                mine: z.number().int(),
              })
              .openapi({ description: 'Conversations in each filter now (without assignee, q or cursor)' }),
          }),
          'Conversations',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query')
      const page = await listConversations({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, ...query },
      })
      return c.json(page, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/conversations/{conversationId}',
      tags,
      summary: 'A conversation with its transcript and message statuses',
      request: { params: Params },
      responses: {
        200: jsonResponse(
          z.object({ conversation: ConversationSummarySchema, messages: z.array(MessageSchema) }),
          'The transcript, oldest first',
        ),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) => c.json(await getConversation({ ctx: actorCtx(c), input: input(c.req.valid('param')) }), 200),
  )

  for (const [action, fn, summary] of [
    ['take-over', takeOver, 'An agent takes the conversation; the AI stops answering (agent and up)'],
    ['hand-back', handBack, 'Give the conversation back to the AI (agent and up)'],
  ] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/organizations/{id}/conversations/{conversationId}/${action}`,
        tags,
        summary,
        request: { params: Params },
        responses: {
          200: jsonResponse(z.object({ conversation: ConversationSummarySchema }), 'The conversation'),
          ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
        },
      }),
      async (c) =>
        c.json({ conversation: await fn({ ctx: actorCtx(c), input: input(c.req.valid('param')) }) }, 200),
    )
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/conversations/{conversationId}/reply',
      tags,
      summary:
        "Reply as an agent (takes the conversation over). Free text only within WhatsApp's 24-hour window: outside it, 409 with details.reason OUTSIDE_WINDOW (send a template instead)",
      request: {
        params: Params,
        body: jsonBody(z.object({ body: z.string().min(1).max(4096) }).strict()),
      },
      responses: {
        201: jsonResponse(z.object({ message: MessageSchema }), 'Stored and queued for sending'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const message = await replyAsAgent({
        ctx: actorCtx(c),
        input: { ...input(c.req.valid('param')), body: c.req.valid('json').body },
      })
      return c.json({ message }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/conversations/{conversationId}/template',
      tags,
      summary:
        'Send an approved WhatsApp template as an agent (agent and up), allowed outside the 24-hour window. 409 details.reason TEMPLATE_NOT_APPROVED with details.status; 400 details.missing names the variables without a value',
      request: { params: Params, body: jsonBody(SendTemplateInput) },
      responses: {
        201: jsonResponse(z.object({ message: MessageSchema }), 'Stored and queued for sending'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const message = await sendTemplateMessage({
        ctx: actorCtx(c),
        input: { ...input(c.req.valid('param')), ...c.req.valid('json') },
      })
      return c.json({ message }, 201)
    },
  )

  return app
}
