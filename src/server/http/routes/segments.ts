import { createRoute, z } from '@hono/zod-openapi'
import { ContactFilterSchema, CreateSegmentInput, UpdateSegmentInput } from '../../core/contacts/schemas.js'
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  updateSegment,
} from '../../core/contacts/segments.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

/**
 * The filter as the API documents it: core's schema's own fields, named for the OpenAPI document
 * (a core schema made before @hono/zod-openapi is loaded has no `.openapi`, so it is wrapped here).
 */
export const ContactFilterDoc = z.object(ContactFilterSchema.shape).strict().openapi('ContactFilter')

export const SegmentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    filter: ContactFilterDoc,
    contactCount: z.number().int().openapi({ description: 'Contacts matching the filter now' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Segment')

const OrgParam = z.object({ id: z.string() })
const SegmentParam = z.object({ id: z.string(), segmentId: z.string() })
const tags = ['Contacts']

export function segmentRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/segments',
      tags,
      summary: 'Saved segments with how many contacts each means now (every member)',
      request: { params: OrgParam },
      responses: {
        200: jsonResponse(z.object({ segments: z.array(SegmentSchema) }), 'Segments, by name'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        {
          segments: await listSegments({
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
      path: '/api/organizations/{id}/segments',
      tags,
      summary: 'Save a filter as a segment (agent and up)',
      request: { params: OrgParam, body: jsonBody(CreateSegmentInput) },
      responses: {
        201: jsonResponse(z.object({ segment: SegmentSchema }), 'Created'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const segment = await createSegment({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
      })
      return c.json({ segment }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/segments/{segmentId}',
      tags,
      summary: 'One segment with its count now (every member)',
      request: { params: SegmentParam },
      responses: {
        200: jsonResponse(z.object({ segment: SegmentSchema }), 'The segment'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { id, segmentId } = c.req.valid('param')
      return c.json(
        { segment: await getSegment({ ctx: actorCtx(c), input: { organizationId: id, segmentId } }) },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/organizations/{id}/segments/{segmentId}',
      tags,
      summary: 'Rename a segment or change its filter (agent and up)',
      request: { params: SegmentParam, body: jsonBody(UpdateSegmentInput) },
      responses: {
        200: jsonResponse(z.object({ segment: SegmentSchema }), 'Updated'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const { id, segmentId } = c.req.valid('param')
      const segment = await updateSegment({
        ctx: actorCtx(c),
        input: { organizationId: id, segmentId, ...c.req.valid('json') },
      })
      return c.json({ segment }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/organizations/{id}/segments/{segmentId}',
      tags,
      summary: 'Delete a segment (agent and up); 409 while a broadcast waits to be sent to it',
      request: { params: SegmentParam },
      responses: {
        204: { description: 'Deleted' },
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const { id, segmentId } = c.req.valid('param')
      await deleteSegment({ ctx: actorCtx(c), input: { organizationId: id, segmentId } })
      return c.body(null, 204)
    },
  )

  return app
}
