import { and, eq, type SQL, sql } from 'drizzle-orm'
import { templateVariables } from '../../../shared/template-text.js'
import { queryRows, type Tx } from '../../db/client.js'
import { contacts, monthlyUsage, type organizations, segments, templates } from '../../db/schema/index.js'
import type { BroadcastAudience, VariableSource } from '../../db/schema/outreach.js'
import { contactFilterWhere } from '../contacts/contact-filter.js'
import { BadRequest, Conflict, NotFound } from '../errors.js'
import { isUuid } from '../members/permissions.js'
import { usableTimeZone } from '../organizations/time-zones.js'
import { sendableLimitOf } from '../organizations/view.js'
import { monthKey } from '../usage/month.js'

type OrganizationRow = typeof organizations.$inferSelect
type TemplateRow = typeof templates.$inferSelect

// The audience of a broadcast as one set-based query over `contacts`: each contact once, in send
// order, with its variables' values and, when it cannot be messaged, why. The preview counts it,
// creating a broadcast inserts it (INSERT … SELECT): the numbers shown are the rows written.

export const organizationZone = (org: OrganizationRow) => usableTimeZone(org.businessHours.timezone)

/** Messages the organization may still send this (billing) month, billed overage included. */
export async function messagesLeftThisMonth(db: Tx, org: OrganizationRow, now = new Date()) {
  const [row] = await db
    .select({ used: monthlyUsage.messageCount })
    .from(monthlyUsage)
    .where(
      and(
        eq(monthlyUsage.organizationId, org.id),
        eq(monthlyUsage.month, monthKey(now, org.businessHours.timezone)),
      ),
    )
  return Math.max(0, sendableLimitOf(org) - (row?.used ?? 0))
}

/** The organization's template, approved for sending; 404 when not its own, 409 with the status otherwise. */
export async function approvedTemplate(
  db: Tx,
  organizationId: string,
  templateId: string,
): Promise<TemplateRow> {
  if (!isUuid(templateId)) throw new NotFound('Template')
  const [template] = await db
    .select()
    .from(templates)
    .where(and(eq(templates.id, templateId), eq(templates.organizationId, organizationId)))
  if (!template) throw new NotFound('Template')
  if (template.status !== 'approved' || !template.contentSid) {
    throw new Conflict(
      `The template "${template.name}" is ${template.status}: only approved templates can be sent`,
      {
        reason: 'TEMPLATE_NOT_APPROVED',
        status: template.status,
      },
    )
  }
  return template
}

/**
 * Every variable of the template needs a source, and a source must name a variable the template
 * has: a 400 naming the variables missing (`details.missing`) or unknown (`details.unknown`).
 */
export function checkVariableSources(template: TemplateRow, variables: Record<string, VariableSource>) {
  const wanted = templateVariables(template.body)
  const missing = wanted.filter((n) => !variables[n])
  const unknown = Object.keys(variables).filter((n) => !wanted.includes(n))
  if (missing.length > 0) {
    throw new BadRequest(
      `Say where ${missing.map((n) => `{{${n}}}`).join(', ')} come${missing.length === 1 ? 's' : ''} from`,
      {
        missing,
        ...(unknown.length > 0 ? { unknown } : {}),
      },
    )
  }
  if (unknown.length > 0) {
    throw new BadRequest(`The template has no ${unknown.map((n) => `{{${n}}}`).join(', ')}`, {
      missing,
      unknown,
    })
  }
}

/** Which contacts the audience names: the join and the condition over `contacts`, and the send order. */
interface AudienceSql {
  join: SQL
  where: SQL
  order: SQL
}

export async function resolveAudience(
  db: Tx,
  organizationId: string,
  audience: BroadcastAudience,
): Promise<AudienceSql> {
  if (audience.kind === 'contacts') {
    // Each contact once, in the order given.
    const ids = [...new Set(audience.contactIds)]
    if (ids.some((id) => !isUuid(id)))
      throw new BadRequest('Invalid input', [{ path: 'audience.contactIds', message: 'not a contact id' }])
    return {
      join: sql`join unnest(string_to_array(${ids.join(',')}::text, ',')) with ordinality as chosen(id, ord) on chosen.id = ${contacts.id}`,
      where: and(eq(contacts.organizationId, organizationId), eq(contacts.simulated, false)) ?? sql`false`,
      order: sql`chosen.ord`,
    }
  }
  let filter = audience.kind === 'filter' ? audience.filter : undefined
  if (audience.kind === 'segment') {
    if (!isUuid(audience.segmentId)) throw new NotFound('Segment')
    const [segment] = await db
      .select({ filter: segments.filter })
      .from(segments)
      .where(and(eq(segments.id, audience.segmentId), eq(segments.organizationId, organizationId)))
    if (!segment) throw new NotFound('Segment')
    filter = segment.filter
  }
  return { join: sql``, where: contactFilterWhere(organizationId, filter ?? {}), order: sql`0` }
}

