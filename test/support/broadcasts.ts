// Helpers shared by the broadcast test files (test/broadcasts*.test.ts).
import { randomBytes } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { queryRows } from '../../src/server/db/client.js'
import { contacts, monthlyUsage } from '../../src/server/db/schema/index.js'
import { api, type TestUser } from './factories.js'
import type { FakeTwilio } from './fake-twilio.js'
import type { TestRuntime } from './runtime.js'
import { waitFor } from './wait.js'
import { uniquePhone } from './whatsapp.js'

export interface ContactSeed {
  phone?: string
  name?: string | null
  profileName?: string | null
  optedIn?: boolean
  optedOut?: boolean
  attributes?: Record<string, string>
  tags?: string[]
}

/** Contacts written straight into the table (the contacts API has its own tests). */
export async function addContacts(rt: TestRuntime, organizationId: string, seeds: ContactSeed[]) {
  return rt.services.db
    .insert(contacts)
    .values(
      seeds.map((s) => ({
        organizationId,
        waId: s.phone ?? uniquePhone('+1444'),
        name: s.name === undefined ? 'Ana' : s.name,
        profileName: s.profileName ?? null,
        optedInAt: s.optedIn === false ? null : new Date(),
        optedOut: s.optedOut ?? false,
        optedOutAt: s.optedOut ? new Date() : null,
        attributes: s.attributes ?? {},
        tags: s.tags ?? [],
        lastSeenAt: null,
      })),
    )
    .returning()
}

/** `n` opted-in contacts in one statement, each with an `order` attribute. */
export async function addManyContacts(rt: TestRuntime, organizationId: string, n: number, prefix = '+1999') {
  await rt.services.db.execute(sql`
    insert into contacts (organization_id, wa_id, name, opted_in_at, attributes, last_seen_at)
    select ${organizationId}, ${prefix} || lpad(g::text, 7, '0'), 'Customer ' || g, now(),
      jsonb_build_object('order', 'A-' || g), null
    from generate_series(1, ${n}::int) g`)
}

let seq = 0
/**
 * An approved template made through the templates API against the fake Twilio's Content API
 * (WhatsApp's review decided beforehand).
 */
export async function approvedTemplate(
  rt: TestRuntime,
  twilio: FakeTwilio,
  owner: TestUser,
  organizationId: string,
  body = 'Hi {{1}}, your order {{2}} is ready',
  decision: 'approved' | 'rejected' | 'pending' = 'approved',
) {
  const name = `order_ready_${Date.now().toString(36)}_${seq++}_${randomBytes(2).toString('hex')}`
  twilio.setApproval(name, decision, decision === 'rejected' ? 'Looks like spam' : undefined)
  const examples = Object.fromEntries(
    [...body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => [m[1] ?? '', `example ${m[1]}`]),
  )
  const res = await api(rt, owner, 'POST', `/api/organizations/${organizationId}/templates`, {
    name,
    language: 'en',
    category: 'utility',
    body,
    examples,
  })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  const made = res.body.template as { id: string; name: string; status: string; contentSid: string }
  if (made.status === decision) return made
  // Twilio answers the submission with "received"; the decision shows at the next look.
  const refreshed = await api(
    rt,
    owner,
    'POST',
    `/api/organizations/${organizationId}/templates/${made.id}/refresh`,
  )
  expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200)
  expect(refreshed.body.template.status).toBe(decision)
  return refreshed.body.template as typeof made
}

export async function broadcastOf(rt: TestRuntime, user: TestUser, orgId: string, id: string) {
  const res = await api(rt, user, 'GET', `/api/organizations/${orgId}/broadcasts/${id}`)
  expect(res.status).toBe(200)
  return res.body.broadcast
}

export async function waitForStatus(
  rt: TestRuntime,
  user: TestUser,
  orgId: string,
  id: string,
  status: string,
  timeoutMs = 30_000,
) {
  return waitFor(
    async () => {
      const b = await broadcastOf(rt, user, orgId, id)
      return b.status === status ? b : null
    },
    { what: `broadcast ${status}`, timeoutMs, intervalMs: 200 },
  )
}

/** Recipients of a broadcast with their message (if any), in send order. */
export function recipientRows(rt: TestRuntime, broadcastId: string) {
  return queryRows<{
    wa_id: string
    state: string
    skip_reason: string | null
    message_id: string | null
    provider_message_id: string | null
    status: string | null
  }>(
    rt.services.db,
    sql`select r.wa_id, r.state, r.skip_reason, r.message_id, m.provider_message_id, m.status::text as status
      from broadcast_recipients r left join messages m on m.id = r.message_id
      where r.broadcast_id = ${broadcastId} order by r.position`,
  )
}

/** How many messages the fake Twilio accepted per recipient number, for one sender. */
export function sendsByRecipient(twilio: FakeTwilio, from: string) {
  const out = new Map<string, number>()
  for (const s of twilio.state.sends) {
    if (s.from !== `whatsapp:${from}`) continue
    const to = s.to.replace('whatsapp:', '')
    out.set(to, (out.get(to) ?? 0) + 1)
  }
  return out
}

/** The organization's usage row of the month (a test runs within one month); undefined before any use. */
export async function usageOf(rt: TestRuntime, organizationId: string) {
  const [usage] = await rt.services.db
    .select()
    .from(monthlyUsage)
    .where(eq(monthlyUsage.organizationId, organizationId))
  return usage
}
