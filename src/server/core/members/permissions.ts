import { and, eq } from 'drizzle-orm'
import type { MemberRole } from '../../../shared/enums.js'
import { memberships, organizations } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
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
  ],
  // Agents talk to customers: they keep contacts and send broadcasts with the templates the
  // owner or an admin made, but do not write templates (what the business says in its name to
  // many people) nor delete customers' records.
  agent: ['org:read', 'conversations:reply', 'contacts:write', 'broadcasts:send'],
  viewer: ['org:read'],
}

export const can = (role: MemberRole, permission: Permission) => grants[role].includes(permission)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Ids are UUIDs: anything else cannot name a row (and would be a database type error). */
export const isUuid = (id: string) => UUID.test(id)

/**
 * The one authorization check: the actor must be a member of this (business) organization
 * with a role that grants `permission`. Not a member, or no such organization → 404, so another
 * tenant's existence is never revealed; a member without the permission → 403.
 */
export async function authorizeOrganization(ctx: Ctx, organizationId: string, permission: Permission) {
  if (!ctx.actor) throw new Unauthorized()
  if (!isUuid(organizationId)) throw new NotFound('Organization')
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
