import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LiveEvent, startLiveHub } from '../src/server/core/live/live-hub.js'
import { watchOrganization } from '../src/server/core/live/watch-organization.js'
import { testEnv } from './support/env.js'
import { addMember, api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { ENTERPRISE, startTwilioTestRuntime, type TwilioTestRuntime } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, uniquePhone } from './support/whatsapp.js'

// The dashboard's live updates: the database trigger's NOTIFY reaches open Server-Sent Event
// streams of the organization, over real HTTP, on PGlite and on PostgreSQL (TEST_DATABASE_URL).
let rt: TwilioTestRuntime
let server: ReturnType<typeof serve>
let base: string

beforeAll(async () => {
  rt = await startTwilioTestRuntime()
  server = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((resolve) => server.once('listening', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  // Streams still open (a failed test) would hold close() forever.
  if (server && 'closeAllConnections' in server) server.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve))
  await rt?.close()
})

interface SseEvent {
  event: string
  data: string
}

/** An open stream, read as it arrives: its events and comment lines so far. */
async function openStream(orgId: string, headers: Record<string, string>) {
  const controller = new AbortController()
  const res = await fetch(`${base}/api/organizations/${orgId}/live`, { headers, signal: controller.signal })
  const events: SseEvent[] = []
  const comments: string[] = []
  let ended = false
  if (res.ok && res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    void (async () => {
      let buffer = ''
      try {
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          buffer += value
          let cut = buffer.indexOf('\n\n')
          while (cut !== -1) {
            const block = buffer.slice(0, cut)
            buffer = buffer.slice(cut + 2)
            const lines = block.split('\n')
            const event = lines.find((l) => l.startsWith('event: '))?.slice(7)
            const data = lines
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n')
            if (event) events.push({ event, data })
            comments.push(...lines.filter((l) => l.startsWith(':')))
            cut = buffer.indexOf('\n\n')
          }
        }
      } catch {
        // Aborted by the test.
      }
      ended = true
    })()
  }
  return {
    res,
    events,
    comments,
    ended: () => ended,
    close: () => controller.abort(),
    /** The conversation ids of the `kind` events so far. */
    idsOf: (kind: string) =>
      events
        .filter((e) => e.event === kind)
        .map((e) => (JSON.parse(e.data) as { conversationId: string }).conversationId),
  }
}

const cookieOf = (user: TestUser) => ({ cookie: user.cookie })

async function customerWrites(to: string, from: string, body: string) {
  const params = inboundParams({ from, to, body })
  expect((await postTwilio(rt, '/api/whatsapp/webhook', params)).status).toBe(200)
}

async function conversationIdOf(owner: TestUser, orgId: string) {
  const list = await waitFor(async () => {
    const res = await api(rt, owner, 'GET', `/api/organizations/${orgId}/conversations`)
    return res.body.conversations?.length ? res.body.conversations : null
  })
  return list[0].id as string
}

describe('GET /api/organizations/{id}/live', () => {
  it('streams message and conversation events of the organization’s conversations, and only to it', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { welcomeMessage: '' })
    const number = await giveActiveNumber(rt, org.id)
    const other = await signUp(rt)
    const otherOrg = await createOrganization(rt, other)

    const mine = await openStream(org.id, cookieOf(owner))
    const theirs = await openStream(otherOrg.id, cookieOf(other))
    expect(mine.res.status).toBe(200)
    expect(mine.res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(mine.res.headers.get('cache-control')).toBe('no-cache')
    expect(mine.res.headers.get('content-encoding')).toBeNull()
    await waitFor(() => mine.events.some((e) => e.event === 'ready') && theirs.events.length > 0, {
      what: 'the ready events',
    })

    await customerWrites(number, uniquePhone(), 'Hello, are you open on Sunday?')
    const conversationId = await conversationIdOf(owner, org.id)
    // The customer's message, then the assistant's answer and its status: all messages of that conversation.
    await waitFor(() => mine.idsOf('message').includes(conversationId), { what: 'a message event' })
    await waitFor(() => mine.idsOf('conversation').includes(conversationId), { what: 'a conversation event' })
    expect(new Set(mine.idsOf('message'))).toEqual(new Set([conversationId]))

    // Give the other tenant's stream every chance to (wrongly) receive something.
    await new Promise((r) => setTimeout(r, 500))
    expect(theirs.events.map((e) => e.event)).toEqual(['ready'])
    mine.close()
    theirs.close()
  })

  it('lets every member watch, viewers included', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { welcomeMessage: '' })
    const number = await giveActiveNumber(rt, org.id)
    const viewer = await signUp(rt)
    await addMember(rt, owner, org.id, viewer, 'viewer')
    const stream = await openStream(org.id, cookieOf(viewer))
    expect(stream.res.status).toBe(200)
    await waitFor(() => stream.events.some((e) => e.event === 'ready'))
    await customerWrites(number, uniquePhone(), 'Do you deliver?')
    const conversationId = await conversationIdOf(owner, org.id)
    await waitFor(() => stream.idsOf('message').includes(conversationId), { what: 'a message event' })
    stream.close()
  })

  it('refuses no session (401), another tenant (404), a malformed id (404) and an API key (403)', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner, { ...ENTERPRISE })
    const stranger = await signUp(rt)

    const anonymous = await openStream(org.id, {})
    expect(anonymous.res.status).toBe(401)
    expect((await anonymous.res.json()).error.code).toBe('UNAUTHORIZED')

    const foreign = await openStream(org.id, cookieOf(stranger))
    expect(foreign.res.status).toBe(404)
    expect((await foreign.res.json()).error.code).toBe('NOT_FOUND')
    expect((await openStream('not-a-uuid', cookieOf(owner))).res.status).toBe(404)

    const key = await api(rt, owner, 'POST', `/api/organizations/${org.id}/api-keys`, {
      name: 'dashboard bot',
      scopes: ['conversations:read'],
    })
    expect(key.status).toBe(201)
    const byKey = await openStream(org.id, { authorization: `Bearer ${key.body.secret}` })
    expect(byKey.res.status).toBe(403)
    expect((await byKey.res.json()).error.code).toBe('FORBIDDEN')
  })

  it('lets go of the subscription when the client disconnects', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const before = rt.services.live.subscribers
    const stream = await openStream(org.id, cookieOf(owner))
    await waitFor(() => stream.events.length > 0)
    expect(rt.services.live.subscribers).toBe(before + 1)
    stream.close()
    await waitFor(() => rt.services.live.subscribers === before, { what: 'the subscription to be closed' })
  })

  it('is documented as people-only in the OpenAPI document', async () => {
    const doc = (await api(rt, undefined, 'GET', '/api/openapi.json')).body
    const op = doc.paths['/api/organizations/{id}/live'].get
    expect(op.security).toEqual([{ session: [] }])
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '404']))
  })
})

