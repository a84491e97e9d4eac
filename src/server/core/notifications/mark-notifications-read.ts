import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { notifications } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { BadRequest } from '../errors.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'

/**
 * Marks the caller's own dashboard notifications read: the given ids, or all of them. Ids of
 * someone else's notifications, or of another organization's, are ignored (nothing to reveal).
 */
export async function markNotificationsRead({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; ids?: string[]; all?: boolean }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'dashboard:read')
  if (!input.all && !input.ids?.length) {
    throw new BadRequest('Give the ids to mark read, or all: true', [{ path: 'ids', message: 'required' }])
  }
  const ids = (input.ids ?? []).filter(isUuid)
  if (!input.all && ids.length === 0) return { marked: 0 }
  const marked = await ctx.db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(
      and(
        eq(notifications.organizationId, input.organizationId),
        eq(notifications.userId, ctx.actor.userId),
        eq(notifications.channel, 'dashboard'),
        isNull(notifications.readAt),
        input.all ? undefined : inArray(notifications.id, ids),
      ),
    )
    .returning({ id: notifications.id })
  return { marked: marked.length }
}
