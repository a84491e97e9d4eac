import { KEY_SCOPE, type Permission } from '../core/members/permissions.js'
import type { createRouter } from './router.js'

type OpenApiDocument = ReturnType<ReturnType<typeof createRouter>['getOpenAPI31Document']>

/** The routes an API key may call at all (http/middleware/api-key-auth.ts); the rest are the account's. */
export const ORGANIZATION_ROUTE = /^\/api\/(?:v1\/)?organizations\/\{[^}]+\}(?:\/|$)/

/**
 * The permission each organization route checks in core (its `authorizeOrganization` call), by
 * `METHOD /path` as in the OpenAPI document. The scope an API key needs follows from it through
 * KEY_SCOPE, so the document states the same rule the code applies; test/api-key-scopes.test.ts
 * calls every GET with real keys to hold the two together, and fails on a route missing here.
 */
export const ROUTE_PERMISSIONS: Record<string, Permission> = {
  // The organization itself, its numbers, its people.
  'GET /api/organizations/{id}': 'org:read',
  'PATCH /api/organizations/{id}': 'org:update',
  'DELETE /api/organizations/{id}': 'org:delete',
  'GET /api/organizations/{id}/numbers': 'org:read',
  'POST /api/organizations/{id}/provision-number': 'numbers:manage',
  'DELETE /api/organizations/{id}/provision-number': 'numbers:manage',
  'GET /api/organizations/{id}/members': 'dashboard:read',
  'POST /api/organizations/{id}/members': 'members:manage',
  'PATCH /api/organizations/{id}/members/{userId}': 'members:manage',
  // Leaving needs dashboard:read, removing another members:manage: both people-only.
  'DELETE /api/organizations/{id}/members/{userId}': 'members:manage',
  'GET /api/organizations/{id}/invitations': 'members:manage',
  // Billing (people only).
  'GET /api/organizations/{id}/billing': 'dashboard:read',
  'PUT /api/organizations/{id}/billing/plan': 'org:billing',
  'POST /api/organizations/{id}/billing/checkout': 'org:billing',
  'POST /api/organizations/{id}/billing/portal': 'org:billing',
  'POST /api/organizations/{id}/billing/sync': 'org:billing',
  'PUT /api/organizations/{id}/billing/overage': 'org:billing',
  'GET /api/organizations/{id}/billing/invoices': 'org:billing',
  'GET /api/organizations/{id}/billing/upcoming': 'org:billing',
  'DELETE /api/organizations/{id}/invitations/{invitationId}': 'members:manage',
  // Knowledge.
  'GET /api/organizations/{id}/knowledge': 'knowledge:read',
  'POST /api/organizations/{id}/knowledge': 'knowledge:write',
  'PUT /api/organizations/{id}/knowledge/profile': 'knowledge:write',
  'POST /api/organizations/{id}/knowledge/files': 'knowledge:write',
  'POST /api/organizations/{id}/knowledge/ask': 'knowledge:read',
  'GET /api/organizations/{id}/knowledge/{sourceId}': 'knowledge:read',
  'PATCH /api/organizations/{id}/knowledge/{sourceId}': 'knowledge:write',
  'DELETE /api/organizations/{id}/knowledge/{sourceId}': 'knowledge:write',
  'POST /api/organizations/{id}/train': 'knowledge:write',
  // Conversations.
  'GET /api/organizations/{id}/conversations': 'conversations:read',
  'GET /api/organizations/{id}/conversations/{conversationId}': 'conversations:read',
  'POST /api/organizations/{id}/conversations/{conversationId}/take-over': 'conversations:reply',
  'POST /api/organizations/{id}/conversations/{conversationId}/hand-back': 'conversations:reply',
  'POST /api/organizations/{id}/conversations/{conversationId}/reply': 'conversations:reply',
  'POST /api/organizations/{id}/conversations/{conversationId}/template': 'conversations:reply',
  // The inbox (issue 18). Resolve and reopen are conversation actions (keys: messages:send).
  // Assignment and notes are people-only: core checks dashboard:read (no key scope), then the role
  // (conversations:reply to write; deleting another's note needs inbox:manage).
  'POST /api/organizations/{id}/conversations/{conversationId}/resolve': 'conversations:reply',
  'POST /api/organizations/{id}/conversations/{conversationId}/reopen': 'conversations:reply',
  'POST /api/organizations/{id}/conversations/{conversationId}/assign': 'dashboard:read',
  'GET /api/organizations/{id}/conversations/{conversationId}/notes': 'dashboard:read',
  'POST /api/organizations/{id}/conversations/{conversationId}/notes': 'dashboard:read',
  'DELETE /api/organizations/{id}/conversations/{conversationId}/notes/{noteId}': 'dashboard:read',
  // Canned replies: the business's stock text, read like conversations; written by owners and admins.
  'GET /api/organizations/{id}/canned-replies': 'conversations:read',
  'POST /api/organizations/{id}/canned-replies': 'inbox:manage',
  'PATCH /api/organizations/{id}/canned-replies/{replyId}': 'inbox:manage',
  'DELETE /api/organizations/{id}/canned-replies/{replyId}': 'inbox:manage',
  // Contacts, tags, segments, imports.
  'GET /api/organizations/{id}/contacts': 'contacts:read',
  'POST /api/organizations/{id}/contacts': 'contacts:write',
  'POST /api/organizations/{id}/contacts/tags': 'contacts:write',
  'POST /api/organizations/{id}/contacts/count': 'contacts:read',
  'POST /api/organizations/{id}/contacts/imports/preview': 'contacts:write',
  'POST /api/organizations/{id}/contacts/imports': 'contacts:write',
  'GET /api/organizations/{id}/contacts/imports': 'contacts:read',
  'GET /api/organizations/{id}/contacts/imports/{importId}': 'contacts:read',
  'GET /api/organizations/{id}/contacts/{contactId}': 'contacts:read',
  'PATCH /api/organizations/{id}/contacts/{contactId}': 'contacts:write',
  'DELETE /api/organizations/{id}/contacts/{contactId}': 'contacts:delete',
  'GET /api/organizations/{id}/tags': 'contacts:read',
  'POST /api/organizations/{id}/tags': 'contacts:write',
  'PATCH /api/organizations/{id}/tags/{tagId}': 'contacts:write',
  'DELETE /api/organizations/{id}/tags/{tagId}': 'contacts:write',
  'GET /api/organizations/{id}/segments': 'contacts:read',
  'POST /api/organizations/{id}/segments': 'contacts:write',
  'GET /api/organizations/{id}/segments/{segmentId}': 'contacts:read',
  'PATCH /api/organizations/{id}/segments/{segmentId}': 'contacts:write',
  'DELETE /api/organizations/{id}/segments/{segmentId}': 'contacts:write',
  // Stats and the simulator (sending as a pretend customer is a knowledge editor's test).
  'GET /api/organizations/{id}/stats': 'stats:read',
  'GET /api/organizations/{id}/quality': 'stats:read',
  'GET /api/organizations/{id}/quality-settings': 'org:read',
  'PUT /api/organizations/{id}/quality-settings': 'org:update',
  // Unanswered questions → knowledge, and A/B tests of the assistant (issue 18).
  'GET /api/organizations/{id}/unanswered': 'stats:read',
  'POST /api/organizations/{id}/unanswered/{groupId}/faq-draft': 'knowledge:write',
  'GET /api/organizations/{id}/experiments': 'stats:read',
  'POST /api/organizations/{id}/experiments': 'experiments:manage',
  'GET /api/organizations/{id}/experiments/{eid}': 'stats:read',
  'POST /api/organizations/{id}/experiments/{eid}/end': 'experiments:manage',
  'POST /api/organizations/{id}/experiments/{eid}/promote': 'experiments:manage',
  'GET /api/organizations/{id}/analytics': 'stats:read',
  'GET /api/organizations/{id}/analytics/{chart}.csv': 'stats:read',
  'POST /api/organizations/{id}/simulator/messages': 'knowledge:write',
  'GET /api/organizations/{id}/simulator/messages': 'dashboard:read',
  // Broadcasts and templates.
  'POST /api/organizations/{id}/broadcasts/preview': 'broadcasts:read',
  'POST /api/organizations/{id}/broadcasts': 'broadcasts:send',
  'GET /api/organizations/{id}/broadcasts': 'broadcasts:read',
  'GET /api/organizations/{id}/broadcasts/{broadcastId}': 'broadcasts:read',
  'GET /api/organizations/{id}/broadcasts/{broadcastId}/recipients': 'broadcasts:read',
  'GET /api/organizations/{id}/broadcasts/{broadcastId}/recipients.csv': 'broadcasts:read',
  'POST /api/organizations/{id}/broadcasts/{broadcastId}/cancel': 'broadcasts:send',
  'GET /api/organizations/{id}/templates': 'templates:read',
  'POST /api/organizations/{id}/templates': 'templates:manage',
  'GET /api/organizations/{id}/templates/{templateId}': 'templates:read',
  'DELETE /api/organizations/{id}/templates/{templateId}': 'templates:manage',
  'POST /api/organizations/{id}/templates/{templateId}/refresh': 'templates:manage',
  // The open platform: keys, webhooks, exports, privacy, the audit log (owners and admins, people only).
  'GET /api/organizations/{id}/api-keys': 'developers:manage',
  'POST /api/organizations/{id}/api-keys': 'developers:manage',
  'DELETE /api/organizations/{id}/api-keys/{keyId}': 'developers:manage',
  'GET /api/organizations/{id}/webhooks': 'developers:manage',
  'POST /api/organizations/{id}/webhooks': 'developers:manage',
  'GET /api/organizations/{id}/webhooks/{webhookId}/secret': 'developers:manage',
  'PATCH /api/organizations/{id}/webhooks/{webhookId}': 'developers:manage',
  'DELETE /api/organizations/{id}/webhooks/{webhookId}': 'developers:manage',
  'POST /api/organizations/{id}/webhooks/{webhookId}/test': 'developers:manage',
  'GET /api/organizations/{id}/webhooks/{webhookId}/deliveries': 'developers:manage',
  'GET /api/organizations/{id}/webhooks/{webhookId}/deliveries/{deliveryId}': 'developers:manage',
  'POST /api/organizations/{id}/webhooks/{webhookId}/deliveries/{deliveryId}/replay': 'developers:manage',
  'GET /api/organizations/{id}/exports/download-now': 'data:export',
  'POST /api/organizations/{id}/exports': 'data:export',
  'GET /api/organizations/{id}/exports': 'data:export',
  'GET /api/organizations/{id}/exports/{exportId}': 'data:export',
  'DELETE /api/organizations/{id}/exports/{exportId}': 'data:export',
  'GET /api/organizations/{id}/privacy': 'privacy:manage',
  'PUT /api/organizations/{id}/privacy/retention': 'privacy:manage',
  'GET /api/organizations/{id}/privacy/customers/{phone}/export': 'privacy:manage',
  'POST /api/organizations/{id}/privacy/customers/{phone}/erase': 'privacy:manage',
  'GET /api/organizations/{id}/audit-log': 'audit:read',
  // Live updates and each member's own notifications (people only).
  'GET /api/organizations/{id}/live': 'dashboard:read',
  'GET /api/organizations/{id}/notification-preferences': 'dashboard:read',
  'PUT /api/organizations/{id}/notification-preferences': 'dashboard:read',
  'GET /api/organizations/{id}/notifications': 'dashboard:read',
  'POST /api/organizations/{id}/notifications/read': 'dashboard:read',
  // The public v1 surface.
  'POST /api/v1/organizations/{id}/messages': 'conversations:reply',
  'GET /api/v1/organizations/{id}/conversations': 'conversations:read',
  'GET /api/v1/organizations/{id}/conversations/{conversationId}/messages': 'conversations:read',
  'GET /api/v1/organizations/{id}/contacts': 'contacts:read',
  'GET /api/v1/organizations/{id}/knowledge/sources': 'knowledge:read',
  'POST /api/v1/organizations/{id}/knowledge/train': 'knowledge:write',
  'GET /api/v1/organizations/{id}/stats': 'stats:read',
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

export const SECURITY_SCHEMES = {
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'better-auth.session_token',
    description:
      'The dashboard’s session, set by signing in through /api/auth/* (named `__Secure-better-auth.session_token` over https).',
  },
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'wak_…',
    description:
      'An organization’s API key (`Authorization: Bearer wak_…`), made by an owner or admin under Developers. ' +
      'It reaches only its organization’s routes, within its scopes (listed on each operation). ' +
      'API access is part of the Enterprise plan: a key of an organization whose plan lacks it answers 402 PLAN_REQUIRED.',
  },
} as const

