import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decryptText, encryptText } from '../src/server/core/crypto/encryption.js'
import { queryRows } from '../src/server/db/client.js'
import {
  auditLog,
  broadcastRecipients,
  broadcasts,
  contacts,
  conversations,
  dataExports,
  messages,
  monthlyUsage,
  templates,
  webhookDeliveries,
  webhookEndpoints,
} from '../src/server/db/schema/index.js'
import { defined, first } from './support/defined.js'
import { addMember, api, signUp, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { ownerWithOrganization } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, messageSid, postTwilio, uniquePhone } from './support/whatsapp.js'

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime()
})
afterAll(async () => {
  await rt?.close()
})

const enc = encodeURIComponent

/**
 * A customer who wrote in through the signed webhook (inbox, contact, conversation, the reply),
 * then got a name, notes, attributes and tags, a broadcast message and a webhook delivery.
 */
async function customer(orgId: string, number: string, who: { name: string; text: string }) {
  const phone = uniquePhone('+1444')
  const sid = messageSid()
  const res = await postTwilio(
    rt,
    '/api/whatsapp/webhook',
    inboundParams({ from: phone, to: number, body: who.text, profileName: `${who.name} WA`, sid }),
  )
  expect(res.status).toBe(200)
  const contact = await waitFor(async () => {
    const [c] = await rt.services.db
      .select()
      .from(contacts)
      .where(and(eq(contacts.organizationId, orgId), eq(contacts.waId, phone)))
    return c
  })
  const conversation = await waitFor(async () => {
    const [c] = await rt.services.db
      .select()
      .from(conversations)
      .where(eq(conversations.contactId, contact.id))
    return c
  })
  // The pipeline is done with the message once it is answered.
  await waitFor(async () => {
    const rows = await rt.services.db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.conversationId, conversation.id), eq(messages.direction, 'outbound')))
    return rows.length > 0
  })
  await rt.services.db
    .update(contacts)
    .set({
      name: who.name,
      notes: `Notes about ${who.name}`,
      attributes: { order: `${who.name}-ORDER` },
      tags: ['vip'],
    })
    .where(eq(contacts.id, contact.id))
  const [outbound] = await rt.services.db
    .insert(messages)
    .values({
      organizationId: orgId,
      conversationId: conversation.id,
      direction: 'outbound',
      body: `Hello ${who.name}, your offer`,
      media: [{ url: `https://media.example/${who.name}.jpg`, contentType: 'image/jpeg' }],
      status: 'delivered',
      source: 'broadcast',
    })
    .returning()
  return { phone, contact, conversation, outbound: defined(outbound, 'message') }
}

