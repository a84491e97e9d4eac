import { and, eq, type SQL, sql } from 'drizzle-orm'
import { queryRows, type Tx } from '../../db/client.js'
import { readEncrypted, readVariables } from '../../db/encrypted-columns.js'
import { broadcasts } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { BadRequest, NotFound } from '../errors.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'
import { type RecipientStatus, recipientStatusSql, recipientStatusWhere } from './view.js'

export interface RecipientRow {
  id: string
  contact_id: string | null
  wa_id: string
  display_name: string
  status: RecipientStatus
  skip_reason: string | null
  error_message: string | null
  variables: Record<string, string> | null
  position: number
  sent_at: Date | string | null
  updated_at: Date | string
}

/** The broadcast, if it is this organization's. */
export async function broadcastOf(db: Tx, organizationId: string, broadcastId: string) {
  if (!isUuid(broadcastId)) throw new NotFound('Broadcast')
  const [row] = await db
    .select()
    .from(broadcasts)
    .where(and(eq(broadcasts.id, broadcastId), eq(broadcasts.organizationId, organizationId)))
  if (!row) throw new NotFound('Broadcast')
  return row
}

/** One page of a broadcast's recipients in send order, after `afterPosition`. */
export async function recipientPage(
  db: Tx,
  broadcastId: string,
  opts: { status?: RecipientStatus; afterPosition: number; limit: number },
) {
  const filter: SQL = opts.status ? recipientStatusWhere(opts.status) : sql`true`
  return queryRows<RecipientRow>(
    db,
    sql`select r.id, r.contact_id, r.wa_id,
        coalesce(nullif(c.name, ''), nullif(c.profile_name, ''), r.wa_id) as display_name,
        ${recipientStatusSql} as status, r.skip_reason, m.error_message, r.variables, r.position,
        m.sent_at, greatest(r.updated_at, m.updated_at) as updated_at
      from broadcast_recipients r
        left join messages m on m.id = r.message_id
        left join contacts c on c.id = r.contact_id
      where r.broadcast_id = ${broadcastId} and r.position > ${opts.afterPosition} and ${filter}
      order by r.position
      limit ${opts.limit}`,
  )
}

const isoOf = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString())

export const recipientView = (r: RecipientRow) => ({
  id: r.id,
  contactId: r.contact_id,
  phone: r.wa_id,
  // Raw SQL: the name and the name variable are decrypted here (db/encrypted-columns.ts).
  displayName: readEncrypted(r.display_name),
  status: r.status,
  reason: r.skip_reason ?? (r.status === 'failed' || r.status === 'undelivered' ? r.error_message : null),
  variables: readVariables(r.variables),
  sentAt: isoOf(r.sent_at),
  updatedAt: isoOf(r.updated_at) ?? '',
})

/**
 * A broadcast's recipients in send order, optionally of one status; the cursor is opaque (the
 * last position seen).
 */
export async function listRecipients({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: {
    organizationId: string
    broadcastId: string
    status?: RecipientStatus
    cursor?: string
    limit: number
  }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'broadcasts:read')
  const broadcast = await broadcastOf(ctx.db, input.organizationId, input.broadcastId)
  const after = input.cursor === undefined ? 0 : Number(input.cursor)
  if (!Number.isInteger(after) || after < 0) {
    throw new BadRequest('Invalid input', [{ path: 'cursor', message: 'not a cursor of this list' }])
  }
  const rows = await recipientPage(ctx.db, broadcast.id, {
    status: input.status,
    afterPosition: after,
    limit: input.limit + 1,
  })
  const page = rows.slice(0, input.limit)
  const last = page.at(-1)
  return {
    recipients: page.map(recipientView),
    nextCursor: rows.length > input.limit && last ? String(last.position) : null,
  }
}
