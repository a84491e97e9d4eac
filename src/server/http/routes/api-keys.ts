import { createRoute, z } from '@hono/zod-openapi'
import { API_SCOPES } from '../../../shared/enums.js'
import { createApiKey } from '../../core/api-keys/create-api-key.js'
import { listApiKeys } from '../../core/api-keys/list-api-keys.js'
import { revokeApiKey } from '../../core/api-keys/revoke-api-key.js'
import { CreateApiKeyInput } from '../../core/api-keys/schemas.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z
      .string()
      .openapi({ description: 'The first characters of the secret', example: 'wak_3kT9xQ2a' }),
    scopes: z.array(z.enum(API_SCOPES)),
    status: z.enum(['active', 'revoked', 'expired']),
    expiresAt: z.string().nullable(),
    lastUsedAt: z
      .string()
      .nullable()
      .openapi({ description: 'The last request made with the key (to the minute)' }),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    createdByEmail: z.string().nullable(),
  })
  .openapi('ApiKey')

const OrgParam = z.object({ id: z.string() })
const KeyParam = z.object({ id: z.string(), keyId: z.string() })
const tags = ['API keys']

export function apiKeyRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/api-keys',
      tags,
      summary: "The organization's API keys, newest first (owner or admin); secrets are never shown again",
      request: { params: OrgParam },
      responses: {
        200: jsonResponse(z.object({ keys: z.array(ApiKeySchema) }), 'API keys'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        { keys: await listApiKeys({ ctx: actorCtx(c), input: { organizationId: c.req.valid('param').id } }) },
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/api-keys',
      tags,
      summary: 'Create an API key (owner or admin): the secret is in this answer only',
      request: { params: OrgParam, body: jsonBody(CreateApiKeyInput) },
      responses: {
        201: jsonResponse(
          z.object({
            key: ApiKeySchema,
            secret: z.string().openapi({
              description: 'Send it as `Authorization: Bearer <secret>`. Shown once: store it now.',
            }),
          }),
          'Created',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PLAN_REQUIRED'),
      },
    }),
    async (c) => {
      const created = await createApiKey({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
      })
      // The secret is in this body: no cache (browser, proxy) may keep it.
      c.header('Cache-Control', 'no-store')
      return c.json(created, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/organizations/{id}/api-keys/{keyId}',
      tags,
      summary: 'Revoke an API key at once (owner or admin); revoking it again changes nothing',
      request: { params: KeyParam },
      responses: {
        200: jsonResponse(z.object({ key: ApiKeySchema }), 'Revoked'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { id, keyId } = c.req.valid('param')
      return c.json(
        { key: await revokeApiKey({ ctx: actorCtx(c), input: { organizationId: id, keyId } }) },
        200,
      )
    },
  )

  return app
}
