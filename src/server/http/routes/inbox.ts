import { createRoute, z } from '@hono/zod-openapi'
import { addNote } from '../../core/inbox/add-note.js'
import { assignConversation } from '../../core/inbox/assign-conversation.js'
import { createCannedReply } from '../../core/inbox/create-canned-reply.js'
import { deleteCannedReply } from '../../core/inbox/delete-canned-reply.js'
import { deleteNote } from '../../core/inbox/delete-note.js'
import { listCannedReplies } from '../../core/inbox/list-canned-replies.js'
import { listNotes } from '../../core/inbox/list-notes.js'
import { reopenConversation } from '../../core/inbox/reopen-conversation.js'
import { resolveConversation } from '../../core/inbox/resolve-conversation.js'
import { AssignInput, CannedReplyInput, CannedReplyPatch, NoteInput } from '../../core/inbox/schemas.js'
import { updateCannedReply } from '../../core/inbox/update-canned-reply.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'
import { ConversationSummarySchema } from './conversations.js'

export const NoteSchema = z
  .object({
    id: z.string(),
    body: z.string(),
    author: z
      .object({ userId: z.string(), name: z.string() })
      .nullable()
      .openapi({ description: 'null once the author’s account is gone' }),
    createdAt: z.string(),
  })
  .openapi('ConversationNote')

export const CannedReplySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    body: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('CannedReply')

const OrgParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) })
const ConversationParams = OrgParams.extend({
  conversationId: z.string().openapi({ param: { name: 'conversationId', in: 'path' } }),
})
const NoteParams = ConversationParams.extend({
  noteId: z.string().openapi({ param: { name: 'noteId', in: 'path' } }),
})
const ReplyParams = OrgParams.extend({
  replyId: z.string().openapi({ param: { name: 'replyId', in: 'path' } }),
})
const tags = ['Inbox']
const conversationInput = (p: z.infer<typeof ConversationParams>) => ({
  organizationId: p.id,
  conversationId: p.conversationId,
})

/** The inbox across conversations: assignment, resolve and reopen, internal notes, canned replies. */
export function inboxRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/conversations/{conversationId}/assign',
      tags,
      summary:
        'Assign the conversation to a member who may reply (agent and up), or take the assignment off with userId null (agent and up; recorded in the audit log)',
      request: { params: ConversationParams, body: jsonBody(AssignInput) },
      responses: {
        200: jsonResponse(z.object({ conversation: ConversationSummarySchema }), 'The conversation'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const conversation = await assignConversation({
        ctx: actorCtx(c),
        input: { ...conversationInput(c.req.valid('param')), userId: c.req.valid('json').userId },
      })
      return c.json({ conversation }, 200)
    },
  )

  for (const [action, fn, summary] of [
    [
      'resolve',
      resolveConversation,
      'Resolve the conversation (agent and up): ends its attention episode; the status (AI or person) is kept, and the customer’s next message reopens it',
    ],
    ['reopen', reopenConversation, 'Reopen a resolved conversation (agent and up)'],
  ] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/organizations/{id}/conversations/{conversationId}/${action}`,
        tags,
        summary,
        request: { params: ConversationParams },
        responses: {
          200: jsonResponse(z.object({ conversation: ConversationSummarySchema }), 'The conversation'),
          ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
        },
      }),
      async (c) =>
        c.json(
          { conversation: await fn({ ctx: actorCtx(c), input: conversationInput(c.req.valid('param')) }) },
          200,
        ),
    )
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/conversations/{conversationId}/notes',
      tags,
      summary: 'The team’s internal notes on the conversation, oldest first (every member)',
      request: { params: ConversationParams },
      responses: {
        200: jsonResponse(z.object({ notes: z.array(NoteSchema) }), 'Notes'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        { notes: await listNotes({ ctx: actorCtx(c), input: conversationInput(c.req.valid('param')) }) },
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/conversations/{conversationId}/notes',
      tags,
      summary: 'Add an internal note, never sent to the customer (agent and up)',
      request: { params: ConversationParams, body: jsonBody(NoteInput) },
      responses: {
        201: jsonResponse(z.object({ note: NoteSchema }), 'Added'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const note = await addNote({
        ctx: actorCtx(c),
        input: { ...conversationInput(c.req.valid('param')), body: c.req.valid('json').body },
      })
      return c.json({ note }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/organizations/{id}/conversations/{conversationId}/notes/{noteId}',
      tags,
      summary: 'Delete a note: its author, or an owner or admin',
      request: { params: NoteParams },
      responses: {
        204: { description: 'Deleted' },
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const p = c.req.valid('param')
      await deleteNote({ ctx: actorCtx(c), input: { ...conversationInput(p), noteId: p.noteId } })
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/canned-replies',
      tags,
      summary: 'The team’s canned replies, by title (every member)',
      request: { params: OrgParams },
      responses: {
        200: jsonResponse(z.object({ cannedReplies: z.array(CannedReplySchema) }), 'Canned replies'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        {
          cannedReplies: await listCannedReplies({
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
      path: '/api/organizations/{id}/canned-replies',
      tags,
      summary: 'Add a canned reply (owners and admins; at most 500 per organization: 409 TOO_MANY)',
      request: { params: OrgParams, body: jsonBody(CannedReplyInput) },
      responses: {
        201: jsonResponse(z.object({ cannedReply: CannedReplySchema }), 'Created'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const cannedReply = await createCannedReply({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
      })
      return c.json({ cannedReply }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/organizations/{id}/canned-replies/{replyId}',
      tags,
      summary: 'Change a canned reply’s title or body (owners and admins)',
      request: { params: ReplyParams, body: jsonBody(CannedReplyPatch) },
      responses: {
        200: jsonResponse(z.object({ cannedReply: CannedReplySchema }), 'Updated'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { id, replyId } = c.req.valid('param')
      const cannedReply = await updateCannedReply({
        ctx: actorCtx(c),
        input: { organizationId: id, replyId, ...c.req.valid('json') },
      })
      return c.json({ cannedReply }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/organizations/{id}/canned-replies/{replyId}',
      tags,
      summary: 'Delete a canned reply (owners and admins)',
      request: { params: ReplyParams },
      responses: {
        204: { description: 'Deleted' },
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { id, replyId } = c.req.valid('param')
      await deleteCannedReply({ ctx: actorCtx(c), input: { organizationId: id, replyId } })
      return c.body(null, 204)
    },
  )

  return app
}
