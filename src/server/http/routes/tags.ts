import { createRoute, z } from '@hono/zod-openapi'
import { createTag } from '../../core/contacts/create-tag.js'
import { deleteTag } from '../../core/contacts/delete-tag.js'
import { listTags } from '../../core/contacts/list-tags.js'
import { CreateTagInput, UpdateTagInput } from '../../core/contacts/schemas.js'
import { updateTag } from '../../core/contacts/update-tag.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

export const TagSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    color: z.string().openapi({ example: '#22c55e' }),
    contactCount: z.number().int().openapi({ description: 'Contacts carrying this tag now' }),
  })
  .openapi('Tag')

const OrgParam = z.object({ id: z.string() })
const TagParam = z.object({ id: z.string(), tagId: z.string() })
const tags = ['Contacts']

export function tagRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/tags',
      tags,
      summary: "The organization's tags with their colours and contact counts (every member)",
      request: { params: OrgParam },
      responses: {
        200: jsonResponse(z.object({ tags: z.array(TagSchema) }), 'Tags, by name'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        { tags: await listTags({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } }) },
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/tags',
      tags,
      summary: 'Create a tag (agent and up); without a colour one is picked',
      request: { params: OrgParam, body: jsonBody(CreateTagInput) },
      responses: {
        201: jsonResponse(z.object({ tag: TagSchema }), 'Created'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const tag = await createTag({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
      })
      return c.json({ tag }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/organizations/{id}/tags/{tagId}',
      tags,
      summary: "Rename or recolour a tag (agent and up); a rename rewrites the contacts' tags",
      request: { params: TagParam, body: jsonBody(UpdateTagInput) },
      responses: {
        200: jsonResponse(z.object({ tag: TagSchema }), 'Updated'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const { id, tagId } = c.req.valid('param')
      const tag = await updateTag({
        ctx: actorCtx(c),
        input: { organizationId: id, tagId, ...c.req.valid('json') },
      })
      return c.json({ tag }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/organizations/{id}/tags/{tagId}',
      tags,
      summary: 'Delete a tag and take it off every contact (agent and up)',
      request: { params: TagParam },
      responses: {
        204: { description: 'Deleted' },
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { id, tagId } = c.req.valid('param')
      await deleteTag({ ctx: actorCtx(c), input: { organizationId: id, tagId } })
      return c.body(null, 204)
    },
  )

  return app
}