/** Every text-like value of every table in the public schema, with enc1: tokens decrypted. */
async function everyStoredText(): Promise<{ where: string; text: string }[]> {
  const cols = await queryRows<{ table_name: string; column_name: string }>(
    rt.services.db,
    sql`select c.table_name, c.column_name from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
          and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
  )
  expect(cols.length).toBeGreaterThan(50)
  const out: { where: string; text: string }[] = []
  for (const c of cols) {
    const rows = await queryRows<{ v: string }>(
      rt.services.db,
      sql`select ${sql.identifier(c.column_name)}::text as v from ${sql.identifier(c.table_name)}
          where ${sql.identifier(c.column_name)} is not null`,
    )
    for (const r of rows) {
      const tokens = r.v.match(/enc1:[\w-]+:[\w-]+/g) ?? []
      const plain = tokens.map((t) => decryptText(t)).join('\n')
      out.push({ where: `${c.table_name}.${c.column_name}`, text: `${r.v}\n${plain}` })
    }
  }
  return out
}

describe('a customer’s data (GDPR art. 15 and 17)', () => {
  let owner: TestUser
  let org: { id: string; name: string }
  let number: string
  let zeb: Awaited<ReturnType<typeof customer>>
  let yan: Awaited<ReturnType<typeof customer>>
  let broadcastId: string

  beforeAll(async () => {
    ;({ owner, org } = await ownerWithOrganization(rt))
    number = await giveActiveNumber(rt, org.id)
    zeb = await customer(org.id, number, { name: 'Zebulon Quux', text: 'zeb secret question 7f3a' })
    yan = await customer(org.id, number, { name: 'Yannick Vole', text: 'yan other question 9c1d' })
    const [tpl] = await rt.services.db
      .insert(templates)
      .values({
        organizationId: org.id,
        name: 'offer',
        language: 'en',
        category: 'marketing',
        body: 'Hello {{1}}',
      })
      .returning()
    const [b] = await rt.services.db
      .insert(broadcasts)
      .values({
        organizationId: org.id,
        name: 'Spring',
        templateId: defined(tpl, 'template').id,
        variables: { 1: { from: 'name' } },
        audience: { kind: 'contacts', contactIds: [zeb.contact.id, yan.contact.id] },
        fromNumber: number,
        status: 'completed',
        sendAt: new Date(),
        recipientCount: 2,
      })
      .returning()
    broadcastId = defined(b, 'broadcast').id
    await rt.services.db.insert(broadcastRecipients).values(
      [zeb, yan].map((c, i) => ({
        organizationId: org.id,
        broadcastId,
        contactId: c.contact.id,
        waId: c.phone,
        state: 'messaged' as const,
        variables: { 1: encryptText(defined(c.contact.profileName, 'profile name')) },
        messageId: c.outbound.id,
        position: i,
      })),
    )
    const [endpoint] = await rt.services.db
      .insert(webhookEndpoints)
      .values({
        organizationId: org.id,
        url: 'https://hooks.example/in',
        events: ['message.received'],
        secret: encryptText('whsec_test'),
        enabled: false,
        disabledReason: 'test',
      })
      .returning()
    for (const c of [zeb, yan]) {
      await rt.services.db.insert(webhookDeliveries).values({
        id: `msg_${c.contact.id.replaceAll('-', '')}`,
        endpointId: defined(endpoint, 'endpoint').id,
        organizationId: org.id,
        eventType: 'message.received',
        payload: encryptText(
          JSON.stringify({
            type: 'message.received',
            data: { from: c.phone, text: `${c.contact.profileName} wrote` },
          }),
        ),
        subjectPhone: c.phone,
        status: 'failed',
      })
    }
  })

  it('exports everything held on the number as a JSON attachment (audited, number masked)', async () => {
    const res = await rt.request(`/api/organizations/${org.id}/privacy/customers/${enc(zeb.phone)}/export`, {
      headers: { cookie: owner.cookie },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="customer-\d+\.json"$/)
    const body = await res.json()
    expect(body.phone).toBe(zeb.phone)
    expect(first(body.contacts)).toMatchObject({
      phone: zeb.phone,
      name: 'Zebulon Quux',
      profileName: 'Zebulon Quux WA',
      notes: 'Notes about Zebulon Quux',
      attributes: { order: 'Zebulon Quux-ORDER' },
      tags: ['vip'],
    })
    const conversation = first(
      body.conversations as { messages: { text: string; media: { url: string }[] }[] }[],
    )
    const msgs = conversation.messages
    expect(msgs.map((m) => m.text)).toContain('zeb secret question 7f3a')
    expect(msgs.find((m) => m.text === 'Hello Zebulon Quux, your offer')?.media).toEqual([
      { url: 'https://media.example/Zebulon Quux.jpg', contentType: 'image/jpeg' },
    ])
    expect(msgs.length).toBeGreaterThanOrEqual(3)
    expect(body.broadcastRecipients).toEqual([
      expect.objectContaining({
        broadcastName: 'Spring',
        state: 'messaged',
        variables: { 1: 'Zebulon Quux WA' },
      }),
    ])
    expect(body.webhookDeliveries).toEqual([
      expect.objectContaining({
        eventType: 'message.received',
        payload: { type: 'message.received', data: { from: zeb.phone, text: 'Zebulon Quux WA wrote' } },
      }),
    ])
    expect(JSON.stringify(body)).not.toContain('Yannick')
    const [entry] = await rt.services.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, org.id), eq(auditLog.action, 'customer.exported')))
    expect(defined(entry, 'audit entry').details).toMatchObject({ phone: `…${zeb.phone.slice(-4)}` })
    expect(JSON.stringify(entry)).not.toContain(zeb.phone)
  })

  it('refuses: bad number 400, unknown number 404, wrong confirmation 400 (nothing changed)', async () => {
    const bad = await api(rt, owner, 'GET', `/api/organizations/${org.id}/privacy/customers/abc/export`)
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('BAD_REQUEST')
    const unknown = uniquePhone('+1333')
    expect(
      (await api(rt, owner, 'GET', `/api/organizations/${org.id}/privacy/customers/${enc(unknown)}/export`))
        .status,
    ).toBe(404)
    expect(
      (
        await api(rt, owner, 'POST', `/api/organizations/${org.id}/privacy/customers/${enc(unknown)}/erase`, {
          confirm: unknown,
        })
      ).status,
    ).toBe(404)
    const wrong = await api(
      rt,
      owner,
      'POST',
      `/api/organizations/${org.id}/privacy/customers/${enc(zeb.phone)}/erase`,
      {
        confirm: yan.phone,
      },
    )
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.details).toEqual([{ path: 'confirm', message: `must be ${zeb.phone}` }])
    const missing = await api(
      rt,
      owner,
      'POST',
      `/api/organizations/${org.id}/privacy/customers/${enc(zeb.phone)}/erase`,
      {},
    )
    expect(missing.status).toBe(400)
    const [still] = await rt.services.db.select().from(contacts).where(eq(contacts.id, zeb.contact.id))
    expect(still).toBeDefined()
  })

  it('security: no session 401, agent and viewer 403, another organization 404', async () => {
    const agent = await signUp(rt)
    const viewer = await signUp(rt)
    await addMember(rt, owner, org.id, agent, 'agent')
    await addMember(rt, owner, org.id, viewer, 'viewer')
    const { owner: stranger } = await ownerWithOrganization(rt)
    const routes: [string, string, unknown?][] = [
      ['GET', `/api/organizations/${org.id}/privacy`],
      ['PUT', `/api/organizations/${org.id}/privacy/retention`, { retentionDays: 30 }],
      ['GET', `/api/organizations/${org.id}/privacy/customers/${enc(zeb.phone)}/export`],
      [
        'POST',
        `/api/organizations/${org.id}/privacy/customers/${enc(zeb.phone)}/erase`,
        { confirm: zeb.phone },
      ],
    ]
    for (const [method, path, body] of routes) {
      expect((await api(rt, undefined, method, path, body)).status, `${method} ${path}`).toBe(401)
      expect((await api(rt, agent, method, path, body)).status, `${method} ${path}`).toBe(403)
      expect((await api(rt, viewer, method, path, body)).status, `${method} ${path}`).toBe(403)
      expect((await api(rt, stranger, method, path, body)).status, `${method} ${path}`).toBe(404)
    }
    const [still] = await rt.services.db.select().from(contacts).where(eq(contacts.id, zeb.contact.id))
    expect(still).toBeDefined()
  })

  it('erases the customer: nothing left in any table, the other customer and the counts intact', async () => {
    // An export made before the erasure may hold the customer: it goes too.
    const made = await api(rt, owner, 'POST', `/api/organizations/${org.id}/exports`, {
      kind: 'messages',
      format: 'csv',
    })
    expect(made.status).toBe(202)
    const exportId = made.body.export.id as string
    await waitFor(async () => {
      const r = await api(rt, owner, 'GET', `/api/organizations/${org.id}/exports/${exportId}`)
      return r.body.export.status === 'completed'
    })
    const file = `${rt.config.exports.dir}/${exportId}.csv`
    const { existsSync, readFileSync } = await import('node:fs')
    expect(readFileSync(file, 'utf8')).toContain('zeb secret question 7f3a')

    const usageBefore = await rt.services.db
      .select()
      .from(monthlyUsage)
      .where(eq(monthlyUsage.organizationId, org.id))
    const before = (await everyStoredText()).filter((t) => t.text.includes('zeb secret question 7f3a'))
    expect(before.length).toBeGreaterThan(0)

    const res = await api(
      rt,
      owner,
      'POST',
      `/api/organizations/${org.id}/privacy/customers/${enc(zeb.phone)}/erase`,
      {
        confirm: zeb.phone.replace('+1', '+1 '),
      },
    )
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.erased).toMatchObject({
      contacts: 1,
      conversations: 1,
      broadcastRecipients: 1,
      webhookDeliveries: 1,
      exports: 1,
    })
    expect(res.body.erased.messages).toBeGreaterThanOrEqual(3)
    expect(existsSync(file)).toBe(false)

    const needles = [zeb.phone, zeb.phone.slice(1), 'Zebulon', 'Quux', 'zeb secret question 7f3a']
    const leftovers = (await everyStoredText()).filter((t) => needles.some((n) => t.text.includes(n)))
    expect(leftovers.map((l) => `${l.where}: ${l.text.slice(0, 120)}`)).toEqual([])

    // The other customer is whole.
    const other = await rt.services.db.select().from(contacts).where(eq(contacts.id, yan.contact.id))
    expect(first(other)).toMatchObject({ name: 'Yannick Vole', notes: 'Notes about Yannick Vole' })
    const otherMsgs = await rt.services.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, yan.conversation.id))
    expect(otherMsgs.map((m) => m.body)).toContain('yan other question 9c1d')
    const otherDeliveries = await rt.services.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.subjectPhone, yan.phone))
    expect(otherDeliveries).toHaveLength(1)
    // Broadcast rows keep their state (the counts), without the number.
    const recipients = await rt.services.db
      .select()
      .from(broadcastRecipients)
      .where(eq(broadcastRecipients.broadcastId, broadcastId))
    expect(recipients.map((r) => r.state)).toEqual(['messaged', 'messaged'])
    const erased = defined(
      recipients.find((r) => r.waId !== yan.phone),
      'erased recipient',
    )
    expect(erased).toMatchObject({ contactId: null, variables: null })
    expect(erased.waId).toMatch(/^erased:/)
    expect(
      await rt.services.db.select().from(monthlyUsage).where(eq(monthlyUsage.organizationId, org.id)),
    ).toEqual(usageBefore)
    expect(await rt.services.db.select().from(dataExports).where(eq(dataExports.id, exportId))).toEqual([])
    const [entry] = await rt.services.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, org.id), eq(auditLog.action, 'customer.erased')))
    expect(defined(entry, 'audit entry').details).toMatchObject({
      phone: `…${zeb.phone.slice(-4)}`,
      contacts: 1,
    })

    // Gone: a second request finds nothing.
    expect(
      (await api(rt, owner, 'GET', `/api/organizations/${org.id}/privacy/customers/${enc(zeb.phone)}/export`))
        .status,
    ).toBe(404)
  })
})
