import { and, eq, inArray, sql } from 'drizzle-orm'
import type { AttentionReason } from '../../../shared/enums.js'
import { queryRows as rows, type Tx } from '../../db/client.js'
import { encryptMediaItems, writeEncrypted } from '../../db/encrypted-columns.js'
import {
  contacts,
  conversations,
  type inbox,
  messages,
  organizations,
  phoneNumbers,
} from '../../db/schema/index.js'
import { entitlementsOf } from '../billing/entitlements.js'
import { enqueueOverageReport } from '../billing/report-overage.js'
import type { Ctx } from '../context.js'
import { queueAttentionNotice } from '../conversations/attention.js'
import { mergeTermsSql, nameTermsKeyId, termsOf } from '../crypto/blind-index.js'
import { withVariantWelcome } from '../experiments/apply-variant.js'
import { variantFor } from '../experiments/variant-for.js'
import { monthlyLimitOf, sendableLimitOf } from '../organizations/view.js'
import { recordFollowups } from '../quality/customer-followup.js'
import { monthKey } from '../usage/month.js'
import { markLimitReached } from '../usage/usage.js'
import { emitEvent, subscribedOrganizations } from '../webhooks/emit.js'
import { decideBurst } from './decide-burst.js'
import { type Allowance, allocateUsage, countedBy, type Decision, limitNoticeFor } from './decide-reply.js'
import { bareNumber, resolveDestination } from './destination.js'

type InboxRow = typeof inbox.$inferSelect
type OrganizationRow = typeof organizations.$inferSelect
type Source = (typeof messages.$inferSelect)['source']

