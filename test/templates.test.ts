import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../src/server/db/client.js'
import { broadcasts, templates } from '../src/server/db/schema/index.js'
import { templateHandlers } from '../src/server/jobs/handlers/templates.js'
import { defined, first } from './support/defined.js'
import { addMember, api, createOrganization, signUp, type TestUser } from './support/factories.js'
import type { FakeTwilio } from './support/fake-twilio.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { ownerWithOrganization, startTwilioTestRuntime, type TwilioTestRuntime } from './support/setups.js'

// WhatsApp templates through Twilio's Content API: written, submitted, followed until WhatsApp
// decides, deleted; against the fake Twilio (the real `twilio` client) and against the sandbox.

let rt: TwilioTestRuntime
let fake: FakeTwilio

beforeAll(async () => {
  rt = await startTwilioTestRuntime()
  fake = rt.twilio
})
afterAll(async () => {
  await rt?.close()
})

let seq = 0
const uniqueName = (base = 'order_ready') => `${base}_${Date.now().toString(36)}_${seq++}`

const draft = (overrides: Record<string, unknown> = {}) => ({
  name: uniqueName(),
  language: 'en',
  category: 'utility',
  body: 'Hi {{1}}, your order {{2}} is ready for pickup',
  examples: { '1': 'Ana', '2': 'A-17' },
  ...overrides,
})

async function setup() {
  const { owner, org } = await ownerWithOrganization(rt)
  return { owner, org, base: `/api/organizations/${org.id}/templates` }
}

/** The approval-check jobs queued for a template, oldest first. */
async function approvalJobs(templateId: string) {
  return queryRows<{ data: { attempt: number; templateId: string }; delay: number; state: string }>(
    rt.services.db,
    sql`select data, extract(epoch from (start_after - created_on))::int as delay, state
        from pgboss.job where name = 'templates.check-approval' and data->>'templateId' = ${templateId}
        order by created_on`,
  )
}

const meta = { id: 'test', retryCount: 0, retryLimit: 3, isLastAttempt: false }
const runCheck = (organizationId: string, templateId: string, attempt: number) =>
  templateHandlers['templates.check-approval']({ organizationId, templateId, attempt }, rt.services, meta)

