import { createRoute, z } from '@hono/zod-openapi'
import {
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
      waId: z.string(),
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
      summary: 'Conversations, most recent first',
      request: {
        params: OrgParams,
        query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      },
      responses: {
        200: jsonResponse(z.object({ conversations: z.array(ConversationSummarySchema) }), 'Conversations'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const conversations = await listConversations({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, limit: c.req.valid('query').limit },
      })
      return c.json({ conversations }, 200)
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
