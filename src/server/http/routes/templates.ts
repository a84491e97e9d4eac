import { createRoute, z } from '@hono/zod-openapi'
import { TEMPLATE_CATEGORIES, TEMPLATE_STATUSES } from '../../../shared/enums.js'
import { createTemplate } from '../../core/templates/create-template.js'
import { deleteTemplate } from '../../core/templates/delete-template.js'
import { getTemplate } from '../../core/templates/get-template.js'
import { listTemplates } from '../../core/templates/list-templates.js'
import { refreshTemplate } from '../../core/templates/refresh-template.js'
import { CreateTemplateInput } from '../../core/templates/schemas.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

export const TemplateSchema = z
  .object({
    id: z.string(),
    name: z.string().openapi({ example: 'order_ready' }),
    language: z.string().openapi({ example: 'en' }),
    category: z.enum(TEMPLATE_CATEGORIES),
    body: z.string().openapi({ example: 'Hi {{1}}, your order {{2}} is ready' }),
    examples: z.record(z.string(), z.string()).openapi({ example: { '1': 'Ana', '2': 'A-17' } }),
    variables: z
      .array(z.string())
      .openapi({ description: 'The variable numbers the body uses', example: ['1', '2'] }),
    status: z.enum(TEMPLATE_STATUSES).openapi({
      description:
        "WhatsApp's review: pending until Meta decides; only approved templates can be sent; paused/disabled were stopped by Meta",
    }),
    rejectionReason: z.string().nullable(),
    contentSid: z.string().nullable().openapi({ description: "Twilio's Content SID (HX…)" }),
    submittedAt: z.string().nullable(),
    statusCheckedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Template')

const OrgParam = z.object({ id: z.string() })
const TemplateParam = z.object({ id: z.string(), templateId: z.string() })
const tags = ['Templates']
const input = (p: z.infer<typeof TemplateParam>) => ({ organizationId: p.id, templateId: p.templateId })

export function templateRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/templates',
      tags,
      summary: "The organization's WhatsApp templates with their review status (every member)",
      request: { params: OrgParam },
      responses: {
        200: jsonResponse(z.object({ templates: z.array(TemplateSchema) }), 'Templates, by name'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        {
          templates: await listTemplates({
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
      path: '/api/organizations/{id}/templates',
      tags,
      summary:
        "Write a template and submit it for WhatsApp's review through Twilio (owner, admin). Variables are {{1}}…{{n}} without gaps, each with an example; 409 for a name already used in that language",
      request: { params: OrgParam, body: jsonBody(CreateTemplateInput) },
      responses: {
        201: jsonResponse(z.object({ template: TemplateSchema }), 'Created and submitted'),
        ...errorResponses(
          'BAD_REQUEST',
          'UNAUTHORIZED',
          'FORBIDDEN',
          'NOT_FOUND',
          'CONFLICT',
          'PROVIDER_FAILED',
        ),
      },
    }),
    async (c) => {
      const template = await createTemplate({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
      })
      return c.json({ template }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/templates/{templateId}',
      tags,
      summary: 'One template',
      request: { params: TemplateParam },
      responses: {
        200: jsonResponse(z.object({ template: TemplateSchema }), 'The template'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json({ template: await getTemplate({ ctx: actorCtx(c), input: input(c.req.valid('param')) }) }, 200),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/templates/{templateId}/refresh',
      tags,
      summary: "Ask Twilio now where WhatsApp's review stands (owner, admin)",
      request: { params: TemplateParam },
      responses: {
        200: jsonResponse(z.object({ template: TemplateSchema }), 'The template with its current status'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PROVIDER_FAILED'),
      },
    }),
    async (c) =>
      c.json(
        { template: await refreshTemplate({ ctx: actorCtx(c), input: input(c.req.valid('param')) }) },
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/organizations/{id}/templates/{templateId}',
      tags,
      summary: 'Delete a template here and in Twilio (owner, admin); 409 while a broadcast uses it',
      request: { params: TemplateParam },
      responses: {
        204: { description: 'Deleted' },
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PROVIDER_FAILED'),
      },
    }),
    async (c) => {
      await deleteTemplate({ ctx: actorCtx(c), input: input(c.req.valid('param')) })
      return c.body(null, 204)
    },
  )

  return app
}
