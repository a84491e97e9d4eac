import { and, asc, eq, sql } from 'drizzle-orm'
import type { z } from 'zod'
import { oneRow, queryRows } from '../../db/client.js'
import { broadcasts, organizations, phoneNumbers } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { BadRequest, Conflict, NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import {
  approvedTemplate,
  audienceRows,
  checkVariableSources,
  messagesLeftThisMonth,
  organizationZone,
  resolveAudience,
} from './audience.js'
import type { CreateBroadcastSchema } from './schemas.js'
import { resolveSendAt } from './send-at.js'
import { broadcastViews } from './view.js'

export type CreateBroadcastFields = z.output<typeof CreateBroadcastSchema>

/** The organization's active WhatsApp numbers, oldest first (the first is the default sender). */
export async function activeNumbers(ctx: ActorCtx, organizationId: string) {
  const rows = await ctx.db
    .select({ e164: phoneNumbers.e164 })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.organizationId, organizationId), eq(phoneNumbers.status, 'active')))
    .orderBy(asc(phoneNumbers.createdAt))
  return rows.map((r) => r.e164)
}

/**
 * Makes a broadcast: checks the template, the variables, the sender and the time, then writes
 * every recipient in one INSERT … SELECT (skipped ones with why) and enqueues the sending job in
 * the same transaction, to start now or at `sendAt`. More sendable recipients than messages left
 * this month is a 409 with the numbers, unless `upToLimit`: then those past the limit are skipped.
 */
export async function createBroadcast({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: CreateBroadcastFields & { organizationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'broadcasts:send')
  const [org] = await ctx.db.select().from(organizations).where(eq(organizations.id, input.organizationId))
  if (!org) throw new NotFound('Organization')
  const template = await approvedTemplate(ctx.db, org.id, input.templateId)
  checkVariableSources(template, input.variables)

  const numbers = await activeNumbers(ctx, org.id)
  const fromNumber = input.fromNumber ?? numbers[0]
  if (fromNumber === undefined) {
    throw new Conflict('The organization has no active WhatsApp number to send from', {
      reason: 'NO_ACTIVE_NUMBER',
    })
  }
  if (!numbers.includes(fromNumber)) {
    throw new BadRequest('Invalid input', [
      { path: 'fromNumber', message: `${fromNumber} is not one of this organization's active numbers` },
    ])
  }

  const timeZone = organizationZone(org)
  const now = new Date()
  const sendAt = resolveSendAt(input.sendAt, timeZone, now)
  const scheduled = sendAt.getTime() > now.getTime()
  const audience = await resolveAudience(ctx.db, org.id, input.audience)
  // The month the broadcast starts in is the one it counts against.
  const remaining = await messagesLeftThisMonth(ctx.db, org, sendAt)

  const broadcastId = await ctx.db.transaction(async (tx) => {
    const created = oneRow(
      await tx
        .insert(broadcasts)
        .values({
          organizationId: org.id,
          name: input.name,
          templateId: template.id,
          variables: input.variables,
          audience: input.audience,
          fromNumber,
          status: scheduled ? 'scheduled' : 'sending',
          sendAt,
          upToLimit: input.upToLimit,
          createdBy: ctx.actor.userId,
          startedAt: scheduled ? null : now,
        })
        .returning({ id: broadcasts.id }),
      'broadcast',
    )
    const rows = audienceRows(audience, input.variables, input.upToLimit ? remaining : null)
    await tx.execute(sql`
      insert into broadcast_recipients
        (organization_id, broadcast_id, contact_id, wa_id, state, skip_reason, variables, position)
      select ${org.id}, ${created.id}, contact_id, wa_id,
        (case when reason is null then 'pending' else 'skipped' end)::recipient_state,
        reason::skip_reason, vars, position
      from (${rows}) a
      on conflict (broadcast_id, wa_id) do nothing`)
    const counts = oneRow(
      await queryRows<{ total: number; pending: number; over_limit: number }>(
        tx,
        sql`select count(*)::int as total,
          count(*) filter (where state = 'pending')::int as pending,
          count(*) filter (where skip_reason = 'over_limit')::int as over_limit
        from broadcast_recipients where broadcast_id = ${created.id}`,
      ),
      'recipient count',
    )
    // Throwing rolls the broadcast and its recipients back.
    if (counts.total === 0) {
      throw new BadRequest('Invalid input', [{ path: 'audience', message: 'This audience has no contacts' }])
    }
    const needed = counts.pending + counts.over_limit
    if (needed > remaining && (!input.upToLimit || counts.pending === 0)) {
      throw new Conflict(
        `This broadcast needs ${needed} messages and the organization has ${remaining} left this month`,
        { reason: 'OVER_LIMIT', needed, remaining },
      )
    }
    if (counts.pending === 0) {
      throw new BadRequest('Invalid input', [
        {
          path: 'audience',
          message: 'Nobody in this audience can be messaged (opted out, no consent, or missing variables)',
        },
      ])
    }
    await tx.update(broadcasts).set({ recipientCount: counts.total }).where(eq(broadcasts.id, created.id))
    await recordAudit(
      ctx,
      {
        organizationId: org.id,
        action: 'broadcast.created',
        target: { type: 'broadcast', id: created.id },
        details: {
          name: input.name,
          templateId: template.id,
          recipients: counts.total,
          sendAt: sendAt.toISOString(),
        },
      },
      tx,
    )
    // Enqueued with the rows, to run now: a scheduled broadcast's first step sees it is not due
    // and waits (a delayed job enqueued inside a transaction is refused by pg-boss's SQL).
    await ctx.jobs.send('broadcasts.send', { organizationId: org.id, broadcastId: created.id }, { tx })
    return created.id
  })
  // A job enqueued in a transaction is invisible until the commit: wake the workers now.
  ctx.jobs.wake('broadcasts.send')
  const [view] = await broadcastViews(ctx.db, org.id, { id: broadcastId, limit: 1 })
  if (!view) throw new NotFound('Broadcast')
  return view
}
