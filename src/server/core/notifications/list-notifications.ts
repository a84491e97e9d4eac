import { and, desc, eq, isNull } from 'drizzle-orm'
import { contacts, conversations, notifications } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { customerLabel } from './attention-messages.js'

/** The caller's dashboard notifications in this organization, newest first (any member). */
export async function listNotifications({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; unread: boolean; limit: number }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'dashboard:read')
  const mine = and(
    eq(notifications.organizationId, input.organizationId),
    eq(notifications.userId, ctx.actor.userId),
    eq(notifications.channel, 'dashboard'),
  )
  const [rows, unread] = await Promise.all([
    ctx.db
      .select({
        id: notifications.id,
        conversationId: notifications.conversationId,
        reason: notifications.reason,
        createdAt: notifications.createdAt,
        readAt: notifications.readAt,
        waId: contacts.waId,
        name: contacts.name,
        profileName: contacts.profileName,
      })
      .from(notifications)
      .innerJoin(conversations, eq(conversations.id, notifications.conversationId))
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(input.unread ? and(mine, isNull(notifications.readAt)) : mine)
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(input.limit),
    ctx.db.$count(notifications, and(mine, isNull(notifications.readAt))),
  ])
  return {
    notifications: rows.map((r) => ({
      id: r.id,
      conversationId: r.conversationId,
      reason: r.reason,
      contactLabel: customerLabel(r),
      createdAt: r.createdAt.toISOString(),
      readAt: r.readAt?.toISOString() ?? null,
    })),
    unreadCount: unread,
  }
}
