import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm'
import { MEMBER_ROLES, type NotificationChannel, type NotificationStatus } from '../../../shared/enums.js'
import {
  contacts,
  conversations,
  memberships,
  messages,
  notificationPreferences,
  notifications,
  organizations,
  user,
} from '../../db/schema/index.js'
import { TelephonyError } from '../../providers/telephony/types.js'
import type { Ctx } from '../context.js'
import { can } from '../members/permissions.js'

/** A run sends within its job's expiry (2 minutes): rows pending longer belong to a run that died. */
const ABANDONED_AFTER_SECONDS = 180

import {
  type AttentionNotice,
  attentionEmail,
  attentionWhatsApp,
  conversationLink,
  customerLabel,
  messagePreview,
} from './attention-messages.js'

/** Members who answer customers are told; viewers only read. */
const NOTIFIED_ROLES = MEMBER_ROLES.filter((role) => can(role, 'conversations:reply'))

/** A member who has not chosen: told in the dashboard and by email, not on WhatsApp. */
export const DEFAULT_PREFERENCES = { dashboard: true, email: true, whatsapp: false } as const

export type NotifyOutcome =
  | { notified: false; reason: 'gone' | 'simulated' | 'handled' }
  | { notified: true; sent: number; failed: number; skipped: number }

interface Member {
  userId: string
  name: string
  email: string
  phone: string | null
}

type Row = typeof notifications.$inferSelect

/**
 * Tells the team that a conversation needs a person, once per episode: one row per member and
 * chosen channel (dashboard, email, WhatsApp to the member's verified number from the platform's
 * shared number). Rows are unique per episode, so a repeated job sends only what it newly
 * inserted, plus what failed before; it throws when something failed that a retry may deliver.
 */
