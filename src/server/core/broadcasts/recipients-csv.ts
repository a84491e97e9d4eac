import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { broadcastOf, recipientPage, recipientView } from './list-recipients.js'

const PAGE = 1000
export const CSV_COLUMNS = [
  'phone',
  'name',
  'status',
  'reason',
  'sent_at',
  'updated_at',
  'variables',
] as const

/**
 * A CSV field: quoted when it holds a comma, quote or line break; text a spreadsheet would run as a
 * formula (=, +, -, @ first — customers choose their own WhatsApp names) is prefixed with '.
 */
export function csvField(value: string | null): string {
  if (value === null) return ''
  const safe = /^[=+\-@\t\r]/.test(value) && !/^\+\d+$/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/**
 * A broadcast's results as CSV lines (header first), read a page at a time so a large broadcast
 * never sits in memory whole. Authorization and the 404 happen before the first line.
 */
export async function recipientsCsv({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; broadcastId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'broadcasts:read')
  const broadcast = await broadcastOf(ctx.db, input.organizationId, input.broadcastId)
  async function* lines() {
    yield `${CSV_COLUMNS.join(',')}\r\n`
    let after = 0
    for (;;) {
      const rows = await recipientPage(ctx.db, broadcast.id, { afterPosition: after, limit: PAGE })
      let chunk = ''
      for (const row of rows) {
        const r = recipientView(row)
        const vars = Object.entries(r.variables)
          .map(([k, v]) => `{{${k}}}=${v}`)
          .join('; ')
        chunk += `${[r.phone, r.displayName, r.status, r.reason, r.sentAt, r.updatedAt, vars].map(csvField).join(',')}\r\n`
      }
      if (chunk) yield chunk
      const last = rows.at(-1)
      if (!last || rows.length < PAGE) return
      after = last.position
    }
  }
  return { name: broadcast.name, lines }
}