/** What a batch's planning leaves for the delivery step, and the rows it finished. */
export interface PlannedBatch {
  /** Rows whose replies (if any) are planned and counted: send them next. */
  ready: { row: InboxRow; messageId: string }[]
  /** Rows finished here (nothing to send): unrouted, or with no reply to send. */
  finished: { row: InboxRow; outcome: string }[]
  /** Rows left for a later batch (another row of the same conversation is in this one). */
  deferred: InboxRow[]
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`

/**
 * Turns a batch of inbox rows into contacts, conversations and messages, and plans and counts
 * every reply, in one transaction with set-based statements (a handful per batch, not per
 * message). A row already ingested or planned by an earlier attempt is not done again.
 */
export async function planBatch(ctx: Ctx, batch: InboxRow[], now = new Date()): Promise<PlannedBatch> {
  const result: PlannedBatch = { ready: [], finished: [], deferred: [] }
  const toIngest = batch.filter((r) => !r.messageId)
  let customerMessages: Awaited<ReturnType<typeof ingest>> = []

  // Who each new message is for: the organization whose active number it was sent to (one query
  // for the batch); the platform's shared number and unknown numbers take the general path.
  const numbers = [...new Set(toIngest.map((r) => r.toNumber))]
  const owners = new Map<string, string>()
  if (numbers.length > 0) {
    const found = await ctx.db
      .select({ e164: phoneNumbers.e164, organizationId: phoneNumbers.organizationId })
      .from(phoneNumbers)
      .where(and(inArray(phoneNumbers.e164, numbers), eq(phoneNumbers.status, 'active')))
    for (const f of found) owners.set(f.e164, f.organizationId)
  }
  const routed: { row: InboxRow; organizationId: string }[] = []
  for (const row of toIngest) {
    let organizationId = owners.get(row.toNumber)
    if (!organizationId) organizationId = (await resolveDestination(ctx, row.toNumber, row.fromWaId))?.org.id
    if (organizationId) routed.push({ row, organizationId })
    else {
      ctx.log.warn(
        { to: row.toNumber, sid: row.messageSid },
        'inbound message to a number no organization holds; acknowledged, not answered',
      )
      result.finished.push({ row, outcome: 'unrouted' })
    }
  }

  await ctx.db.transaction(async (tx) => {
    const messageIds = new Map<number, string>(
      batch.filter((r) => r.messageId).map((r) => [r.id, r.messageId as string]),
    )
    const ingested = await ingest(tx, routed, result.deferred)
    for (const { row, messageId } of ingested) messageIds.set(row.id, messageId)
    customerMessages = ingested
    await emitMessagesReceived(ctx, tx, ingested)
    // A row ingested by an earlier attempt was planned in that attempt's transaction.
    const toPlan = batch.filter((r) => messageIds.has(r.id) && !r.messageId)
    const outcomes = await planReplies(
      tx,
      toPlan.map((r) => messageIds.get(r.id) as string),
      now,
      ctx.jobs,
    )
    if (messageIds.size > 0) {
      await tx.execute(sql`
        update inbox set message_id = x.message_id
        from jsonb_to_recordset(${json([...messageIds].map(([id, message_id]) => ({ id, message_id })))}) as x(id bigint, message_id text)
        where inbox.id = x.id`)
    }
    for (const row of batch) {
      const messageId = messageIds.get(row.id)
      if (!messageId) continue
      const outcome = outcomes.get(messageId)
      if (outcome === 'nothing') result.finished.push({ row, outcome: 'no-reply' })
      else if (outcome === 'batched') result.finished.push({ row, outcome: 'batched' })
      else result.ready.push({ row, messageId })
    }
  })
  // What each new message says about the previous answer, or the customer's rating (scoring only).
  await recordFollowups(ctx, customerMessages)
  return result
}

// A new WhatsApp profile name replaces the profile part of the contact's name index (excluded.*
// holds the incoming row's tokens; a null profile name keeps the old ones).
const profileTerms = mergeTermsSql({
  field: 'p',
  existingTerms: sql`contacts.name_terms`,
  existingKey: sql`contacts.name_terms_key`,
  incoming: sql`case when excluded.profile_name is null then null else excluded.name_terms end`,
  incomingKey: sql`excluded.name_terms_key`,
})

/** Contacts, open conversations and messages for the batch's new rows. */
async function ingest(tx: Tx, routed: { row: InboxRow; organizationId: string }[], deferred: InboxRow[]) {
  if (routed.length === 0) return []
  const contactKey = (org: string, waId: string, simulated: boolean) => `${org}|${waId}|${simulated}`
  const uniqueContacts = new Map<
    string,
    {
      org: string
      wa_id: string
      profile_name: string | null
      profile_terms: string[] | null
      terms_key: string
      simulated: boolean
    }
  >()
  for (const { row, organizationId } of routed) {
    const key = contactKey(organizationId, row.fromWaId, row.simulated)
    const seen = uniqueContacts.get(key)
    if (!seen || row.profileName) {
      uniqueContacts.set(key, {
        org: organizationId,
        wa_id: row.fromWaId,
        // Encrypted at rest, with its blind-index tokens (core/crypto/blind-index.ts).
        profile_name: writeEncrypted(row.profileName),
        profile_terms: row.profileName ? termsOf('p', row.profileName) : null,
        terms_key: nameTermsKeyId(),
        simulated: row.simulated,
      })
    }
  }
  const contactRows = await rows<{ id: string; organization_id: string; wa_id: string; simulated: boolean }>(
    tx,
    sql`
      insert into contacts (organization_id, wa_id, profile_name, name_terms, name_terms_key, simulated, last_seen_at)
      select x.org, x.wa_id, x.profile_name, coalesce(x.profile_terms, '{}'::text[]), x.terms_key, x.simulated, now()
      from jsonb_to_recordset(${json([...uniqueContacts.values()])})
        as x(org text, wa_id text, profile_name text, profile_terms text[], terms_key text, simulated boolean)
      on conflict (organization_id, wa_id, simulated) do update
        set last_seen_at = now(), profile_name = coalesce(excluded.profile_name, contacts.profile_name),
          name_terms = ${profileTerms.terms}, name_terms_key = ${profileTerms.key}
      returning id, organization_id, wa_id, simulated`,
  )
  const contactIds = new Map(
    contactRows.map((c) => [contactKey(c.organization_id, c.wa_id, c.simulated), c.id]),
  )

  // One chat per conversation per batch keeps each conversation's messages in order (a burst of
  // one chat is stored in arrival order); the rare other chat (a customer writing to two numbers
  // of one organization) waits for the next batch.
  const chatOf = new Map<string, string>()
  const items: { row: InboxRow; organizationId: string; contactId: string }[] = []
  for (const r of routed) {
    const contactId = contactIds.get(contactKey(r.organizationId, r.row.fromWaId, r.row.simulated)) as string
    const chat = chatOf.get(contactId)
    if (chat !== undefined && chat !== r.row.toNumber) deferred.push(r.row)
    else {
      chatOf.set(contactId, r.row.toNumber)
      items.push({ ...r, contactId })
    }
  }
  const convInput = [...new Map(items.map((i) => [i.contactId, i])).values()].map((i) => ({
    org: i.organizationId,
    contact_id: i.contactId,
    channel: bareNumber(i.row.toNumber),
  }))
  await tx.execute(sql`
    insert into conversations (organization_id, contact_id, channel_number)
    select x.org, x.contact_id, x.channel
    from jsonb_to_recordset(${json(convInput)}) as x(org text, contact_id text, channel text)
    on conflict do nothing`)
  const open = await rows<{ id: string; contact_id: string }>(
    tx,
    sql`
      update conversations cv set last_inbound_at = now(), last_message_at = now(), channel_number = x.channel, updated_at = now(),
        -- The customer wrote again: a conversation the team resolved is open again (the inbox).
        resolved_at = null
      from jsonb_to_recordset(${json(convInput)}) as x(org text, contact_id text, channel text)
      where cv.contact_id = x.contact_id and cv.organization_id = x.org
      returning cv.id, cv.contact_id`,
  )
  const convOf = new Map(open.map((c) => [c.contact_id, c.id]))
  const messageInput = items.map((i, ord) => ({
    org: i.organizationId,
    conv: convOf.get(i.contactId),
    body: writeEncrypted(i.row.body),
    media: encryptMediaItems(i.row.media),
    sid: i.row.messageSid,
    ord,
  }))
  // Rows of one transaction share now(): the wall clock plus the position keeps a burst in order.
  await tx.execute(sql`
    insert into messages (organization_id, conversation_id, direction, body, media, provider_message_id, status, source, created_at)
    select x.org, x.conv, 'inbound', x.body, x.media, x.sid, 'received', 'customer',
           clock_timestamp() + x.ord * interval '1 microsecond'
    from jsonb_to_recordset(${json(messageInput)}) as x(org text, conv text, body text, media jsonb, sid text, ord int)
    on conflict (provider_message_id) do nothing`)
  const stored = await tx
    .select({ id: messages.id, sid: messages.providerMessageId })
    .from(messages)
    .where(
      inArray(
        messages.providerMessageId,
        items.map((i) => i.row.messageSid),
      ),
    )
  const idOf = new Map(stored.map((m) => [m.sid, m.id]))
  return items.map((i) => ({
    row: i.row,
    messageId: idOf.get(i.row.messageSid) as string,
    organizationId: i.organizationId,
    contactId: i.contactId,
    conversationId: convOf.get(i.contactId) as string,
  }))
}

/**
 * `message.received` for the batch's new customer messages, in the transaction that stores them
 * (the dashboard's simulator is not a customer: its messages send no events).
 */
async function emitMessagesReceived(ctx: Ctx, tx: Tx, ingested: Awaited<ReturnType<typeof ingest>>) {
  const real = ingested.filter((i) => !i.row.simulated && i.messageId)
  const subscribed = await subscribedOrganizations(
    tx,
    real.map((i) => i.organizationId),
    'message.received',
  )
  for (const i of real) {
    if (!subscribed.has(i.organizationId)) continue
    await emitEvent(
      tx,
      {
        organizationId: i.organizationId,
        type: 'message.received',
        orderingKey: i.conversationId,
        subjectPhone: i.row.fromWaId,
        data: {
          messageId: i.messageId,
          conversationId: i.conversationId,
          contact: { id: i.contactId, phone: i.row.fromWaId, name: i.row.profileName },
          text: i.row.body,
          media: i.row.media,
          to: bareNumber(i.row.toNumber),
          providerMessageId: i.row.messageSid,
          receivedAt: i.row.receivedAt.toISOString(),
        },
      },
      ctx.jobs,
    )
  }
}

/** `batched`: answered with a later message of its burst (decide-burst.ts). */
type PlanOutcome = 'replies' | 'nothing' | 'batched'

/**
 * Decides and records the replies of these customer messages, counting them against each
 * organization's month: the contacts are locked, each organization's usage row is locked once
 * (in a fixed order) and updated once, at the end.
 */
async function planReplies(
  tx: Tx,
  messageIds: string[],
  now: Date,
  jobs?: Ctx['jobs'],
): Promise<Map<string, PlanOutcome>> {
  const outcomes = new Map<string, PlanOutcome>()
  if (messageIds.length === 0) return outcomes
  const state = await tx
    .select({
      messageId: messages.id,
      body: messages.body,
      organizationId: messages.organizationId,
      conversationId: messages.conversationId,
      contactId: contacts.id,
      waId: contacts.waId,
      optedOut: contacts.optedOut,
      welcomedAt: contacts.welcomedAt,
      simulated: contacts.simulated,
      status: conversations.status,
      outOfHoursNoticeFor: conversations.outOfHoursNoticeFor,
      ratingAskedAt: conversations.ratingAskedAt,
      planned: sql<boolean>`exists (select 1 from messages r where r.reply_to_id = ${messages.id})`,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(inArray(messages.id, messageIds))
    .orderBy(messages.createdAt)
    .for('update', { of: contacts })
  const orgIds = [...new Set(state.map((s) => s.organizationId))].sort()
  const orgs = new Map<string, OrganizationRow>()
  if (orgIds.length > 0) {
    for (const o of await tx.select().from(organizations).where(inArray(organizations.id, orgIds)))
      orgs.set(o.id, o)
  }

  // A conversation's messages of this batch (a burst, oldest first) are decided together.
  const bursts = new Map<string, typeof state>()
  for (const s of state) {
    if (s.planned) continue
    const burst = bursts.get(s.conversationId)
    if (burst) burst.push(s)
    else bursts.set(s.conversationId, [s])
  }
  const plans = [...bursts.values()].flatMap(([head, ...rest]) => {
    if (!head) return []
    const org = orgs.get(head.organizationId) as OrganizationRow
    const chat = {
      optedOut: head.optedOut,
      welcomed: head.welcomedAt !== null,
      conversationStatus: head.status,
      outOfHoursNoticeFor: head.outOfHoursNoticeFor,
      ratingAskedAt: head.ratingAskedAt,
    }
    return decideBurst(chat, [head, ...rest], withEffectiveHours(org), now).map(
      ({ message: s, decision }) => ({
        s,
        org,
        decision,
        allowance: 'all' as Allowance,
      }),
    )
  })
  for (const s of state) if (s.planned) outcomes.set(s.messageId, 'replies')

  // Usage, one organization at a time in id order (two batches never wait on each other in a cycle).
  const overByOrg = new Map<string, string>()
  for (const orgId of orgIds) {
    const mine = plans.filter((p) => p.s.organizationId === orgId && countedBy(p.decision) > 0)
    if (mine.length === 0) continue
    const org = orgs.get(orgId) as OrganizationRow
    const month = monthKey(now, org.businessHours.timezone)
    // Locks the organization's month row (made at zero if new) and reads it, in one statement.
    const [usage] = await rows<{ message_count: number }>(
      tx,
      sql`
        insert into monthly_usage (organization_id, month, message_count) values (${orgId}, ${month}, 0)
        on conflict (organization_id, month) do update set message_count = monthly_usage.message_count
        returning message_count`,
    )
    const { allowances, used } = allocateUsage(
      sendableLimitOf(org) - Number(usage?.message_count ?? 0),
      mine.map((p) => ({
        n: countedBy(p.decision),
        simulated: p.s.simulated,
      })),
    )
    mine.forEach((p, i) => {
      p.allowance = allowances[i] ?? 'over'
    })
    if (used > 0) {
      // The part beyond the included messages is overage, counted under the limit of now.
      await tx.execute(sql`
        update monthly_usage set message_count = message_count + ${used}::int,
          overage_count = overage_count
            + greatest(0, least(${used}::int, message_count + ${used}::int - ${monthlyLimitOf(org)}::int))
        where organization_id = ${orgId} and month = ${month}`)
      // Counted beyond the included messages: billed as overage, reported to billing shortly.
      if (jobs && Number(usage?.message_count ?? 0) + used > monthlyLimitOf(org))
        await enqueueOverageReport(jobs, orgId, tx)
    }
    if (mine.some((p) => p.allowance === 'over' && !p.s.simulated)) await markLimitReached(tx, org, now, jobs)
    if (mine.some((p) => p.allowance === 'over')) overByOrg.set(orgId, month)
  }

  // One limit notice per contact per month.
  const over = plans.filter((p) => p.allowance === 'over')
  const noticed = new Set<string>()
  if (over.length > 0) {
    const inserted = await rows<{ contact_id: string }>(
      tx,
      sql`
        insert into limit_notices (organization_id, contact_id, month)
        select x.org, x.contact_id, x.month from jsonb_to_recordset(${json(
          over.map((p) => ({
            org: p.s.organizationId,
            contact_id: p.s.contactId,
            month: overByOrg.get(p.s.organizationId),
          })),
        )}) as x(org text, contact_id text, month text)
        on conflict do nothing
        returning contact_id`,
    )
    for (const r of inserted) noticed.add(r.contact_id)
  }

  const replies: {
    org: string
    conv: string
    reply_to: string
    source: Source
    body: string
    ord: number
    /** The experiment variant whose welcome this is. */
    variant: string | null
  }[] = []
  // One update per contact and conversation, whatever the burst held (the last STOP/START wins).
  const contactUpdates = new Map<string, { id: string; opted_out: boolean | null; welcome: boolean }>()
  const conversationUpdates = new Map<
    string,
    { id: string; attention: boolean; reason: AttentionReason | null; notify: boolean; period: string | null }
  >()
  const updateContact = (id: string, optedOut: boolean | null, welcome: boolean) => {
    const seen = contactUpdates.get(id)
    contactUpdates.set(id, {
      id,
      opted_out: optedOut ?? seen?.opted_out ?? null,
      welcome: welcome || (seen?.welcome ?? false),
    })
  }
  const updateConversation = (
    id: string,
    attention: { reason: AttentionReason; notify: boolean } | null,
    period: string | null,
  ) => {
    const seen = conversationUpdates.get(id)
    conversationUpdates.set(id, {
      id,
      attention: Boolean(attention) || (seen?.attention ?? false),
      reason: attention?.reason ?? seen?.reason ?? null,
      notify: Boolean(attention?.notify) || (seen?.notify ?? false),
      period: period ?? seen?.period ?? null,
    })
  }
  for (const p of plans) {
    const { s, decision } = p
    // A new customer in a running experiment is welcomed by its variant (sticky: the AI answer
    // gets the same one, experiments/variant-for.ts).
    const variant =
      decision.kind === 'open' && s.welcomedAt === null && p.allowance !== 'over'
        ? await variantFor(tx, { organizationId: s.organizationId, contactId: s.contactId })
        : null
    const add = (source: Source, body: string) =>
      replies.push({
        org: s.organizationId,
        conv: s.conversationId,
        reply_to: s.messageId,
        source,
        body: writeEncrypted(body),
        ord: replies.length,
        variant: source === 'welcome' ? (variant?.variantId ?? null) : null,
      })
    if (p.allowance === 'over') {
      if (noticed.has(s.contactId)) add('limit_notice', limitNoticeFor(p.org.ai, s.body))
      // Nobody answers this customer until next month or an upgrade: a person should know.
      updateConversation(s.conversationId, { reason: 'limit_reached', notify: !s.simulated }, null)
    } else {
      planned(withVariantWelcome(decision, variant?.settings), add)
    }
    if (decision.kind === 'opt') updateContact(s.contactId, decision.optOut, false)
    if (
      (decision.kind === 'open' || decision.kind === 'closed') &&
      s.welcomedAt === null &&
      p.allowance !== 'over'
    ) {
      updateContact(s.contactId, null, true)
    }
    if (decision.kind === 'human') {
      updateConversation(s.conversationId, { reason: 'customer_waiting', notify: !s.simulated }, null)
    }
    if (decision.kind === 'closed' && decision.notice && p.allowance !== 'over') {
      updateConversation(s.conversationId, null, decision.periodKey)
    }
    const answered = replies.some((r) => r.reply_to === s.messageId)
    outcomes.set(s.messageId, answered ? 'replies' : decision.kind === 'batched' ? 'batched' : 'nothing')
  }

  if (replies.length > 0) {
    // Rows of one transaction share now(): the wall clock (plus the position, for clocks too
    // coarse to tell rows apart) keeps a welcome before its answer.
    await tx.execute(sql`
      insert into messages (organization_id, conversation_id, direction, body, status, source, reply_to_id, variant_id, created_at)
      select x.org, x.conv, 'outbound', x.body, 'queued', x.source::message_source, x.reply_to, x.variant,
             clock_timestamp() + x.ord * interval '1 microsecond'
      from jsonb_to_recordset(${json(replies)}) as x(org text, conv text, body text, source text, reply_to text, variant text, ord int)
      on conflict do nothing`)
  }
  if (contactUpdates.size > 0) {
    await tx.execute(sql`
      update contacts c set
        opted_out = coalesce(x.opted_out, c.opted_out),
        opted_out_at = case when x.opted_out is null then c.opted_out_at when x.opted_out then now() else null end,
        welcomed_at = case when x.welcome then coalesce(c.welcomed_at, now()) else c.welcomed_at end
      from jsonb_to_recordset(${json([...contactUpdates.values()])}) as x(id text, opted_out boolean, welcome boolean)
      where c.id = x.id`)
    await emitOptOuts(tx, state, [...contactUpdates.values()], jobs)
  }
  if (conversationUpdates.size > 0) {
    // A conversation that needs a person starts an episode (kept when one runs); the team is told
    // once per episode (core/conversations/attention.ts does the same for single conversations).
    const started = await rows<{
      id: string
      organization_id: string
      episode: Date | string
      notify: boolean
    }>(
      tx,
      sql`
      update conversations cv set
        needs_attention = cv.needs_attention or x.attention,
        attention_reason = case when x.attention then x.reason else cv.attention_reason end,
        attention_since = case when x.attention then coalesce(cv.attention_since, now()) else cv.attention_since end,
        resolved_at = case when x.attention then null else cv.resolved_at end,
        out_of_hours_notice_for = coalesce(x.period, cv.out_of_hours_notice_for),
        updated_at = now()
      from jsonb_to_recordset(${json([...conversationUpdates.values()])})
        as x(id text, attention boolean, reason text, notify boolean, period text)
      where cv.id = x.id
      returning cv.id, cv.organization_id, cv.attention_since as episode,
        (x.attention and x.notify and cv.attention_since = now()) as notify`,
    )
    for (const c of started) {
      if (c.notify && jobs) {
        await queueAttentionNotice(tx, jobs, {
          organizationId: c.organization_id,
          conversationId: c.id,
          episode: c.episode,
        })
      }
    }
  }
  return outcomes
}

/** `contact.opted_out` for the contacts this batch opted out (a STOP from one already out is no news). */
async function emitOptOuts(
  tx: Tx,
  state: {
    contactId: string
    waId: string
    optedOut: boolean
    simulated: boolean
    organizationId: string
    conversationId: string
    messageId: string
  }[],
  updates: { id: string; opted_out: boolean | null }[],
  jobs?: Ctx['jobs'],
) {
  const out = new Set(updates.filter((u) => u.opted_out === true).map((u) => u.id))
  const facts = [
    ...new Map(
      state.filter((s) => out.has(s.contactId) && !s.optedOut && !s.simulated).map((s) => [s.contactId, s]),
    ).values(),
  ]
  const subscribed = await subscribedOrganizations(
    tx,
    facts.map((f) => f.organizationId),
    'contact.opted_out',
  )
  for (const f of facts) {
    if (!subscribed.has(f.organizationId)) continue
    await emitEvent(
      tx,
      {
        organizationId: f.organizationId,
        type: 'contact.opted_out',
        orderingKey: f.conversationId,
        subjectPhone: f.waId,
        data: {
          contact: { id: f.contactId, phone: f.waId },
          conversationId: f.conversationId,
          messageId: f.messageId,
          optedOutAt: new Date().toISOString(),
        },
      },
      jobs,
    )
  }
}

/** The replies a decision makes when its messages fit in the month. */
function planned(decision: Decision, add: (source: Source, body: string) => void) {
  switch (decision.kind) {
    case 'opt':
      if (decision.confirmation) add('opt_out', decision.confirmation)
      return
    case 'closed':
      if (decision.notice) add('out_of_hours', decision.notice)
      return
    case 'open':
      if (decision.welcome) add('welcome', decision.welcome)
      add('ai', '')
      return
    default:
      return
  }
}

/**
 * The organization as the reply decision sees it: business hours apply only while its plan includes
 * them (after a downgrade they are kept, switched off here, and apply again on upgrade).
 */
function withEffectiveHours(org: OrganizationRow): OrganizationRow {
  if (!org.businessHours.enabled || entitlementsOf(org).features.businessHours) return org
  return { ...org, businessHours: { ...org.businessHours, enabled: false } }
}