describe('templates against the fake Twilio Content API', () => {
  it('creates the Content, submits it for WhatsApp approval and shows it pending', async () => {
    const { owner, base } = await setup()
    const input = draft()
    const res = await api(rt, owner, 'POST', base, input)
    expect(res.status).toBe(201)
    const t = res.body.template
    expect(t).toMatchObject({
      name: input.name,
      language: 'en',
      category: 'utility',
      body: input.body,
      examples: input.examples,
      variables: ['1', '2'],
      status: 'pending',
      rejectionReason: null,
    })
    expect(t.contentSid).toMatch(/^HX[0-9a-f]{32}$/)
    expect(t.submittedAt).toEqual(expect.any(String))
    const content = defined(fake.state.contents.get(t.contentSid), 'the Content in Twilio')
    expect(content.friendly_name).toBe(input.name)
    expect(content.types).toEqual({ 'twilio/text': { body: input.body } })
    expect(content.variables).toEqual(input.examples)
    expect(content.approval).toMatchObject({ name: input.name, category: 'UTILITY', status: 'pending' })

    const list = await api(rt, owner, 'GET', base)
    expect(list.status).toBe(200)
    expect(list.body.templates.map((x: { id: string }) => x.id)).toEqual([t.id])
    const one = await api(rt, owner, 'GET', `${base}/${t.id}`)
    expect(one.body.template).toEqual(t)
  })

  it('follows a pending review with a job until WhatsApp approves it', async () => {
    const { owner, org, base } = await setup()
    const t = (await api(rt, owner, 'POST', base, draft())).body.template
    const [queued] = await approvalJobs(t.id)
    expect(queued?.data.attempt).toBe(0)
    expect(queued?.delay).toBeGreaterThanOrEqual(59)

    // Still pending: the job looks, records it, and comes back later.
    await runCheck(org.id, t.id, 0)
    const after = await approvalJobs(t.id)
    expect(after.map((j) => j.data.attempt)).toEqual([0, 1])
    expect(after[1]?.delay).toBeGreaterThan(queued?.delay ?? 0)
    const checked = (await api(rt, owner, 'GET', `${base}/${t.id}`)).body.template
    expect(checked.status).toBe('pending')
    expect(checked.statusCheckedAt).not.toBe(t.statusCheckedAt)

    fake.setApproval(t.contentSid, 'approved')
    await runCheck(org.id, t.id, 1)
    expect((await approvalJobs(t.id)).length).toBe(2) // decided: no further look
    const approved = (await api(rt, owner, 'GET', `${base}/${t.id}`)).body.template
    expect(approved).toMatchObject({ status: 'approved', rejectionReason: null })
  })

  it('shows a rejection with the reason WhatsApp gave', async () => {
    const { owner, org, base } = await setup()
    const input = draft({ category: 'marketing' })
    fake.setApproval(input.name, 'rejected', 'INVALID_FORMAT: variables at the start of the body')
    const t = (await api(rt, owner, 'POST', base, input)).body.template
    // Twilio answers the submission with "received"; the decision shows at the next look.
    expect(t.status).toBe('pending')
    await runCheck(org.id, t.id, 0)
    const rejected = (await api(rt, owner, 'GET', `${base}/${t.id}`)).body.template
    expect(rejected).toMatchObject({
      status: 'rejected',
      rejectionReason: 'INVALID_FORMAT: variables at the start of the body',
    })
    expect((await approvalJobs(t.id)).length).toBe(1)
  })

  it('asks Twilio at once on refresh', async () => {
    const { owner, base } = await setup()
    const t = (await api(rt, owner, 'POST', base, draft())).body.template
    fake.setApproval(t.contentSid, 'approved')
    const res = await api(rt, owner, 'POST', `${base}/${t.id}/refresh`)
    expect(res.status).toBe(200)
    expect(res.body.template.status).toBe('approved')
    expect(fake.requests.at(-1)?.path).toBe(`/v1/Content/${t.contentSid}/ApprovalRequests`)
    // Meta can pause an approved template later; a refresh shows it.
    fake.setApproval(t.contentSid, 'paused', 'Low quality rating')
    const paused = await api(rt, owner, 'POST', `${base}/${t.id}/refresh`)
    expect(paused.body.template).toMatchObject({ status: 'paused', rejectionReason: 'Low quality rating' })
  })

  it('marks a template whose Content was deleted in Twilio disabled', async () => {
    const { owner, base } = await setup()
    const t = (await api(rt, owner, 'POST', base, draft())).body.template
    fake.state.contents.delete(t.contentSid)
    const res = await api(rt, owner, 'POST', `${base}/${t.id}/refresh`)
    expect(res.status).toBe(200)
    expect(res.body.template.status).toBe('disabled')
    expect(res.body.template.rejectionReason).toMatch(/no longer exists/)
  })

  it('refuses bad templates with 400 naming what is wrong, and creates nothing', async () => {
    const { owner, base } = await setup()
    const contents = fake.state.contents.size
    const cases: [Record<string, unknown>, RegExp | string][] = [
      [draft({ name: 'Order Ready' }), 'name'],
      [draft({ name: '' }), 'name'],
      [draft({ name: 'x'.repeat(513) }), 'name'],
      [draft({ language: 'English' }), 'language'],
      [draft({ category: 'promotional' }), 'category'],
      [draft({ body: '' }), 'body'],
      [draft({ body: 'x'.repeat(1025), examples: {} }), 'body'],
      [draft({ extra: true }), ''],
    ]
    for (const [input, path] of cases) {
      const res = await api(rt, owner, 'POST', base, input)
      expect(res.status, JSON.stringify(input).slice(0, 80)).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
      if (path) expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path)
    }

    const missing = await api(
      rt,
      owner,
      'POST',
      base,
      draft({ body: 'Hi {{1}}, {{2}} and {{3}}', examples: { '1': 'Ana' } }),
    )
    expect(missing.status).toBe(400)
    expect(missing.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      'examples.2',
      'examples.3',
    ])
    expect(missing.body.error.message).toContain('{{2}}')
    expect(missing.body.error.message).toContain('{{3}}')

    const blank = await api(rt, owner, 'POST', base, draft({ body: 'Hi {{1}}', examples: { '1': '   ' } }))
    expect(blank.body.error.details).toEqual([
      { path: 'examples.1', message: expect.stringContaining('{{1}}') },
    ])

    const gap = await api(
      rt,
      owner,
      'POST',
      base,
      draft({ body: 'Hi {{1}}, order {{3}}', examples: { '1': 'a', '3': 'c' } }),
    )
    expect(gap.status).toBe(400)
    expect(gap.body.error.details).toEqual([
      { path: 'body', message: expect.stringContaining('{{2}} is missing') },
    ])

    const zero = await api(rt, owner, 'POST', base, draft({ body: 'Hi {{0}}', examples: { '0': 'a' } }))
    expect(zero.status).toBe(400)
    expect(zero.body.error.message).toContain('{{0}} is not allowed')
    for (const odd of ['Hi {{ 1 }}', 'Hi {{01}}']) {
      const res = await api(rt, owner, 'POST', base, draft({ body: odd, examples: { '1': 'a' } }))
      expect(res.status, odd).toBe(400)
      expect(res.body.error.details[0]).toMatchObject({
        path: 'body',
        message: expect.stringContaining('without spaces'),
      })
    }

    const named = await api(rt, owner, 'POST', base, draft({ body: 'Hi {{name}}', examples: {} }))
    expect(named.status).toBe(400)
    expect(named.body.error.details[0]).toMatchObject({
      path: 'body',
      message: expect.stringContaining('{{name}}'),
    })

    const extra = await api(
      rt,
      owner,
      'POST',
      base,
      draft({ body: 'Hi {{1}}', examples: { '1': 'a', '2': 'b' } }),
    )
    expect(extra.status).toBe(400)
    expect(extra.body.error.details).toEqual([{ path: 'examples.2', message: 'The body has no {{2}}' }])

    const notJson = await api(rt, owner, 'POST', base, '{not json')
    expect(notJson.status).toBe(400)

    expect((await api(rt, owner, 'GET', base)).body.templates).toEqual([])
    expect(fake.state.contents.size).toBe(contents)
  })

  it('takes a body of exactly 1024 characters and a template without variables', async () => {
    const { owner, base } = await setup()
    const long = await api(
      rt,
      owner,
      'POST',
      base,
      draft({ body: `${'x'.repeat(1019)}{{1}}`, examples: { '1': 'a' } }),
    )
    expect(long.status).toBe(201)
    const plain = await api(rt, owner, 'POST', base, draft({ body: 'We are open on Sunday', examples: {} }))
    expect(plain.status).toBe(201)
    expect(plain.body.template.variables).toEqual([])
  })

  it('refuses a second template with the same name and language (409), not in another language', async () => {
    const { owner, base } = await setup()
    const input = draft()
    expect((await api(rt, owner, 'POST', base, input)).status).toBe(201)
    const contents = fake.state.contents.size
    const again = await api(rt, owner, 'POST', base, input)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('CONFLICT')
    expect(fake.state.contents.size).toBe(contents)
    expect((await api(rt, owner, 'POST', base, { ...input, language: 'fr' })).status).toBe(201)
    // Another organization may use the same name.
    const other = await setup()
    expect((await api(rt, other.owner, 'POST', other.base, input)).status).toBe(201)
  })

  it('leaves nothing behind when Twilio fails, and says so (502)', async () => {
    const { owner, base } = await setup()
    fake.failNext({ method: 'POST', pathIncludes: '/v1/Content' }, { status: 503 })
    const down = await api(rt, owner, 'POST', base, draft())
    expect(down.status).toBe(502)
    expect(down.body.error.code).toBe('PROVIDER_FAILED')

    const contents = fake.state.contents.size
    fake.failNext({ method: 'POST', pathIncludes: '/ApprovalRequests/whatsapp' }, { status: 500 })
    const input = draft()
    const half = await api(rt, owner, 'POST', base, input)
    expect(half.status).toBe(502)
    // The Content made before the submission failed is removed again.
    expect(fake.state.contents.size).toBe(contents)
    expect((await api(rt, owner, 'GET', base)).body.templates).toEqual([])
    // And the name is free to try again.
    expect((await api(rt, owner, 'POST', base, input)).status).toBe(201)
  })

  it('deletes the template here and its Content in Twilio', async () => {
    const { owner, org, base } = await setup()
    const t = (await api(rt, owner, 'POST', base, draft())).body.template
    const res = await api(rt, owner, 'DELETE', `${base}/${t.id}`)
    expect(res.status).toBe(204)
    expect(fake.state.contents.has(t.contentSid)).toBe(false)
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v1/Content/${t.contentSid}` })
    expect((await api(rt, owner, 'GET', `${base}/${t.id}`)).status).toBe(404)
    expect((await api(rt, owner, 'DELETE', `${base}/${t.id}`)).status).toBe(404)
    // A job still queued for it finds nothing to do.
    await runCheck(org.id, t.id, 0)
    expect((await approvalJobs(t.id)).length).toBe(1)
  })

  it('keeps a template a broadcast uses (409) and keeps it when Twilio is down (502)', async () => {
    const { owner, org, base } = await setup()
    const t = (await api(rt, owner, 'POST', base, draft())).body.template
    const [b] = await rt.services.db
      .insert(broadcasts)
      .values({
        organizationId: org.id,
        name: 'Spring sale',
        templateId: t.id,
        variables: {},
        audience: { kind: 'contacts', contactIds: [] },
        fromNumber: '+15550001234',
        status: 'scheduled',
        sendAt: new Date(Date.now() + 3600_000),
      })
      .returning()
    const used = await api(rt, owner, 'DELETE', `${base}/${t.id}`)
    expect(used.status).toBe(409)
    expect(used.body.error.details).toMatchObject({ reason: 'TEMPLATE_IN_USE', broadcastIds: [b?.id] })
    expect(fake.state.contents.has(t.contentSid)).toBe(true)
    await rt.services.db.delete(broadcasts).where(eq(broadcasts.id, defined(b, 'broadcast').id))

    fake.failNext({ method: 'DELETE', pathIncludes: '/v1/Content/' }, { status: 503 })
    const down = await api(rt, owner, 'DELETE', `${base}/${t.id}`)
    expect(down.status).toBe(502)
    expect((await api(rt, owner, 'GET', `${base}/${t.id}`)).status).toBe(200)
    expect((await api(rt, owner, 'DELETE', `${base}/${t.id}`)).status).toBe(204)
  })
})

describe('templates security', () => {
  let owner: TestUser
  let orgId: string
  let base: string
  let templateId: string

  beforeAll(async () => {
    const s = await setup()
    owner = s.owner
    orgId = s.org.id
    base = s.base
    templateId = (await api(rt, owner, 'POST', base, draft())).body.template.id
  })

  it('asks for a session (401)', async () => {
    expect((await api(rt, undefined, 'GET', base)).status).toBe(401)
    expect((await api(rt, undefined, 'POST', base, draft())).status).toBe(401)
    expect((await api(rt, undefined, 'GET', `${base}/${templateId}`)).status).toBe(401)
    expect((await api(rt, undefined, 'POST', `${base}/${templateId}/refresh`)).status).toBe(401)
    expect((await api(rt, undefined, 'DELETE', `${base}/${templateId}`)).status).toBe(401)
  })

  it("hides another organization's templates (404) and changes nothing", async () => {
    const stranger = await signUp(rt)
    const own = await createOrganization(rt, stranger)
    expect((await api(rt, stranger, 'GET', base)).status).toBe(404)
    expect((await api(rt, stranger, 'POST', base, draft())).status).toBe(404)
    expect((await api(rt, stranger, 'GET', `${base}/${templateId}`)).status).toBe(404)
    expect((await api(rt, stranger, 'DELETE', `${base}/${templateId}`)).status).toBe(404)
    // Through their own organization's path, the template is not theirs either.
    const foreign = `/api/organizations/${own.id}/templates/${templateId}`
    expect((await api(rt, stranger, 'GET', foreign)).status).toBe(404)
    expect((await api(rt, stranger, 'POST', `${foreign}/refresh`)).status).toBe(404)
    expect((await api(rt, stranger, 'DELETE', foreign)).status).toBe(404)
    expect((await api(rt, stranger, 'GET', `/api/organizations/${own.id}/templates/not-a-uuid`)).status).toBe(
      404,
    )
    expect((await api(rt, owner, 'GET', `${base}/${templateId}`)).status).toBe(200)
  })

  it('lets viewers and agents read templates but not write, refresh or delete them (403)', async () => {
    for (const role of ['viewer', 'agent']) {
      const member = await signUp(rt)
      await addMember(rt, owner, orgId, member, role)
      const list = await api(rt, member, 'GET', base)
      expect(list.status).toBe(200)
      expect(list.body.templates.map((t: { id: string }) => t.id)).toContain(templateId)
      expect((await api(rt, member, 'GET', `${base}/${templateId}`)).status).toBe(200)
      const create = await api(rt, member, 'POST', base, draft())
      expect(create.status, role).toBe(403)
      expect(create.body.error.code).toBe('FORBIDDEN')
      expect((await api(rt, member, 'POST', `${base}/${templateId}/refresh`)).status).toBe(403)
      expect((await api(rt, member, 'DELETE', `${base}/${templateId}`)).status).toBe(403)
    }
    const rows = await rt.services.db.select().from(templates).where(eq(templates.organizationId, orgId))
    expect(rows.map((r) => r.id)).toEqual([templateId])
  })

  it('lets an admin write and delete templates', async () => {
    const admin = await signUp(rt)
    await addMember(rt, owner, orgId, admin, 'admin')
    const made = await api(rt, admin, 'POST', base, draft())
    expect(made.status).toBe(201)
    expect((await api(rt, admin, 'DELETE', `${base}/${made.body.template.id}`)).status).toBe(204)
  })
})

describe('templates on the sandbox', () => {
  let sandbox: TestRuntime
  beforeAll(async () => {
    sandbox = await startTestRuntime()
  })
  afterAll(async () => {
    await sandbox?.close()
  })

  it('approves a template at once and follows nothing', async () => {
    const owner = await signUp(sandbox)
    const org = await createOrganization(sandbox, owner)
    const res = await api(sandbox, owner, 'POST', `/api/organizations/${org.id}/templates`, draft())
    expect(res.status).toBe(201)
    expect(res.body.template).toMatchObject({ status: 'approved', rejectionReason: null })
    expect(res.body.template.contentSid).toMatch(/^HX[0-9a-f]{32}$/)
    const jobs = await queryRows(
      sandbox.services.db,
      sql`select 1 from pgboss.job where name = 'templates.check-approval'`,
    )
    expect(jobs).toEqual([])
    const list = await api(sandbox, owner, 'GET', `/api/organizations/${org.id}/templates`)
    expect(first(list.body.templates)).toMatchObject({ status: 'approved' })
  })
})
