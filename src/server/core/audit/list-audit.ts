import { and, desc, eq, type SQL, sql } from 'drizzle-orm'
import { auditLog } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { BadRequest } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { decodeKeyCursor, encodeKeyCursor } from '../public-api/cursor.js'

export interface ListAuditInput {
  organizationId: string
  /** `member.removed` (one action) or `member` (every action of the area). */
  action?: string
  cursor?: string
  limit: number
}

/** An action name (`area.verb`) or an area alone. */
export const AUDIT_ACTION_FILTER = /^[a-z_]{1,40}(\.[a-z_]{1,40})?$/

type AuditRow = typeof auditLog.$inferSelect

export const auditEntryView = (r: AuditRow) => ({
  id: r.id,
  actorLabel: r.actorLabel,
  action: r.action,
  targetType: r.targetType,
  targetId: r.targetId,
  details: r.details,
  ip: r.ip,
  userAgent: r.userAgent,
  createdAt: r.createdAt.toISOString(),
})

export type AuditEntryView = ReturnType<typeof auditEntryView>

/** The organization's audit log, newest first (owners and admins), a page at a time. */
export async function listAudit({ ctx, input }: { ctx: ActorCtx; input: ListAuditInput }) {
  await authorizeOrganization(ctx, input.organizationId, 'audit:read')
  const where: (SQL | undefined)[] = [eq(auditLog.organizationId, input.organizationId)]
  if (input.action !== undefined) {
    if (!AUDIT_ACTION_FILTER.test(input.action)) {
      throw new BadRequest('Invalid input', [
        { path: 'action', message: 'an action such as member.removed, or an area such as member' },
      ])
    }
    where.push(
      input.action.includes('.')
        ? eq(auditLog.action, input.action)
        : sql`left(${auditLog.action}, ${input.action.length + 1}) = ${`${input.action}.`}`,
    )
  }
  if (input.cursor !== undefined) {
    const [createdAt, id] = decodeKeyCursor(input.cursor)
    const t = sql`${createdAt}::timestamptz`
    where.push(
      sql`(${auditLog.createdAt} < ${t} or (${auditLog.createdAt} = ${t} and ${auditLog.id} < ${id}))`,
    )
  }
  const rows = await ctx.db
    .select({ entry: auditLog, createdAtKey: sql<string>`${auditLog.createdAt}::text` })
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(input.limit + 1)
  const page = rows.slice(0, input.limit)
  const last = page.at(-1)
  return {
    entries: page.map((r) => auditEntryView(r.entry)),
    nextCursor:
      rows.length > input.limit && last ? encodeKeyCursor([last.createdAtKey, last.entry.id]) : null,
  }
}
