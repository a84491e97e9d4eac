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
  | 'conversations:reply' // take over, reply, hand back

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
  ],
  admin: [
    'org:read',
    'org:update',
    'numbers:manage',
    'knowledge:write',
    'members:manage',
    'conversations:reply',
  ],
  agent: ['org:read', 'conversations:reply'],
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