/** The value of one variable for the contact of the current row (null: the contact has none). */
function valueSql(source: VariableSource): SQL {
  switch (source.from) {
    case 'name':
      // The stored (encrypted) name: decrypted where the variables are rendered or sent
      // (readVariables in db/encrypted-columns.ts); an empty name stays empty when stored.
      return sql`coalesce(nullif(${contacts.name}, ''), nullif(${contacts.profileName}, ''))`
    case 'phone':
      return sql`${contacts.waId}`
    case 'attribute':
      return sql`coalesce(nullif(btrim(${contacts.attributes} ->> ${source.key}::text), ''), ${source.fallback ?? null}::text)`
    case 'text':
      return sql`${source.value}::text`
  }
}

/**
 * The audience's rows: contact_id, wa_id, name, profile_name, vars (jsonb, the values found),
 * position (1…, the send order), reason (why it is skipped, or null). A contact is skipped when an
 * earlier one has the same number (digits compared), it opted out, it never opted in, or one of
 * its variables has no value. With `remaining`, sendable contacts past that many are `over_limit`.
 */
export function audienceRows(
  aud: AudienceSql,
  variables: Record<string, VariableSource>,
  remaining: number | null,
): SQL {
  const entries = Object.entries(variables).sort(([a], [b]) => Number(a) - Number(b))
  const vars =
    entries.length === 0
      ? sql`'{}'::jsonb`
      : sql`jsonb_strip_nulls(jsonb_build_object(${sql.join(
          entries.map(([n, source]) => sql`${n}::text, ${valueSql(source)}`),
          sql`, `,
        )}))`
  const missing =
    entries.length === 0
      ? sql`false`
      : sql`(${sql.join(
          entries.map(([, s]) => sql`${valueSql(s)} is null`),
          sql` or `,
        )})`
  return sql`
    with aud as (
      select ${contacts.id} as contact_id, ${contacts.waId} as wa_id, ${contacts.name} as name,
        ${contacts.profileName} as profile_name, ${contacts.optedOut} as opted_out,
        ${contacts.optedInAt} is not null as opted_in, ${aud.order} as ord, ${contacts.firstSeenAt} as first_seen_at,
        ${vars} as vars, ${missing} as missing
      from ${contacts} ${aud.join}
      where ${aud.where}
    ), ranked as (
      select aud.*,
        row_number() over (order by ord, first_seen_at, contact_id) as position,
        row_number() over (
          partition by regexp_replace(wa_id, '[^0-9]', '', 'g') order by ord, first_seen_at, contact_id
        ) as dup
      from aud
    ), reasons as (
      select ranked.*,
        case
          when dup > 1 then 'duplicate_number'
          when opted_out then 'opted_out'
          when not opted_in then 'no_consent'
          when missing then 'missing_variables'
        end as reason0
      from ranked
    )
    select contact_id, wa_id, name, profile_name, vars, position::int as position,
      case
        when reason0 is null and ${remaining}::int is not null
          and sum(case when reason0 is null then 1 else 0 end) over (order by position) > ${remaining}::int
        then 'over_limit'
        else reason0
      end as reason
    from reasons`
}

export interface AudienceCounts {
  total: number
  sendable: number
  skipped: { opted_out: number; no_consent: number; duplicate_number: number; missing_variables: number }
}

export async function countAudience(db: Tx, rows: SQL): Promise<AudienceCounts> {
  const [c] = await queryRows<{
    total: number
    sendable: number
    opted_out: number
    no_consent: number
    duplicate_number: number
    missing_variables: number
  }>(
    db,
    sql`select count(*)::int as total,
      count(*) filter (where reason is null)::int as sendable,
      count(*) filter (where reason = 'opted_out')::int as opted_out,
      count(*) filter (where reason = 'no_consent')::int as no_consent,
      count(*) filter (where reason = 'duplicate_number')::int as duplicate_number,
      count(*) filter (where reason = 'missing_variables')::int as missing_variables
    from (${rows}) a`,
  )
  return {
    total: c?.total ?? 0,
    sendable: c?.sendable ?? 0,
    skipped: {
      opted_out: c?.opted_out ?? 0,
      no_consent: c?.no_consent ?? 0,
      duplicate_number: c?.duplicate_number ?? 0,
      missing_variables: c?.missing_variables ?? 0,
    },
  }
}
