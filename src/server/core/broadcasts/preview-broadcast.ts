import { eq, sql } from 'drizzle-orm'
import { renderTemplate } from '../../../shared/template-text.js'
import { queryRows } from '../../db/client.js'
import { readEncrypted, readVariables } from '../../db/encrypted-columns.js'
import { organizations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import {
  approvedTemplate,
  audienceRows,
  checkVariableSources,
  countAudience,
  messagesLeftThisMonth,
  resolveAudience,
} from './audience.js'
import { BROADCAST_LIMITS, type PreviewBroadcastInput } from './schemas.js'

/**
 * What a broadcast would do, before it is made: the audience's size, who would be skipped and
 * why, the messages left this month, and the text a few recipients would read.
 */
export async function previewBroadcast({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: PreviewBroadcastInput & { organizationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'broadcasts:read')
  const [org] = await ctx.db.select().from(organizations).where(eq(organizations.id, input.organizationId))
  if (!org) throw new NotFound('Organization')
  const template = await approvedTemplate(ctx.db, org.id, input.templateId)
  checkVariableSources(template, input.variables)
  const rows = audienceRows(await resolveAudience(ctx.db, org.id, input.audience), input.variables, null)
  const counts = await countAudience(ctx.db, rows)
  const samples = await queryRows<{
    contact_id: string
    wa_id: string
    name: string | null
    profile_name: string | null
    vars: Record<string, string>
  }>(
    ctx.db,
    sql`select contact_id, wa_id, name, profile_name, vars from (${rows}) a
      where reason is null order by position limit ${BROADCAST_LIMITS.samples}`,
  )
  return {
    ...counts,
    remaining: await messagesLeftThisMonth(ctx.db, org),
    samples: samples.map((s) => ({
      contactId: s.contact_id,
      phone: s.wa_id,
      // Raw SQL: names and the name variable are decrypted here (db/encrypted-columns.ts).
      displayName: readEncrypted(s.name) || readEncrypted(s.profile_name) || s.wa_id,
      text: renderTemplate(template.body, readVariables(s.vars)),
    })),
  }
}
