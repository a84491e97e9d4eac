import { createRoute, z } from '@hono/zod-openapi'
import { listNotifications } from '../../core/notifications/list-notifications.js'
import { markNotificationsRead } from '../../core/notifications/mark-notifications-read.js'
import {
  getNotificationPreferences,
  setNotificationPreferences,
} from '../../core/notifications/notification-preferences.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'
import { OrgIdParam } from './organizations.js'

const tags = ['Notifications']

const PreferencesSchema = z
  .object({
    dashboard: z.boolean(),
    email: z.boolean(),
    whatsapp: z.boolean().openapi({ description: 'To the WhatsApp number verified on your account' }),
  })
  .openapi('NotificationPreferences')

const PreferencesView = z.object({
  preferences: PreferencesSchema,
  whatsappPhone: z.string().nullable().openapi({ description: 'Your verified WhatsApp number, if any' }),
  whatsappAvailable: z
    .boolean()
    .openapi({ description: 'Whether this platform can send WhatsApp notifications (has a shared number)' }),
})

const NotificationSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    reason: z.string().openapi({
      description: 'customer_asked, assistant_unable, customer_waiting, limit_reached or send_failed',
    }),
    contactLabel: z.string().openapi({ description: 'The customer’s name and number' }),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .openapi('Notification')

const YES = z
  .enum(['1', 'true', '0', 'false'])
  .transform((v) => v === '1' || v === 'true')
  .optional()

export function notificationRoutes() {
  const app = createRouter()
  const path = '/api/organizations/{id}/notification-preferences'
  app.openapi(
    createRoute({
      method: 'get',
      path,
      tags,
      summary: 'How you are told that a conversation needs a person (your own choice, any member)',
      description: 'Without a choice: in the dashboard and by email, not on WhatsApp.',
      request: { params: OrgIdParam },
      responses: {
        200: jsonResponse(PreferencesView, 'Your preferences in this organization'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        await getNotificationPreferences({
          ctx: actorCtx(c),
          input: { organizationId: c.req.valid('param').id },
        }),
        200,
      ),
  )
  app.openapi(
    createRoute({
      method: 'put',
      path,
      tags,
      summary: 'Choose how you are told that a conversation needs a person',
      description:
        'WhatsApp needs a number linked to your account and verified by a code: 409 with `details.reason` PHONE_NOT_VERIFIED otherwise.',
      request: { params: OrgIdParam, body: jsonBody(PreferencesSchema.strict()) },
      responses: {
        200: jsonResponse(PreferencesView, 'Saved'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) =>
      c.json(
        await setNotificationPreferences({
          ctx: actorCtx(c),
          input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
        }),
        200,
      ),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/notifications',
      tags,
      summary: 'Your dashboard notifications: conversations that needed a person, newest first',
      request: {
        params: OrgIdParam,
        query: z.object({
          unread: YES.openapi({ description: '`1`: only the unread ones' }),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
      responses: {
        200: jsonResponse(
          z.object({ notifications: z.array(NotificationSchema), unreadCount: z.number().int() }),
          'Your notifications, and how many are unread in all',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      return c.json(
        await listNotifications({
          ctx: actorCtx(c),
          input: { organizationId: c.req.valid('param').id, unread: q.unread ?? false, limit: q.limit },
        }),
        200,
      )
    },
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/notifications/read',
      tags,
      summary: 'Mark your dashboard notifications read: some by id, or all',
      request: {
        params: OrgIdParam,
        body: jsonBody(
          z
            .object({
              ids: z.array(z.string().max(100)).max(500).optional(),
              all: z.literal(true).optional(),
            })
            .strict(),
        ),
      },
      responses: {
        200: jsonResponse(z.object({ marked: z.number().int() }), 'How many were newly marked read'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        await markNotificationsRead({
          ctx: actorCtx(c),
          input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
        }),
        200,
      ),
  )
  return app
}
