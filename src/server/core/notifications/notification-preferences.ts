import { and, eq, sql } from 'drizzle-orm'
import { notificationPreferences, user } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { DEFAULT_PREFERENCES } from './notify-attention.js'

export interface NotificationPreferences {
  dashboard: boolean
  email: boolean
  whatsapp: boolean
}

/** How the caller is told, in this organization, that a conversation needs a person (any member). */
export async function getNotificationPreferences({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'dashboard:read')
  return readPreferences(ctx, input.organizationId)
}

/**
 * Sets the caller's own choice. WhatsApp needs a number linked to the account and proven by a
 * code (the account page): 409 PHONE_NOT_VERIFIED otherwise.
 */
export async function setNotificationPreferences({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string } & NotificationPreferences
}) {
  await authorizeOrganization(ctx, input.organizationId, 'dashboard:read')
  const { organizationId, dashboard, email, whatsapp } = input
  if (whatsapp) {
    const [me] = await ctx.db.select({ phone: user.phone }).from(user).where(eq(user.id, ctx.actor.userId))
    if (!me?.phone) {
      throw new Conflict('Link and verify your WhatsApp number on your account page first', {
        reason: 'PHONE_NOT_VERIFIED',
      })
    }
  }
  const values = { dashboard, email, whatsapp }
  await ctx.db
    .insert(notificationPreferences)
    .values({ organizationId, userId: ctx.actor.userId, ...values })
    .onConflictDoUpdate({
      target: [notificationPreferences.organizationId, notificationPreferences.userId],
      set: { ...values, updatedAt: sql`now()` },
    })
  return readPreferences(ctx, organizationId)
}

async function readPreferences(ctx: ActorCtx, organizationId: string) {
  const [[row], [me]] = await Promise.all([
    ctx.db
      .select({
        dashboard: notificationPreferences.dashboard,
        email: notificationPreferences.email,
        whatsapp: notificationPreferences.whatsapp,
      })
      .from(notificationPreferences)
      .where(
        and(
          eq(notificationPreferences.organizationId, organizationId),
          eq(notificationPreferences.userId, ctx.actor.userId),
        ),
      ),
    ctx.db.select({ phone: user.phone }).from(user).where(eq(user.id, ctx.actor.userId)),
  ])
  return {
    preferences: row ?? { ...DEFAULT_PREFERENCES },
    /** The verified number WhatsApp notifications go to, or null (WhatsApp cannot be chosen). */
    whatsappPhone: me?.phone ?? null,
    /** Whether the platform can send WhatsApp notifications at all (it has a shared number). */
    whatsappAvailable: Boolean(ctx.config.sharedNumber),
  }
}