export async function notifyAttention({
  ctx,
  input,
}: {
  ctx: Ctx
  input: { organizationId: string; conversationId: string; episode: string }
}): Promise<NotifyOutcome> {
  const { organizationId, conversationId } = input
  const [conv] = await ctx.db
    .select({
      needsAttention: conversations.needsAttention,
      attentionSince: conversations.attentionSince,
      reason: conversations.attentionReason,
      simulated: contacts.simulated,
      waId: contacts.waId,
      name: contacts.name,
      profileName: contacts.profileName,
      organizationName: organizations.name,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(organizations, eq(organizations.id, conversations.organizationId))
    .where(and(eq(conversations.id, conversationId), eq(conversations.organizationId, organizationId)))
  if (!conv) return { notified: false, reason: 'gone' }
  if (conv.simulated) return { notified: false, reason: 'simulated' }
  // Handled since (a new need is a new episode, with its own job): nobody is told about the old one.
  // Dates read back from the database carry milliseconds, the column microseconds.
  const episode = conv.attentionSince
  if (
    !conv.needsAttention ||
    !episode ||
    Math.abs(episode.getTime() - new Date(input.episode).getTime()) > 1
  ) {
    return { notified: false, reason: 'handled' }
  }

  const members = await ctx.db
    .select({
      userId: user.id,
      name: user.name,
      email: user.email,
      phone: user.phone,
      dashboard: notificationPreferences.dashboard,
      email_: notificationPreferences.email,
      whatsapp: notificationPreferences.whatsapp,
    })
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId))
    .leftJoin(
      notificationPreferences,
      and(
        eq(notificationPreferences.organizationId, memberships.organizationId),
        eq(notificationPreferences.userId, memberships.userId),
      ),
    )
    .where(and(eq(memberships.organizationId, organizationId), inArray(memberships.role, NOTIFIED_ROLES)))

  const sender = ctx.config.sharedNumber
  const wanted: (typeof notifications.$inferInsert)[] = []
  for (const m of members) {
    const chose = {
      dashboard: m.dashboard ?? DEFAULT_PREFERENCES.dashboard,
      email: m.email_ ?? DEFAULT_PREFERENCES.email,
      whatsapp: m.whatsapp ?? DEFAULT_PREFERENCES.whatsapp,
    }
    const row = (channel: NotificationChannel, status: NotificationStatus, error: string | null = null) =>
      wanted.push({
        organizationId,
        conversationId,
        userId: m.userId,
        channel,
        reason: conv.reason ?? 'assistant_unable',
        episode,
        status,
        error,
        sentAt: status === 'sent' ? new Date() : null,
      })
    // The dashboard's notification is the row itself.
    if (chose.dashboard) row('dashboard', 'sent')
    if (chose.email) row('email', 'pending')
    if (chose.whatsapp) {
      if (!sender)
        row('whatsapp', 'skipped', 'The platform has no shared WhatsApp number (TWILIO_PHONE_NUMBER)')
      else if (!m.phone) row('whatsapp', 'skipped', 'No verified WhatsApp number is linked to the account')
      else row('whatsapp', 'pending')
    }
  }
  const inserted =
    wanted.length === 0
      ? []
      : await ctx.db.insert(notifications).values(wanted).onConflictDoNothing().returning()
  // What a previous run could not deliver, claimed row by row so two runs never send it twice: the
  // failed ones, and the pending ones of a run that died while sending (older than a run may live).
  const retried = await ctx.db
    .update(notifications)
    .set({ status: 'pending', error: null, createdAt: sql`now()` })
    .where(
      and(
        eq(notifications.conversationId, conversationId),
        eq(notifications.organizationId, organizationId),
        eq(notifications.episode, episode),
        or(
          eq(notifications.status, 'failed'),
          and(
            eq(notifications.status, 'pending'),
            lt(notifications.createdAt, sql`now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})`),
          ),
        ),
      ),
    )
    .returning()
  const toSend = [...inserted.filter((r) => r.status === 'pending'), ...retried]

  let sent = inserted.filter((r) => r.status === 'sent').length
  let skipped = inserted.filter((r) => r.status === 'skipped').length
  let failed = 0
  let retryable = false
  if (toSend.length > 0) {
    const [last] = await ctx.db
      .select({ body: messages.body })
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, conversationId),
          eq(messages.organizationId, organizationId),
          eq(messages.direction, 'inbound'),
        ),
      )
      .orderBy(desc(messages.createdAt))
      .limit(1)
    const notice: AttentionNotice = {
      organizationName: conv.organizationName,
      customer: customerLabel(conv),
      reason: conv.reason,
      preview: messagePreview(last?.body),
      link: conversationLink(ctx.config.appUrl, organizationId, conversationId),
    }
    const byUser = new Map(members.map((m) => [m.userId, m]))
    for (const row of toSend) {
      const outcome = await deliver(ctx, row, byUser.get(row.userId), notice, sender)
      await ctx.db
        .update(notifications)
        .set({
          status: outcome.status,
          error: outcome.error ?? null,
          sentAt: outcome.status === 'sent' ? sql`now()` : null,
        })
        .where(eq(notifications.id, row.id))
      if (outcome.status === 'failed') {
        failed++
        retryable ||= outcome.retryable
        ctx.log.warn(
          { organizationId, conversationId, userId: row.userId, channel: row.channel, error: outcome.error },
          'attention notification not delivered',
        )
      } else if (outcome.status === 'sent') sent++
      else skipped++
    }
  }
  if (retryable) {
    throw new Error(`${failed} attention notification(s) not delivered; the job retries them`)
  }
  // Rows another run left pending (it may have died mid-send): try again once they count as abandoned.
  const claimed = new Set(toSend.map((r) => r.id))
  const stranded = await ctx.db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.conversationId, conversationId),
        eq(notifications.episode, episode),
        eq(notifications.status, 'pending'),
      ),
    )
  if (stranded.some((r) => !claimed.has(r.id))) {
    throw new Error('attention notifications of an earlier run are still pending; the job looks again later')
  }
  return { notified: true, sent, failed, skipped }
}

type Delivery =
  | { status: 'sent' | 'skipped'; error?: string }
  | { status: 'failed'; error: string; retryable: boolean }

async function deliver(
  ctx: Ctx,
  row: Row,
  member: Member | undefined,
  notice: AttentionNotice,
  sender: string | undefined,
): Promise<Delivery> {
  if (!member) return { status: 'skipped', error: 'No longer a member who answers customers' }
  try {
    if (row.channel === 'email') {
      await ctx.mailer.send(attentionEmail({ email: member.email, name: member.name }, notice))
      return { status: 'sent' }
    }
    if (row.channel === 'whatsapp') {
      if (!sender)
        return {
          status: 'skipped',
          error: 'The platform has no shared WhatsApp number (TWILIO_PHONE_NUMBER)',
        }
      if (!member.phone)
        return { status: 'skipped', error: 'No verified WhatsApp number is linked to the account' }
      await ctx.telephony.sendMessage({ from: sender, to: member.phone, body: attentionWhatsApp(notice) })
      return { status: 'sent' }
    }
    return { status: 'sent' }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    // A number WhatsApp refuses (not on WhatsApp, never wrote to the shared number) stays refused.
    const retryable = !(err instanceof TelephonyError) || err.retryable
    return { status: 'failed', error: message.slice(0, 500), retryable }
  }
}
