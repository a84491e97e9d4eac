import { createRoute, z } from '@hono/zod-openapi'
import { NUMBER_STATUSES, NUMBER_TYPES } from '../../../shared/enums.js'
import { listNumbers } from '../../core/numbers/list-numbers.js'
import { provisionNumber } from '../../core/numbers/provision-number.js'
import { releaseNumber } from '../../core/numbers/release-number.js'
import { searchNumbers } from '../../core/numbers/search-numbers.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'
import { OrgIdParam } from './organizations.js'

export const PhoneNumberSchema = z
  .object({
    id: z.string(),
    phoneNumber: z.string().openapi({ example: '+14155550123' }),
    provider: z.string(),
    status: z.enum(NUMBER_STATUSES),
    senderStatus: z.string().nullable(),
    failureReason: z.string().nullable(),
    isPrimary: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    releasedAt: z.string().nullable(),
  })
  .openapi('PhoneNumber')

const AvailableNumberSchema = z
  .object({
    phoneNumber: z.string(),
    friendlyName: z.string(),
    isoCountry: z.string(),
    type: z.enum(NUMBER_TYPES),
    locality: z.string().optional(),
    region: z.string().optional(),
  })
  .openapi('AvailableNumber')

const SearchQuery = z
  .object({
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166 alpha-2 country code such as US or RW')
      .transform((c) => c.toUpperCase())
      .openapi({ example: 'US' }),
    type: z.enum(NUMBER_TYPES).default('local'),
    contains: z
      .string()
      .regex(/^[0-9*]{1,10}$/, 'digits only (up to 10)')
      .optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .strict()

const tags = ['Numbers']

export function numberRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/search-numbers',
      tags,
      summary: 'Search numbers that can be provisioned',
      request: { query: SearchQuery },
      responses: {
        200: jsonResponse(z.object({ numbers: z.array(AvailableNumberSchema) }), 'Available numbers'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'PROVIDER_FAILED'),
      },
    }),
    async (c) =>
      c.json({ numbers: await searchNumbers({ ctx: actorCtx(c), input: c.req.valid('query') }) }, 200),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/numbers',
      tags,
      summary: "The organization's numbers (history included)",
      request: { params: OrgIdParam },
      responses: {
        200: jsonResponse(z.object({ numbers: z.array(PhoneNumberSchema) }), 'Numbers, newest first'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        {
          numbers: await listNumbers({
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
      path: '/api/organizations/{id}/provision-number',
      tags,
      summary: 'Buy a number and register it as the WhatsApp sender (owner/admin)',
      description:
        'Reserves the number, buys it with the webhooks pointing at this platform, and registers the WhatsApp sender. ' +
        'The number is `registering` until the sender is online (then `active`) or `failed` with the reason.',
      request: {
        params: OrgIdParam,
        body: jsonBody(
          z.object({ phoneNumber: z.string().min(1).openapi({ example: '+14155550123' }) }).strict(),
        ),
      },
      responses: {
        202: jsonResponse(z.object({ number: PhoneNumberSchema }), 'Bought; registration under way or done'),
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
      const number = await provisionNumber({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, phoneNumber: c.req.valid('json').phoneNumber },
      })
      return c.json({ number }, 202)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/organizations/{id}/provision-number',
      tags,
      summary: "Release the organization's number (owner/admin)",
      request: { params: OrgIdParam },
      responses: {
        200: jsonResponse(z.object({ number: PhoneNumberSchema }), 'Released'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'PROVIDER_FAILED'),
      },
    }),
    async (c) => {
      const number = await releaseNumber({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id },
      })
      return c.json({ number }, 200)
    },
  )

  return app
}
