import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../src/server/db/client.js'
import {
  auditLog,
  contacts,
  conversations,
  inbox,
  messages,
  monthlyUsage,
} from '../src/server/db/schema/index.js'
import { defined } from './support/defined.js'
import { api, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { ownerWithOrganization } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, messageSid, uniquePhone } from './support/whatsapp.js'

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000)

/** A contact with messages of the given ages (days), an inbox row per message, and a usage row. */
async function orgWithHistory(ages: number[]) {
  const { owner, org } = await ownerWithOrganization(rt)
  const number = await giveActiveNumber(rt, org.id)
  const phone = uniquePhone('+1444')
  const [c] = await rt.services.db
    .insert(contacts)
    .values({ organizationId: org.id, waId: phone, name: 'Old' })
    .returning()
  const contact = defined(c, 'contact')
  const [cv] = await rt.services.db
    .insert(conversations)
    .values({ organizationId: org.id, contactId: contact.id, channelNumber: number })
    .returning()
  const conversation = defined(cv, 'conversation')
  await rt.services.db.insert(messages).values(
    ages.map((age) => ({
      organizationId: org.id,
      conversationId: conversation.id,
      direction: 'inbound' as const,
      body: `${age} days old`,
      status: 'received' as const,
      source: 'customer' as const,
      createdAt: daysAgo(age),
    })),
  )
  await rt.services.db.insert(inbox).values(
    ages.map((age) => ({
      messageSid: messageSid(),
      toNumber: number,
      fromWaId: phone,
      body: `${age} days old`,
      receivedAt: daysAgo(age),
      doneAt: daysAgo(age),
      outcome: 'answered',
    })),
  )
  await rt.services.db
    .insert(monthlyUsage)
    .values({ organizationId: org.id, month: '2020-01', messageCount: 42 })
  return { owner, org, number, contact, conversation }
}

const bodiesOf = async (conversationId: string) =>
  (
    await rt.services.db
      .select({ body: messages.body })
      .from(messages)
      .where(eq(messages.conversationId, conversationId))
  )
    .map((m) => m.body)
    .sort()

const inboxOf = async (number: string) =>
  (await rt.services.db.select({ body: inbox.body }).from(inbox).where(eq(inbox.toNumber, number)))
    .map((m) => m.body)
    .sort()

describe('retention', () => {
  let owner: TestUser
  let orgId: string

  it('shows and sets the policy (audited), in the organization view too', async () => {
    ;({
      owner,
      org: { id: orgId },
    } = await ownerWithOrganization(rt))
    const before = await api(rt, owner, 'GET', `/api/organizations/${orgId}/privacy`)
    expect(before.status).toBe(200)
    expect(before.body).toEqual({ retentionDays: null, lastRetentionRunAt: null })
    const set = await api(rt, owner, 'PUT', `/api/organizations/${orgId}/privacy/retention`, {
      retentionDays: 90,
    })
    expect(set.status).toBe(200)
    expect(set.body).toEqual({ retentionDays: 90 })
    expect((await api(rt, owner, 'GET', `/api/organizations/${orgId}/privacy`)).body.retentionDays).toBe(90)
    expect((await api(rt, owner, 'GET', `/api/organizations/${orgId}`)).body.organization.retentionDays).toBe(
      90,
    )
    const off = await api(rt, owner, 'PUT', `/api/organizations/${orgId}/privacy/retention`, {
      retentionDays: null,
    })
    expect(off.body).toEqual({ retentionDays: null })
    const entries = await rt.services.db
      .select({ details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, orgId), eq(auditLog.action, 'retention.changed')))
      .orderBy(auditLog.createdAt)
    expect(entries.map((e) => e.details)).toEqual([
      { from: null, to: 90 },
      { from: 90, to: null },
    ])
  })

  it('refuses a bad policy with 400, nothing changed', async () => {
    for (const retentionDays of [0, 3651, 1.5, '30', undefined]) {
      const res = await api(rt, owner, 'PUT', `/api/organizations/${orgId}/privacy/retention`, {
        retentionDays,
      })
      expect(res.status, String(retentionDays)).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
    }
    expect((await api(rt, owner, 'GET', `/api/organizations/${orgId}/privacy`)).body.retentionDays).toBeNull()
  })

  it('the hourly job deletes only the old messages of organizations with a policy', async () => {
    const kept = await orgWithHistory([40, 10, 1])
    const policy = await orgWithHistory([400, 40, 29, 1])
    const res = await api(rt, policy.owner, 'PUT', `/api/organizations/${policy.org.id}/privacy/retention`, {
      retentionDays: 30,
    })
    expect(res.status).toBe(200)

    await rt.services.jobs.send('privacy.retention', {})
    await waitFor(async () => (await bodiesOf(policy.conversation.id)).length === 2, {
      what: 'old messages deleted',
    })

    expect(await bodiesOf(policy.conversation.id)).toEqual(['1 days old', '29 days old'])
    expect(await inboxOf(policy.number)).toEqual(['1 days old', '29 days old'])
    expect(await bodiesOf(kept.conversation.id)).toEqual(['1 days old', '10 days old', '40 days old'])
    expect(await inboxOf(kept.number)).toHaveLength(3)
    // Conversations, contacts and counts stay.
    const [conv] = await rt.services.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, policy.conversation.id))
    expect(conv).toBeDefined()
    const [contact] = await rt.services.db.select().from(contacts).where(eq(contacts.id, policy.contact.id))
    expect(contact?.name).toBe('Old')
    const [usage] = await queryRows<{ n: number }>(
      rt.services.db,
      sql`select message_count as n from monthly_usage where organization_id = ${policy.org.id} and month = '2020-01'`,
    )
    expect(usage?.n).toBe(42)
    // The dashboard shows when the policy was last applied.
    const shown = await api(rt, policy.owner, 'GET', `/api/organizations/${policy.org.id}/privacy`)
    expect(Date.parse(shown.body.lastRetentionRunAt)).toBeGreaterThan(Date.now() - 60_000)
    const untouched = await api(rt, kept.owner, 'GET', `/api/organizations/${kept.org.id}/privacy`)
    expect(untouched.body.lastRetentionRunAt).toBeNull()
  })
})
