import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reencryptStep } from '../src/server/core/crypto/reencrypt.js'
import { type Database, queryRows } from '../src/server/db/client.js'
import { createTestDatabase } from './support/database.js'
import { defined, first } from './support/defined.js'
import { api, type TestUser } from './support/factories.js'
import { type FakeTwilio, startFakeTwilio, twilioEnv } from './support/fake-twilio.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { ownerWithOrganization } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, uniquePhone } from './support/whatsapp.js'

// Encryption at rest (issue 16): what customers write is stored as `enc1:<key>:…`, the API shows
// the text, names stay searchable through the blind index, and a key rotation keeps old rows
// readable until the re-encryption job moves them to the new key.

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64')
const K1 = `k1:${key(1)}`
const K2 = `k2:${key(2)}`

let fake: FakeTwilio
let database: Database
let rt: TestRuntime

const start = (encryptionKeys: string) =>
  startTestRuntime({ database, env: { ...twilioEnv(fake), ENCRYPTION_KEYS: encryptionKeys } })

/** Restarts the app on the same database with another key ring. */
async function restart(encryptionKeys: string) {
  await rt.close()
  rt = await start(encryptionKeys)
}

beforeAll(async () => {
  fake = await startFakeTwilio()
  database = await createTestDatabase()
  rt = await start(K1)
})
afterAll(async () => {
  await rt?.close()
  await database?.close()
  await fake?.close()
})

const raw = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) =>
  queryRows<T>(database.db, query)
const contactsPath = (orgId: string) => `/api/organizations/${orgId}/contacts`

async function searchNames(user: TestUser, orgId: string, search: string) {
  const res = await api(rt, user, 'GET', `${contactsPath(orgId)}?search=${encodeURIComponent(search)}`)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.contacts.map((c: { displayName: string }) => c.displayName).sort()
}

async function addContact(user: TestUser, orgId: string, body: Record<string, unknown>) {
  const res = await api(rt, user, 'POST', contactsPath(orgId), body)
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.contact as { id: string; name: string | null; notes: string | null }
}

/** Runs the re-encryption to its end in small batches (several tables, several batches each). */
async function reencryptAll() {
  let cursor: Parameters<typeof reencryptStep>[1]['cursor']
  let rewritten = 0
  for (let i = 0; i < 1000; i++) {
    const step = await reencryptStep(rt.services, { cursor, batchSize: 3, budgetMs: 1 })
    rewritten += step.rewritten
    if (!step.next) return rewritten
    cursor = step.next
  }
  throw new Error('the re-encryption did not finish')
}

const expectEncrypted = (value: unknown, keyId: string, plain: string) => {
  expect(typeof value).toBe('string')
  expect(value as string).toMatch(new RegExp(`^enc1:${keyId}:`))
  expect(value as string).not.toContain(plain)
}