export const PEOPLE_ONLY = 'Not available to API keys.'

/** What an API key needs for `METHOD /path`: a scope, any key (null), or never (undefined). */
export function keyScopeOf(method: string, path: string) {
  const permission = ROUTE_PERMISSIONS[`${method.toUpperCase()} ${path}`]
  return permission === undefined ? undefined : KEY_SCOPE[permission]
}

/**
 * Declares how to authenticate: the security schemes, and on each organization route either
 * the API key scope it needs or that it is for people only. A route missing from ROUTE_PERMISSIONS
 * is declared people-only (the safe claim) until it is added.
 */
export function withApiSecurity(doc: OpenApiDocument): OpenApiDocument {
  doc.info = {
    ...doc.info,
    description: `${doc.info.description ?? ''} Or, on an organization's routes, an API key: \`Authorization: Bearer wak_…\`.`,
  }
  doc.components = {
    ...doc.components,
    securitySchemes: { ...doc.components?.securitySchemes, ...SECURITY_SCHEMES },
  }
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!ORGANIZATION_ROUTE.test(path)) continue
    for (const method of METHODS) {
      const operation = item[method]
      if (!operation) continue
      const scope = keyScopeOf(method, path)
      if (scope === undefined) {
        operation.security = [{ session: [] }]
        operation.description = [operation.description, PEOPLE_ONLY].filter(Boolean).join('\n\n')
      } else {
        operation.security = [{ session: [] }, { apiKey: scope === null ? [] : [scope] }]
        const needs =
          scope === null ? 'API keys: any key of the organization.' : `API keys: scope \`${scope}\`.`
        operation.description = [operation.description, needs].filter(Boolean).join('\n\n')
      }
    }
  }
  return doc
}
