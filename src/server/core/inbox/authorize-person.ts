import type { ActorCtx } from '../context.js'
import { Forbidden } from '../errors.js'
import { authorizeOrganization, can, type Permission } from '../members/permissions.js'

/**
 * For the inbox's people-only actions (assignment, notes): a signed-in member whose role grants
 * `permission`. `dashboard:read` (no API key scope) refuses keys with 403 and another tenant with
 * 404; the role is then checked against `permission`. ROUTE_PERMISSIONS lists these routes under
 * `dashboard:read`, which is what a key is told: not for keys.
 */
export async function authorizePerson(ctx: ActorCtx, organizationId: string, permission: Permission) {
  const { role } = await authorizeOrganization(ctx, organizationId, 'dashboard:read')
  if (!can(role, permission)) throw new Forbidden(`A ${role} cannot do this`)
  return { role }
}