describe('the live hub', () => {
  const notify = (orgId: string, conversationId: string, kind: string) =>
    rt.services.db.execute(
      sql`select pg_notify('live_updates', json_build_object('o', ${orgId}::text, 'c', ${conversationId}::text, 'k', ${kind}::text)::text)`,
    )

  it('coalesces a burst to at most one event per conversation per window, keeping the last', async () => {
    const hub = await startLiveHub(rt.database, rt.services.log, { coalesceMs: 300 })
    try {
      const orgId = crypto.randomUUID()
      const [a, b] = [crypto.randomUUID(), crypto.randomUUID()]
      const got: LiveEvent[] = []
      hub.subscribe(orgId, (e) => got.push(e))
      for (let i = 0; i < 10; i++) await notify(orgId, a, 'message')
      await notify(orgId, b, 'message')
      await notify(orgId, a, 'conversation')
      // Another organization's change, and an unreadable payload, reach nobody.
      await notify(crypto.randomUUID(), a, 'message')
      await rt.services.db.execute(sql`select pg_notify('live_updates', 'not json')`)
      await waitFor(() => got.length >= 3)
      await new Promise((r) => setTimeout(r, 900))
      const count = (kind: string, id: string) =>
        got.filter((e) => e.kind === kind && 'conversationId' in e && e.conversationId === id).length
      // The first at once, the rest of the burst as one trailing event.
      expect(count('message', a)).toBeGreaterThanOrEqual(1)
      expect(count('message', a)).toBeLessThanOrEqual(2)
      expect(count('message', b)).toBe(1)
      expect(count('conversation', a)).toBe(1)
      expect(got).toHaveLength(count('message', a) + 2)
    } finally {
      await hub.close()
    }
  })

  it('gives a stream an empty batch when nothing happened (its heartbeat), then the events, then the end', async () => {
    const owner = await signUp(rt)
    const org = await createOrganization(rt, owner)
    const actor = { userId: owner.id, email: owner.email, isOperator: false, emailVerified: false }
    const watch = await watchOrganization({
      ctx: { ...rt.services, actor },
      input: { organizationId: org.id },
    })
    const started = Date.now()
    expect(await watch.next(150)).toEqual([])
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    const conversationId = crypto.randomUUID()
    await notify(org.id, conversationId, 'conversation')
    expect(await watch.next(5000)).toEqual([{ kind: 'conversation', conversationId }])
    watch.close()
    expect(await watch.next(5000)).toBeNull()
  })

  it.skipIf(!testEnv.TEST_DATABASE_URL)(
    'on PostgreSQL, listens again after its connection is cut, and says so with `ready`',
    async () => {
      const hub = await startLiveHub(rt.database, rt.services.log)
      try {
        const orgId = crypto.randomUUID()
        const got: LiveEvent[] = []
        hub.subscribe(orgId, (e) => got.push(e))
        await rt.services.db.execute(
          sql`select pg_terminate_backend(pid) from pg_stat_activity
              where application_name = 'listen-live_updates' and datname = current_database()`,
        )
        await waitFor(() => got.some((e) => e.kind === 'ready'), { what: 'ready after reconnecting' })
        const conversationId = crypto.randomUUID()
        await notify(orgId, conversationId, 'message')
        await waitFor(() => got.some((e) => 'conversationId' in e && e.conversationId === conversationId), {
          what: 'an event after reconnecting',
        })
      } finally {
        await hub.close()
      }
    },
  )

  it('refuses subscribers past its bound with 429, and ends them when it closes', async () => {
    const hub = await startLiveHub(rt.database, rt.services.log, { maxSubscribers: 2 })
    const orgId = crypto.randomUUID()
    let ended = 0
    const first = hub.subscribe(
      orgId,
      () => {},
      () => ended++,
    )
    hub.subscribe(
      orgId,
      () => {},
      () => ended++,
    )
    expect(() => hub.subscribe(orgId, () => {})).toThrow(expect.objectContaining({ status: 429 }))
    first.close()
    first.close()
    expect(hub.subscribers).toBe(1)
    hub.subscribe(
      orgId,
      () => {},
      () => ended++,
    )
    await hub.close()
    expect(ended).toBe(2)
    expect(hub.subscribers).toBe(0)
  })
})
