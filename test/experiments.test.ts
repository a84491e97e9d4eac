import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { meanInterval, wilsonInterval } from '../src/server/core/experiments/experiment-results.js'
import { chooseVariant, variantFor } from '../src/server/core/experiments/variant-for.js'
import {
  answerScores,
  contacts,
  conversations,
  experimentAssignments,
  experimentVariants,
  messages,
} from '../src/server/db/schema/index.js'
import { defined, first, nth } from './support/defined.js'
import { addMember, api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { type FakeOpenAI, messageText, startFakeOpenAI } from './support/fake-openai.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { uniquePhone } from './support/whatsapp.js'

// A/B tests of the assistant: weighted sticky assignment, variants reaching the welcome and the
// model's prompt, results with intervals against hand-computed rows, promotion, and who may do what.
let rt: TestRuntime
let model: FakeOpenAI
let owner: TestUser
beforeAll(async () => {
  model = await startFakeOpenAI()
  rt = await startTestRuntime({
    env: {
      AI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
      AI_COMPATIBLE_MODELS: 'model-one,model-two',
      MAX_ORGANIZATIONS_PER_USER: '50',
    },
  })
  owner = await signUp(rt)
})
afterAll(async () => {
  await rt?.close()
  await model?.close()
})

async function orgWithNumber(welcomeMessage = 'Welcome from the organization') {
  const org = await createOrganization(rt, owner, {
    welcomeMessage,
    ai: { tone: 'friendly', language: 'en', provider: 'compatible', model: 'model-one' },
  })
  const search = await api(
    rt,
    owner,
    'GET',
    '/api/organizations/search-numbers?country=RW&type=mobile&limit=5',
  )
  const res = await api(rt, owner, 'POST', `/api/organizations/${org.id}/provision-number`, {
    phoneNumber: search.body.numbers[0].phoneNumber,
  })
  expect(res.status).toBe(202)
  return org
}

const TWO_VARIANTS = {
  name: 'Formal or casual',
  variants: [
    {
      name: 'Formal',
      weight: 50,
      settings: {
        tone: 'formal',
        instructions: 'Always sign as ZEBRA-FORMAL.',
        model: 'compatible:model-two',
        welcomeMessage: 'Good day, welcome (variant formal).',
      },
    },
    {
      name: 'Casual',
      weight: 50,
      settings: {
        tone: 'casual',
        instructions: 'Always sign as ZEBRA-CASUAL.',
        welcomeMessage: 'Hey there (casual)!',
      },
    },
  ],
}

describe('assignment', () => {
  it('follows the weights within tolerance over 10,000 contacts', () => {
    const variants = [
      { id: 'a', weight: 70 },
      { id: 'b', weight: 20 },
      { id: 'c', weight: 10 },
    ]
    const counts = new Map<string, number>()
    for (let i = 0; i < 10_000; i++) {
      const v = chooseVariant('experiment-1', `contact-${i}`, variants)
      counts.set(v?.id ?? 'none', (counts.get(v?.id ?? 'none') ?? 0) + 1)
    }
    // Binomial sd at n = 10,000 is under 0.5 point: 2 points is over four of them.
    expect(Math.abs((counts.get('a') ?? 0) / 10_000 - 0.7)).toBeLessThan(0.02)
    expect(Math.abs((counts.get('b') ?? 0) / 10_000 - 0.2)).toBeLessThan(0.02)
    expect(Math.abs((counts.get('c') ?? 0) / 10_000 - 0.1)).toBeLessThan(0.02)
    // Deterministic, and another experiment shuffles contacts differently.
    expect(chooseVariant('experiment-1', 'contact-7', variants)).toEqual(
      chooseVariant('experiment-1', 'contact-7', variants),
    )
    let moved = 0
    for (let i = 0; i < 1000; i++) {
      const x = chooseVariant('experiment-1', `contact-${i}`, [
        { id: 'a', weight: 1 },
        { id: 'b', weight: 1 },
      ])
      const y = chooseVariant('experiment-2', `contact-${i}`, [
        { id: 'a', weight: 1 },
        { id: 'b', weight: 1 },
      ])
      if (x?.id !== y?.id) moved++
    }
    expect(moved).toBeGreaterThan(350)
    expect(moved).toBeLessThan(650)
  })

  it('computes the intervals by their formulas', () => {
    expect(meanInterval(1, 0.5, null)).toEqual({ n: 1, mean: 0.5, low: null, high: null })
    const m = meanInterval(4, 0.5, 0.2)
    expect(m.low).toBeCloseTo(0.5 - (1.959964 * 0.2) / 2, 6)
    expect(m.high).toBeCloseTo(0.5 + (1.959964 * 0.2) / 2, 6)
    // Wilson for 1 of 4: the textbook 0.0456..0.6994.
    const w = wilsonInterval(1, 4)
    expect(w.rate).toBe(0.25)
    expect(w.low).toBeCloseTo(0.0456, 3)
    expect(w.high).toBeCloseTo(0.6994, 3)
    expect(wilsonInterval(0, 0).rate).toBeNull()
  })
})

describe('experiments on live traffic', () => {
  it('welcomes and answers a customer with their variant, sticky, and never touches another organization', async () => {
    const org = await orgWithNumber()
    const other = await orgWithNumber('Welcome from the other organization')
    const created = await api(rt, owner, 'POST', `/api/organizations/${org.id}/experiments`, TWO_VARIANTS)
    expect(created.status).toBe(201)
    const experiment = created.body.experiment
    expect(experiment.variants.map((v: { name: string }) => v.name)).toEqual(['Formal', 'Casual'])

    const from = uniquePhone()
    model.script({ text: 'We are open until six.' })
    const sent = await api(rt, owner, 'POST', `/api/organizations/${org.id}/simulator/messages`, {
      from,
      body: 'When are you open?',
    })
    expect(sent.status).toBe(202)
    const seen = await waitFor(
      async () => {
        const res = await api(
          rt,
          owner,
          'GET',
          `/api/organizations/${org.id}/simulator/messages?from=${encodeURIComponent(from)}`,
        )
        const list: { source: string; status: string; body: string }[] = res.body.messages
        return list.length >= 3 && list[2]?.status === 'delivered' ? list : null
      },
      { what: 'the welcome and the answer' },
    )

    const db = rt.services.db
    const [assignment] = await db
      .select()
      .from(experimentAssignments)
      .where(eq(experimentAssignments.experimentId, experiment.id))
    const variant = experiment.variants.find((v: { id: string }) => v.id === assignment?.variantId)
    expect(variant).toBeDefined()
    expect(seen[1]).toMatchObject({ source: 'welcome', body: variant.settings.welcomeMessage })
    // The model got the variant's tone, instructions and (for Formal) model.
    const request = nth(model.requests, -1, 'the model request')
    const system = messageText(first(request.body.messages.filter((m) => m.role === 'system')))
    expect(system).toContain(`Tone: ${variant.settings.tone}.`)
    expect(system).toContain(variant.settings.instructions)
    expect(request.body.model).toBe(variant.name === 'Formal' ? 'model-two' : 'model-one')
    // Both replies record the variant.
    const replies = await db
      .select({ source: messages.source, variantId: messages.variantId })
      .from(messages)
      .where(and(eq(messages.organizationId, org.id), eq(messages.direction, 'outbound')))
    expect(replies.map((r) => r.variantId)).toEqual([variant.id, variant.id])

    // Sticky: even weighted entirely to the other variant, the contact keeps theirs (read from the database).
    const contactId = defined(assignment, 'row').contactId
    await db
      .update(experimentVariants)
      .set({ weight: 100 })
      .where(eq(experimentVariants.experimentId, experiment.id))
    await db.update(experimentVariants).set({ weight: 1 }).where(eq(experimentVariants.id, variant.id))
    for (let i = 0; i < 3; i++) {
      expect((await variantFor(db, { organizationId: org.id, contactId }))?.variantId).toBe(variant.id)
    }
    // Another organization: no experiment, its own welcome, no variant recorded; and org A's
    // experiment is not found for org B's contact nor for A's contact under B.
    const otherFrom = uniquePhone()
    await api(rt, owner, 'POST', `/api/organizations/${other.id}/simulator/messages`, {
      from: otherFrom,
      body: 'Hi',
    })
    const otherSeen = await waitFor(
      async () => {
        const res = await api(
          rt,
          owner,
          'GET',
          `/api/organizations/${other.id}/simulator/messages?from=${encodeURIComponent(otherFrom)}`,
        )
        const list: { source: string; status: string; body: string }[] = res.body.messages
        return list.length >= 3 && list[2]?.status === 'delivered' ? list : null
      },
      { what: 'the other organization’s replies' },
    )
    expect(otherSeen[1]?.body).toBe('Welcome from the other organization')
    expect(await variantFor(db, { organizationId: other.id, contactId })).toBeNull()
    const otherVariants = await db
      .select({ variantId: messages.variantId })
      .from(messages)
      .where(eq(messages.organizationId, other.id))
    expect(otherVariants.every((r) => r.variantId === null)).toBe(true)
    expect(
      await db.select().from(experimentAssignments).where(eq(experimentAssignments.organizationId, other.id)),
    ).toEqual([])
  })

  it('reports each variant’s figures against hand-computed rows, then promotes one', async () => {
    const org = await createOrganization(rt, owner, {
      ai: { tone: 'friendly', language: 'en', provider: 'compatible', model: 'model-one' },
    })
    const created = await api(rt, owner, 'POST', `/api/organizations/${org.id}/experiments`, TWO_VARIANTS)
    const [formal, casual] = created.body.experiment.variants
    const db = rt.services.db
    // Formal: 2 customers, 4 answers in 2 conversations, latencies 100 200 300 400, scores 0.2 0.4 0.6 0.8
    // (one of them handed off), ratings 4 and 5. Casual: 1 customer, 1 answer, score 1, no rating.
    // A simulated customer's answer of Formal is never counted.
    const customer = async (variantId: string, simulated = false) => {
      const [c] = await db
        .insert(contacts)
        .values({ organizationId: org.id, waId: uniquePhone().replace('+', ''), simulated })
        .returning()
      const [cv] = await db
        .insert(conversations)
        .values({ organizationId: org.id, contactId: defined(c, 'row').id, channelNumber: '+250700000000' })
        .returning()
      await db.insert(experimentAssignments).values({
        experimentId: created.body.experiment.id,
        contactId: defined(c, 'row').id,
        organizationId: org.id,
        variantId,
      })
      return defined(cv, 'row')
    }
    const answer = async (
      cv: { id: string },
      variantId: string,
      latencyMs: number,
      score: number,
      escalated = false,
    ) => {
      const [m] = await db
        .insert(messages)
        .values({
          organizationId: org.id,
          conversationId: cv.id,
          direction: 'outbound',
          body: 'An answer',
          status: 'delivered',
          source: 'ai',
          variantId,
          latencyMs,
        })
        .returning()
      await db.insert(answerScores).values({
        messageId: defined(m, 'row').id,
        organizationId: org.id,
        conversationId: cv.id,
        variantId,
        score,
        escalated,
      })
    }
    const f1 = await customer(formal.id)
    const f2 = await customer(formal.id)
    await answer(f1, formal.id, 100, 0.2)
    await answer(f1, formal.id, 200, 0.4, true)
    await answer(f2, formal.id, 300, 0.6)
    await answer(f2, formal.id, 400, 0.8)
    await db.update(conversations).set({ rating: 4 }).where(eq(conversations.id, f1.id))
    await db.update(conversations).set({ rating: 5 }).where(eq(conversations.id, f2.id))
    const c1 = await customer(casual.id)
    await answer(c1, casual.id, 50, 1)
    const sim = await customer(formal.id, true)
    await answer(sim, formal.id, 9999, 0, true)

    const res = await api(
      rt,
      owner,
      'GET',
      `/api/organizations/${org.id}/experiments/${created.body.experiment.id}`,
    )
    expect(res.status).toBe(200)
    const [rf, rc] = res.body.experiment.variants.map((v: { results: unknown }) => v.results)
    expect(rf).toMatchObject({ contacts: 2, answers: 4, conversations: 2 })
    expect(rf.latencyMs.p50).toBeCloseTo(250, 6)
    expect(rf.latencyMs.p90).toBeCloseTo(370, 6)
    // Scores: mean 0.5, sample sd √(0.2/3) = 0.2582; half-width 1.96 × 0.2582 / 2.
    expect(rf.qualityScore.mean).toBeCloseTo(0.5, 6)
    expect(rf.qualityScore.high - rf.qualityScore.mean).toBeCloseTo((1.959964 * Math.sqrt(0.2 / 3)) / 2, 4)
    expect(rf.handOffRate).toMatchObject({ n: 4, count: 1, rate: 0.25 })
    expect(rf.handOffRate.low).toBeCloseTo(0.0456, 3)
    // Ratings 4 and 5: mean 4.5, sd 0.7071, half-width 1.96 × 0.7071 / √2 = 0.98.
    expect(rf.rating.mean).toBeCloseTo(4.5, 6)
    expect(rf.rating.low).toBeCloseTo(4.5 - 0.98, 2)
    expect(rc).toMatchObject({ contacts: 1, answers: 1, conversations: 1 })
    expect(rc.qualityScore).toEqual({ n: 1, mean: 1, low: null, high: null })
    expect(rc.rating).toEqual({ n: 0, mean: null, low: null, high: null })

    // A second running experiment is refused; promoting ends this one and applies the variant.
    expect(
      (await api(rt, owner, 'POST', `/api/organizations/${org.id}/experiments`, TWO_VARIANTS)).status,
    ).toBe(409)
    const promoted = await api(
      rt,
      owner,
      'POST',
      `/api/organizations/${org.id}/experiments/${created.body.experiment.id}/promote`,
      { variantId: formal.id },
    )
    expect(promoted.status).toBe(200)
    expect(promoted.body.experiment).toMatchObject({ status: 'ended', winnerVariantId: formal.id })
    const after = await api(rt, owner, 'GET', `/api/organizations/${org.id}`)
    expect(after.body.organization.ai).toMatchObject({
      tone: 'formal',
      provider: 'compatible',
      model: 'model-two',
      instructions: 'Always sign as ZEBRA-FORMAL.',
    })
    expect(after.body.organization.welcomeMessage).toBe('Good day, welcome (variant formal).')
    const audit = await api(
      rt,
      owner,
      'GET',
      `/api/organizations/${org.id}/audit-log?action=experiment.promoted`,
    )
    expect(audit.body.entries[0]).toMatchObject({
      action: 'experiment.promoted',
      targetId: created.body.experiment.id,
    })
    // The promoted instructions reach the prompt without an experiment.
    model.script({ text: 'Noted.' })
    const { answerCustomer } = await import('../src/server/core/knowledge/answer-customer.js')
    await answerCustomer({
      ctx: rt.services,
      input: { organizationId: org.id, message: 'Hello?', history: [] },
    })
    const system = messageText(
      first(nth(model.requests, -1).body.messages.filter((m) => m.role === 'system')),
    )
    expect(system).toContain('ZEBRA-FORMAL')
    expect(system).toContain('Tone: formal.')
    // Ended: a new one may start; ending twice is a conflict.
    expect(
      (
        await api(
          rt,
          owner,
          'POST',
          `/api/organizations/${org.id}/experiments/${created.body.experiment.id}/end`,
        )
      ).status,
    ).toBe(409)
    expect(
      (await api(rt, owner, 'POST', `/api/organizations/${org.id}/experiments`, TWO_VARIANTS)).status,
    ).toBe(201)
  })

  it('validates the variants', async () => {
    const org = await createOrganization(rt, owner)
    const path = `/api/organizations/${org.id}/experiments`
    const one = { name: 'x', variants: [TWO_VARIANTS.variants[0]] }
    expect((await api(rt, owner, 'POST', path, one)).status).toBe(400)
    const badModel = structuredClone(TWO_VARIANTS)
    ;(badModel.variants[1]?.settings as Record<string, unknown>).model = 'compatible:not-served'
    const refused = await api(rt, owner, 'POST', path, badModel)
    expect(refused.status).toBe(400)
    expect(JSON.stringify(refused.body)).toContain('variants.1.settings.model')
    const heavy = structuredClone(TWO_VARIANTS)
    ;(heavy.variants[0] as { weight: number }).weight = 101
    expect((await api(rt, owner, 'POST', path, heavy)).status).toBe(400)
    const long = structuredClone(TWO_VARIANTS)
    ;(long.variants[0]?.settings as Record<string, unknown>).instructions = 'x'.repeat(2001)
    expect((await api(rt, owner, 'POST', path, long)).status).toBe(400)
  })
})

describe('experiments security', () => {
  it('answers 401 without a session, 404 to another tenant or a bad id, 403 to an agent writing', async () => {
    const org = await createOrganization(rt, owner)
    const path = `/api/organizations/${org.id}/experiments`
    const created = await api(rt, owner, 'POST', path, TWO_VARIANTS)
    const eid = created.body.experiment.id
    expect((await api(rt, undefined, 'GET', path)).status).toBe(401)
    expect((await api(rt, undefined, 'POST', path, TWO_VARIANTS)).status).toBe(401)
    const stranger = await signUp(rt)
    expect((await api(rt, stranger, 'GET', path)).status).toBe(404)
    expect((await api(rt, stranger, 'GET', `${path}/${eid}`)).status).toBe(404)
    expect((await api(rt, stranger, 'POST', `${path}/${eid}/end`)).status).toBe(404)
    // Another organization of the same owner does not see this experiment.
    const mine = await createOrganization(rt, owner)
    expect((await api(rt, owner, 'GET', `/api/organizations/${mine.id}/experiments/${eid}`)).status).toBe(404)
    expect(
      (await api(rt, owner, 'POST', `/api/organizations/${mine.id}/experiments/${eid}/end`)).status,
    ).toBe(404)
    expect((await api(rt, owner, 'GET', `${path}/not-a-uuid`)).status).toBe(404)
    const agent = await signUp(rt)
    await addMember(rt, owner, org.id, agent, 'agent')
    expect((await api(rt, agent, 'GET', `${path}/${eid}`)).status).toBe(200)
    expect((await api(rt, agent, 'POST', path, TWO_VARIANTS)).status).toBe(403)
    expect((await api(rt, agent, 'POST', `${path}/${eid}/end`)).status).toBe(403)
    expect(
      (
        await api(rt, agent, 'POST', `${path}/${eid}/promote`, {
          variantId: created.body.experiment.variants[0].id,
        })
      ).status,
    ).toBe(403)
    const listed = await api(rt, agent, 'GET', path)
    expect(listed.body.experiments.map((e: { id: string }) => e.id)).toEqual([eid])
    expect(
      (
        await api(rt, owner, 'POST', `${path}/${eid}/promote`, {
          variantId: '00000000-0000-4000-8000-000000000000',
        })
      ).status,
    ).toBe(400)
  })
})