describe('encryption at rest', () => {
  it('stores a customer message, its media and profile name encrypted; the API shows them', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const number = await giveActiveNumber(rt, org.id)
    const from = uniquePhone()
    const params = inboundParams({
      from,
      to: number,
      body: 'My secret order is 4242',
      profileName: 'Amélie Dupont',
      extra: {
        NumMedia: '1',
        MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME-secret',
        MediaContentType0: 'image/jpeg',
      },
    })
    expect((await postTwilio(rt, '/api/whatsapp/webhook', params)).status).toBe(200)
    const [inboxRow] = await raw<{ body: string; profile_name: string; media: { url: string }[] }>(
      sql`select body, profile_name, media from inbox where message_sid = ${params.MessageSid}`,
    )
    expectEncrypted(inboxRow?.body, 'k1', 'secret')
    expectEncrypted(inboxRow?.profile_name, 'k1', 'Amélie')
    expectEncrypted(first(defined(inboxRow, 'inbox row').media).url, 'k1', 'ME-secret')

    const message = await waitFor(
      async () =>
        (
          await raw<{ body: string; media: { url: string; contentType: string }[]; conversation_id: string }>(
            sql`select body, media, conversation_id from messages where provider_message_id = ${params.MessageSid}`,
          )
        )[0],
      { what: 'the stored message' },
    )
    expectEncrypted(message.body, 'k1', 'secret')
    const media = first(message.media)
    expectEncrypted(media.url, 'k1', 'ME-secret')
    expect(media.contentType).toBe('image/jpeg')
    const [contact] = await raw<{ profile_name: string; name_terms: string[] }>(
      sql`select profile_name, name_terms from contacts where organization_id = ${org.id} and wa_id = ${from}`,
    )
    expectEncrypted(contact?.profile_name, 'k1', 'Amélie')
    // Tokens only: no word of the name in clear.
    expect(contact?.name_terms.join(' ')).not.toMatch(/am|dupont/i)

    const detail = await api(
      rt,
      owner,
      'GET',
      `/api/organizations/${org.id}/conversations/${message.conversation_id}`,
    )
    expect(detail.status).toBe(200)
    const inbound = detail.body.messages.find((m: { direction: string }) => m.direction === 'inbound')
    expect(inbound.body).toBe('My secret order is 4242')
    expect(inbound.media).toEqual([
      { url: expect.stringContaining('/Media/ME-secret'), contentType: 'image/jpeg' },
    ])
    const list = await api(rt, owner, 'GET', `/api/organizations/${org.id}/conversations`)
    const summary = list.body.conversations.find((c: { id: string }) => c.id === message.conversation_id)
    expect(summary.contact.profileName).toBe('Amélie Dupont')
    expect(summary.lastMessage).not.toMatch(/^enc1:/)

    // The profile name is searchable by the start of its words, accents and case ignored.
    expect(await searchNames(owner, org.id, 'amelie')).toEqual(['Amélie Dupont'])
    expect(await searchNames(owner, org.id, 'DUP')).toEqual(['Amélie Dupont'])
    expect(await searchNames(owner, org.id, 'Amél dupo')).toEqual(['Amélie Dupont'])
    expect(await searchNames(owner, org.id, 'pont')).toEqual([])
  })

  it('stores a contact name and notes encrypted; view, search by word prefix, rename', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const zoe = await addContact(owner, org.id, {
      phone: '+14155550701',
      name: 'Zoé Martin',
      notes: 'Allergic to peanuts',
    })
    await addContact(owner, org.id, { phone: '+14155550702', name: 'Bob Stone' })
    const [row] = await raw<{ name: string; notes: string; profile_name: string | null }>(
      sql`select name, notes, profile_name from contacts where id = ${zoe.id}`,
    )
    expectEncrypted(row?.name, 'k1', 'Zo')
    expectEncrypted(row?.notes, 'k1', 'peanuts')
    expect(row?.profile_name).toBeNull()

    const view = await api(rt, owner, 'GET', `${contactsPath(org.id)}/${zoe.id}`)
    expect(view.body.contact).toMatchObject({ name: 'Zoé Martin', notes: 'Allergic to peanuts' })
    expect(await searchNames(owner, org.id, 'zoe')).toEqual(['Zoé Martin'])
    expect(await searchNames(owner, org.id, 'mar')).toEqual(['Zoé Martin'])
    expect(await searchNames(owner, org.id, 'martin zo')).toEqual(['Zoé Martin'])
    expect(await searchNames(owner, org.id, 'martinez')).toEqual([])
    expect(await searchNames(owner, org.id, 'Stone')).toEqual(['Bob Stone'])
    expect(await searchNames(owner, org.id, 'peanuts')).toEqual([])
    expect(await searchNames(owner, org.id, '0701')).toEqual(['Zoé Martin'])

    const renamed = await api(rt, owner, 'PATCH', `${contactsPath(org.id)}/${zoe.id}`, {
      name: 'Chloé Durand',
    })
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200)
    expect(await searchNames(owner, org.id, 'zoe')).toEqual([])
    expect(await searchNames(owner, org.id, 'chlo')).toEqual(['Chloé Durand'])
  })

  it('encrypts names written by an import, which stay searchable', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const form = new FormData()
    const csv = 'Phone,Name,Opt_In\n+14155550801,Inès Moreau,yes\n+14155550802,,yes\n'
    form.append('file', new File([csv], 'contacts.csv', { type: 'text/csv' }))
    const started = await api(rt, owner, 'POST', `${contactsPath(org.id)}/imports`, form)
    expect(started.status, JSON.stringify(started.body)).toBe(202)
    await waitFor(
      async () => {
        const res = await api(rt, owner, 'GET', `${contactsPath(org.id)}/imports/${started.body.import.id}`)
        return res.body.import.status === 'done' ? res.body.import : undefined
      },
      { what: 'the import' },
    )
    const rows = await raw<{ wa_id: string; name: string | null }>(
      sql`select wa_id, name from contacts where organization_id = ${org.id} order by wa_id`,
    )
    expectEncrypted(rows[0]?.name, 'k1', 'Ines')
    expect(rows[1]?.name ?? null).toBeNull()
    expect(await searchNames(owner, org.id, 'ines')).toEqual(['Inès Moreau'])
    expect(await searchNames(owner, org.id, 'moreau')).toEqual(['Inès Moreau'])
  })

  it('rotation: old rows stay readable, new rows use the new key, the job moves old rows and plaintext', async () => {
    const { owner, org } = await ownerWithOrganization(rt)
    const before = await addContact(owner, org.id, {
      phone: '+14155550901',
      name: 'Old Key',
      notes: 'k1 notes',
    })
    // Written before encryption existed: plaintext, no blind index.
    const [legacy] = await raw<{ id: string }>(
      sql`insert into contacts (organization_id, wa_id, name, notes) values (${org.id}, '+14155550902', 'Legacy Plain', 'plain notes')
        returning id`,
    )
    const legacyId = defined(legacy, 'legacy contact').id
    const [conversation] = await raw<{ id: string }>(
      sql`insert into conversations (organization_id, contact_id, channel_number) values (${org.id}, ${legacyId}, '+15550000000')
        returning id`,
    )
    const conversationId = defined(conversation, 'conversation').id
    await raw(sql`insert into messages (organization_id, conversation_id, direction, body, media, status, source)
      values (${org.id}, ${conversationId}, 'inbound', 'plain old text',
        '[{"url":"https://example.test/plain.jpg","contentType":"image/jpeg"}]'::jsonb, 'received', 'customer')
      returning id`)
    // Plaintext is shown as it is; the blind index does not know it yet.
    expect((await api(rt, owner, 'GET', `${contactsPath(org.id)}/${legacyId}`)).body.contact).toMatchObject({
      name: 'Legacy Plain',
      notes: 'plain notes',
    })
    expect(await searchNames(owner, org.id, 'legacy')).toEqual([])

    await restart(`${K2},${K1}`)
    expect((await api(rt, owner, 'GET', `${contactsPath(org.id)}/${before.id}`)).body.contact).toMatchObject({
      name: 'Old Key',
      notes: 'k1 notes',
    })
    // The index key comes from the last (oldest) key: adding a key in front keeps search working.
    expect(await searchNames(owner, org.id, 'old')).toEqual(['Old Key'])
    const after = await addContact(owner, org.id, { phone: '+14155550903', name: 'New Key' })
    const [newRow] = await raw<{ name: string }>(sql`select name from contacts where id = ${after.id}`)
    expectEncrypted(newRow?.name, 'k2', 'New')

    expect(await reencryptAll()).toBeGreaterThan(0)
    const contactRows = await raw<{ name: string; notes: string | null; name_terms_key: string }>(
      sql`select name, notes, name_terms_key from contacts where organization_id = ${org.id}`,
    )
    for (const c of contactRows) {
      expect(c.name).toMatch(/^enc1:k2:/)
      if (c.notes !== null) expect(c.notes).toMatch(/^enc1:k2:/)
      expect(c.name_terms_key).toBe('k1')
    }
    const [message] = await raw<{ body: string; media: { url: string }[] }>(
      sql`select body, media from messages where conversation_id = ${conversationId}`,
    )
    expectEncrypted(message?.body, 'k2', 'plain')
    expectEncrypted(first(defined(message, 'message').media).url, 'k2', 'plain.jpg')
    // Everywhere, not just this organization's rows: nothing left under k1 or in clear.
    const [leftovers] = await raw<{ n: number }>(sql`select
      (select count(*) from messages where body <> '' and body not like 'enc1:k2:%')
      + (select count(*) from contacts where name not like 'enc1:k2:%' or profile_name not like 'enc1:k2:%'
          or notes not like 'enc1:k2:%')
      + (select count(*) from inbox where body <> '' and body not like 'enc1:k2:%') as n`)
    expect(Number(leftovers?.n)).toBe(0)
    expect(await searchNames(owner, org.id, 'legacy')).toEqual(['Legacy Plain'])

    // k1 removed: everything reads; the index key changed (k2 is now the oldest), the job re-indexes.
    await restart(K2)
    expect((await api(rt, owner, 'GET', `${contactsPath(org.id)}/${before.id}`)).body.contact).toMatchObject({
      name: 'Old Key',
      notes: 'k1 notes',
    })
    const detail = await api(rt, owner, 'GET', `/api/organizations/${org.id}/conversations/${conversationId}`)
    expect(first(detail.body.messages as { body: string }[]).body).toBe('plain old text')
    await reencryptAll()
    expect(await searchNames(owner, org.id, 'legacy')).toEqual(['Legacy Plain'])
    expect(await searchNames(owner, org.id, 'new k')).toEqual(['New Key'])
    const [indexed] = await raw<{ keys: string[] }>(
      sql`select array_agg(distinct name_terms_key) as keys from contacts where organization_id = ${org.id}`,
    )
    expect(indexed?.keys).toEqual(['k2'])
  })

  it('refuses to start with a ring that cannot read stored data; one unreadable value does not fail a page', async () => {
    await rt.close()
    // The key stored rows were encrypted with is missing.
    await expect(start(`k3:${key(3)}`)).rejects.toThrow(/key "k2" is not in ENCRYPTION_KEYS/)
    // Right id, wrong key.
    await expect(start(`k2:${key(9)}`)).rejects.toThrow(/not the key the data was encrypted with/)
    rt = await start(K2)

    const { owner, org } = await ownerWithOrganization(rt)
    const good = await addContact(owner, org.id, { phone: '+14155551001', name: 'Readable', notes: 'fine' })
    const bad = await addContact(owner, org.id, { phone: '+14155551002', name: 'Broken' })
    await raw(
      sql`update contacts set notes = 'enc1:zz:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' where id = ${bad.id}`,
    )
    const view = await api(rt, owner, 'GET', `${contactsPath(org.id)}/${bad.id}`)
    expect(view.status).toBe(200)
    expect(view.body.contact.notes).toBe('[unreadable: encryption key "zz" unavailable]')
    const list = await api(rt, owner, 'GET', contactsPath(org.id))
    expect(list.status).toBe(200)
    expect(list.body.contacts.map((c: { id: string }) => c.id).sort()).toEqual([good.id, bad.id].sort())
    // The job leaves a value it cannot read as it is (never stores the marker).
    const step = await reencryptStep(rt.services, {})
    expect(step.unreadable).toBeGreaterThanOrEqual(1)
    const [still] = await raw<{ notes: string }>(sql`select notes from contacts where id = ${bad.id}`)
    expect(still?.notes).toBe('enc1:zz:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
    await raw(sql`update contacts set notes = null where id = ${bad.id}`)
  })

  it('the crypto.reencrypt job (as scheduled) encrypts plaintext written before', async () => {
    const { org } = await ownerWithOrganization(rt)
    const [legacy] = await raw<{ id: string }>(
      sql`insert into contacts (organization_id, wa_id, name, notes) values (${org.id}, '+14155551101', 'Plain Job', 'plain')
        returning id`,
    )
    const id = defined(legacy, 'legacy contact').id
    await rt.services.jobs.send('crypto.reencrypt', {})
    const row = await waitFor(
      async () => {
        const [r] = await raw<{ name: string; notes: string; name_terms_key: string | null }>(
          sql`select name, notes, name_terms_key from contacts where id = ${id}`,
        )
        return r?.name_terms_key ? r : undefined
      },
      { what: 'the job to re-encrypt the row' },
    )
    expectEncrypted(row.name, 'k2', 'Plain')
    expectEncrypted(row.notes, 'k2', 'plain')
  })
})
