import { createRoute, z } from '@hono/zod-openapi'
import {
  KNOWLEDGE_SOURCE_KINDS,
  KNOWLEDGE_SOURCE_STATUSES,
  TRAINING_STATUSES,
} from '../../../shared/enums.js'
import { askKnowledge } from '../../core/knowledge/ask-knowledge.js'
import { createSource } from '../../core/knowledge/create-source.js'
import { deleteSource } from '../../core/knowledge/delete-source.js'
import { getSource } from '../../core/knowledge/get-source.js'
import { listKnowledge } from '../../core/knowledge/list-knowledge.js'
import { saveProfile } from '../../core/knowledge/save-profile.js'
import { AskInput, CreateSourceInput, ProfileInput, UpdateSourceInput } from '../../core/knowledge/schemas.js'
import { startTraining } from '../../core/knowledge/start-training.js'
import { updateSource } from '../../core/knowledge/update-source.js'
import { uploadFile } from '../../core/knowledge/upload-file.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

export const SourceSchema = z
  .object({
    id: z.string(),
    kind: z.enum(KNOWLEDGE_SOURCE_KINDS),
    title: z.string(),
    question: z.string().nullable(),
    content: z.string().openapi({
      description: 'The text; in the knowledge list only its first 1,000 characters (see contentTruncated)',
    }),
    contentLength: z.number().openapi({ description: 'Characters of the whole text' }),
    contentTruncated: z
      .boolean()
      .openapi({ description: 'content is a preview: GET …/knowledge/{sourceId} has it whole' }),
    fields: z.record(z.string(), z.string()).nullable(),
    fileName: z.string().nullable(),
    mimeType: z.string().nullable(),
    sizeBytes: z.number().nullable(),
    status: z.enum(KNOWLEDGE_SOURCE_STATUSES).openapi({
      description:
        'An uploaded file is processing until its text is read, then ready, or failed with the reason in error',
    }),
    progress: z.number().openapi({ description: 'How far reading the file has got, 0–100' }),
    error: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('KnowledgeSource')

export const TrainingSchema = z
  .object({
    status: z.enum(TRAINING_STATUSES),
    progress: z.number(),
    error: z.string().nullable(),
    trainedAt: z.string().nullable(),
  })
  .openapi('Training')

const PassageSchema = z
  .object({ sourceId: z.string(), title: z.string(), content: z.string(), score: z.number() })
  .openapi('Passage')

const OrgParam = z.object({ id: z.string() })
const SourceParam = z.object({ id: z.string(), sourceId: z.string() })
const tags = ['Knowledge']

const FileUpload = z.object({
  file: z
    .instanceof(File, { message: 'attach the file in a multipart/form-data field named "file"' })
    .openapi({ type: 'string', format: 'binary' }),
})

export function knowledgeRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/knowledge',
      tags,
      summary: 'Knowledge sources (texts as previews) and the training state (every member)',
      request: { params: OrgParam },
      responses: {
        200: jsonResponse(
          z.object({
            sources: z.array(SourceSchema),
            training: TrainingSchema.extend({
              changedSinceTraining: z
                .boolean()
                .openapi({ description: 'Sources were added or edited after the last training' }),
            }),
          }),
          'Sources',
        ),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        await listKnowledge({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } }),
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/organizations/{id}/knowledge/profile',
      tags,
      summary: 'Create or replace the business profile (owner/admin)',
      request: { params: OrgParam, body: jsonBody(ProfileInput) },
      responses: {
        200: jsonResponse(z.object({ source: SourceSchema }), 'The profile'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const source = await saveProfile({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
      })
      return c.json({ source }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/knowledge/files',
      tags,
      summary: 'Upload a PDF, DOCX, TXT, Markdown or CSV file, up to 10 MB (owner/admin)',
      description:
        "What can be checked at once is (type, size, signature, encoding, a DOCX archive's declared sizes, a CSV's rows): a file that fails is refused with a 400 saying why (`details[0].limit` names a limit it is over) and nothing is stored. Otherwise the answer is 202 with the source `processing`; a job reads its text off the event loop, within the extraction limits, and the source becomes `ready`, or `failed` with the reason in `error`.",
      request: {
        params: OrgParam,
        body: { content: { 'multipart/form-data': { schema: FileUpload } }, required: true },
      },
      responses: {
        202: jsonResponse(
          z.object({ source: SourceSchema }),
          'Accepted: its text is being read (status processing)',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { file } = c.req.valid('form')
      const source = await uploadFile({
        ctx: actorCtx(c),
        input: {
          organizationId: c.req.valid('param').id,
          fileName: file.name,
          mimeType: file.type || undefined,
          bytes: new Uint8Array(await file.arrayBuffer()),
        },
      })
      return c.json({ source }, 202)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/knowledge/ask',
      tags,
      summary: 'Answer a question as a customer would be answered (every member)',
      request: { params: OrgParam, body: jsonBody(AskInput) },
      responses: {
        200: jsonResponse(
          z.object({
            answer: z.string(),
            escalate: z.boolean(),
            passages: z.array(PassageSchema),
            model: z.string(),
            latencyMs: z.number(),
          }),
          'The answer and the passages it used',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND', 'PROVIDER_FAILED'),
      },
    }),
    async (c) =>
      c.json(
        await askKnowledge({
          ctx: actorCtx(c),
          input: { organizationId: c.req.valid('param').id, question: c.req.valid('json').question },
        }),
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/knowledge',
      tags,
      summary: 'Add an FAQ pair or a free text (owner/admin)',
      request: { params: OrgParam, body: jsonBody(CreateSourceInput) },
      responses: {
        201: jsonResponse(z.object({ source: SourceSchema }), 'Created'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const source = await createSource({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
      })
      return c.json({ source }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/knowledge/{sourceId}',
      tags,
      summary: 'One source with its whole text (every member)',
      request: { params: SourceParam },
      responses: {
        200: jsonResponse(z.object({ source: SourceSchema }), 'The source'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { id, sourceId } = c.req.valid('param')
      return c.json(
        { source: await getSource({ ctx: actorCtx(c), input: { organizationId: id, sourceId } }) },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/organizations/{id}/knowledge/{sourceId}',
      tags,
      summary: 'Edit a source (owner/admin)',
      request: { params: SourceParam, body: jsonBody(UpdateSourceInput) },
      responses: {
        200: jsonResponse(z.object({ source: SourceSchema }), 'Updated'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const { id, sourceId } = c.req.valid('param')
      const source = await updateSource({
        ctx: actorCtx(c),
        input: { organizationId: id, sourceId, ...c.req.valid('json') },
      })
      return c.json({ source }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/organizations/{id}/knowledge/{sourceId}',
      tags,
      summary: 'Delete a source (owner/admin)',
      request: { params: SourceParam },
      responses: {
        200: jsonResponse(z.object({ deleted: z.literal(true) }), 'Deleted'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { id, sourceId } = c.req.valid('param')
      return c.json(await deleteSource({ ctx: actorCtx(c), input: { organizationId: id, sourceId } }), 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/train',
      tags,
      summary: 'Train the knowledge base again (owner/admin); progress shows in `training`',
      description:
        'A knowledge base with no profile, FAQ, text or readable file is refused with a 400 (`details[0].reason` = `NOTHING_TO_TRAIN`) and nothing changes.',
      request: { params: OrgParam },
      responses: {
        202: jsonResponse(z.object({ training: TrainingSchema }), 'Training started'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { training } = await startTraining({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id },
      })
      return c.json({ training }, 202)
    },
  )

  return app
}
