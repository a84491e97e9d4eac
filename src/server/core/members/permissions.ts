import { and, eq } from 'drizzle-orm'
import type { ApiScope, MemberRole } from '../../../shared/enums.js'
import { memberships, organizations } from '../../db/schema/index.js'
import type { ApiKeyActor, Ctx } from '../context.js'
import { dbOf } from '../context.js'
import { Forbidden, NotFound, Unauthorized } from '../errors.js'

export type { MemberRole }

export type Permission =
  | 'org:read'
  | 'org:update' // settings, welcome message, business hours, AI settings
  | 'org:billing' // plan and monthly limit
  | 'org:delete'
  | 'numbers:manage'
  | 'knowledge:write'
  | 'members:manage'
  | 'conversations:reply' // take over, reply, hand back (and send an approved template in a chat)
  | 'contacts:write' // edit contacts, tag them, import, segments
  | 'contacts:delete' // delete a contact and its conversation
  | 'templates:manage' // create, submit and delete WhatsApp templates
  | 'broadcasts:send' // create, schedule and cancel broadcasts
  // Reading, by area (every member reads everything; API keys only the areas of their scopes).
  | 'conversations:read'
  | 'contacts:read'
  | 'knowledge:read'
  | 'templates:read'
  | 'broadcasts:read'
  | 'stats:read'
  | 'dashboard:read' // people-only reading: the member list, the simulator
  // The open platform (issue 16).
  | 'developers:manage' // API keys and webhook subscriptions
  | 'data:export' // conversation, contact and usage exports
  | 'privacy:manage' // a customer's data export and erasure, the retention policy
  | 'audit:read' // the organization's audit log
  // The team's view of its assistant (issue 18).
  | 'inbox:manage' // canned replies the team shares
  | 'experiments:manage' // A/B tests of the assistant, and promoting a variant

const grants: Record<MemberRole, readonly Permission[]> = {
  owner: [
    'org:read',
    'org:update',
    'org:billing',
    'org:delete',
    'numbers:manage',
    'knowledge:write',
    'members:manage',
    'conversations:reply',
    'contacts:write',
    'contacts:delete',
    'templates:manage',
    'broadcasts:send',
    'conversations:read',
    'contacts:read',
    'knowledge:read',
    'templates:read',
    'broadcasts:read',
    'stats:read',
    'dashboard:read',
    'developers:manage',
    'data:export',
    'privacy:manage',
    'audit:read',
    'inbox:manage',
    'experiments:manage',
  ],
  admin: [
    'org:read',
    'org:update',
    'numbers:manage',
    'knowledge:write',
    'members:manage',
    'conversations:reply',
    'contacts:write',
    'contacts:delete',
    'templates:manage',
    'broadcasts:send',
    'conversations:read',
    'contacts:read',
    'knowledge:read',
    'templates:read',
    'broadcasts:read',
    'stats:read',
    'dashboard:read',
    'developers:manage',
    'data:export',
    'privacy:manage',
    'audit:read',
    'inbox:manage',
    'experiments:manage',
  ],
  // Agents talk to customers: they keep contacts and send broadcasts with the templates the
  // owner or an admin made, but do not write templates (what the business says in its name to
  // many people) nor delete customers' records.
  agent: [
    'org:read',
    'conversations:reply',
    'contacts:write',
    'broadcasts:send',
    'conversations:read',
    'contacts:read',
    'knowledge:read',
    'templates:read',
    'broadcasts:read',
    'stats:read',
    'dashboard:read',
  ],
  viewer: [
    'org:read',
    'conversations:read',
    'contacts:read',
    'knowledge:read',
    'templates:read',
    'broadcasts:read',
    'stats:read',
    'dashboard:read',
  ],
}

export const can = (role: MemberRole, permission: Permission) => grants[role].includes(permission)

/**
 * The scope an API key needs for a permission: `null` (any key of the organization may, e.g. read
 * the organization itself); absent (never by key: people-only areas such as members, numbers,
 * settings, billing, keys, webhooks, exports, privacy and the audit log).
 */
export const KEY_SCOPE: Partial<Record<Permission, ApiScope | null>> = {
  'org:read': null,
  'conversations:read': 'conversations:read',
  'conversations:reply': 'messages:send',
  'contacts:read': 'contacts:read',
  'contacts:write': 'contacts:write',
  'knowledge:read': 'knowledge:read',
  'knowledge:write': 'knowledge:write',
  'templates:read': 'templates:read',
  'broadcasts:read': 'broadcasts:read',
  'broadcasts:send': 'broadcasts:send',
  'stats:read': 'stats:read',
}

/** Throws unless the key may act for `permission` in `organizationId` (404 another tenant, 403 scope). */
export function authorizeKey(key: ApiKeyActor, organizationId: string, permission: Permission) {
  if (key.organizationId !== organizationId) throw new NotFound('Organization')
  const scope = KEY_SCOPE[permission]
  if (scope === undefined) throw new Forbidden('API keys cannot do this; sign in to the dashboard')
  if (scope !== null && !key.scopes.includes(scope)) {
    throw new Forbidden(`This API key lacks the scope ${scope}`)
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Ids are UUIDs: anything else cannot name a row (and would be a database type error). */
export const isUuid = (id: string) => UUID.test(id)

/**
 * The one authorization check: the actor must be a member of this (business) organization
 * with a role that grants `permission`. Not a member, or no such organization → 404, so another
 * tenant's existence is never revealed; a member without the permission → 403.
 */
export async function authorizeOrganization(
  ctx: Ctx,
  organizationId: string,
  permission: Permission,
): Promise<{ role: MemberRole }> {
  if (!ctx.actor) throw new Unauthorized()
  if (!isUuid(organizationId)) throw new NotFound('Organization')
  if (ctx.actor.apiKey) {
    authorizeKey(ctx.actor.apiKey, organizationId, permission)
    // A key acts with its scopes, never with a person's role: the role-dependent rules (members,
    // owners) are on routes keys cannot reach; `agent` is the least that passes the scope check.
    return { role: 'agent' }
  }
  const [row] = await dbOf(ctx)
    .select({ role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(
      and(
        eq(memberships.organizationId, organizationId),
        eq(memberships.userId, ctx.actor.userId),
        eq(organizations.kind, 'business'),
      ),
    )
    .limit(1)
  if (!row) throw new NotFound('Organization')
  if (!can(row.role, permission)) throw new Forbidden(`A ${row.role} cannot do this`)
  return { role: row.role }
}
