import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { askRating } from '../src/server/core/quality/ask-rating.js'
import { answerScore, conversationScore } from '../src/server/core/quality/score.js'
import { followupOf, isLowConfidence, ratingOf, saysDontKnow } from '../src/server/core/quality/signals.js'
import { answerScores, conversations, inbox, messages, monthlyUsage } from '../src/server/db/schema/index.js'
import { defined, first } from './support/defined.js'
import { addMember, api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { startTwilioTestRuntime, type TwilioTestRuntime } from './support/setups.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, repliesTo, uniquePhone } from './support/whatsapp.js'

// Scripted conversations through the signed webhook, answered by the built-in responder: every AI
// answer is scored from its signals, the customer's next message marks it, and a customer asked to
// rate the conversation answers "4", which is stored and not answered.

let rt: TwilioTestRuntime
let owner: TestUser
let orgId: string
let number: string

beforeAll(async () => {
  rt = await startTwilioTestRuntime()
  owner = await signUp(rt)
  const org = await createOrganization(rt, owner, { ai: { tone: 'friendly', language: 'en' } })
  orgId = org.id
  const kb = `/api/organizations/${orgId}/knowledge`
  await api(rt, owner, 'POST', kb, {
    kind: 'faq',
    question: 'Do you deliver?',
    content: 'Yes, we deliver within 5 km of the bakery for 3 EUR.',
  })
  await api(rt, owner, 'POST', kb, {
    kind: 'faq',
    question: 'Can I pay by card?',
    content: 'Yes, we take Visa and Mastercard.',
  })
  await api(rt, owner, 'POST', `/api/organizations/${orgId}/train`)
  await waitFor(async () => (await api(rt, owner, 'GET', kb)).body.training.status === 'trained', {
    what: 'training',
  })
  number = await giveActiveNumber(rt, orgId)
})
afterAll(async () => {
  await rt?.close()
})

/** The customer writes; resolves with the message's id once its inbox row is done. */
async function customerSays(from: string, body: string) {
  const params = inboundParams({ from, to: number, body })
  expect((await postTwilio(rt, '/api/whatsapp/webhook', params)).status).toBe(200)
  const row = await waitFor(
    async () => {
      const [r] = await rt.services.db.select().from(inbox).where(eq(inbox.messageSid, params.MessageSid))
      return r?.doneAt ? r : null
    },
    { what: `inbox row for "${body}"` },
  )
  return { sid: params.MessageSid, messageId: defined(row.messageId, 'message id'), outcome: row.outcome }
}

/** The customer's question and the score of the AI answer to it (waits for the score). */
async function askAndScore(from: string, body: string) {
  const q = await customerSays(from, body)
  const answer = await waitFor(async () => (await repliesTo(rt, q.sid)).find((r) => r.source === 'ai'), {
    what: `the answer to "${body}"`,
  })
  const score = await waitFor(
    async () =>
      (await rt.services.db.select().from(answerScores).where(eq(answerScores.messageId, answer.id)))[0],
    { what: `the score of the answer to "${body}"` },
  )
  return { ...q, from, answer, score }
}

const scoreOf = async (messageId: string) =>
  first(await rt.services.db.select().from(answerScores).where(eq(answerScores.messageId, messageId)))
const conversationOf = async (id: string) =>
  first(await rt.services.db.select().from(conversations).where(eq(conversations.id, id)))

describe('scoring AI answers', () => {
  it('scores an answer from the knowledge higher than a don’t-know, with its passages', async () => {
    const known = await askAndScore(uniquePhone(), 'Do you deliver?')
    expect(known.answer.body).toContain('we deliver within 5 km')
    expect(known.score).toMatchObject({
      organizationId: orgId,
      questionMessageId: known.messageId,
      fromKnowledge: true,
      saidDontKnow: false,
      escalated: false,
      lowConfidence: false,
      followup: null,
      grade: null,
    })
    expect(known.score.passages).toHaveLength(1)
    expect(known.score.passages[0]).toMatchObject({ title: expect.stringContaining('deliver') })
    expect(known.score.topScore).toBeGreaterThan(0.15)
    expect(known.score.score).toBe(0.9)

    const unknown = await askAndScore(uniquePhone(), 'Do you repair bicycles?')
    expect(unknown.answer.body).toContain("I don't have that information")
    expect(unknown.score).toMatchObject({ fromKnowledge: false, saidDontKnow: true, passages: [] })
    expect(unknown.score.score).toBe(0.2)
    expect(known.score.score).toBeGreaterThan(unknown.score.score)

    // Each conversation's score is the mean of its answers' (one each here).
    expect((await conversationOf(known.score.conversationId)).qualityScore).toBeCloseTo(0.9, 5)
    expect((await conversationOf(unknown.score.conversationId)).qualityScore).toBeCloseTo(0.2, 5)
  })

  it('marks the previous answer when the customer thanks, repeats the question, or asks for a person', async () => {
    const thanked = await askAndScore(uniquePhone(), 'Do you deliver?')
    await customerSays(thanked.from, 'Thank you so much!')
    const afterThanks = await waitFor(
      async () => ((await scoreOf(thanked.answer.id)).followup ? scoreOf(thanked.answer.id) : null),
      { what: 'the thanks recorded' },
    )
    expect(afterThanks.followup).toBe('thanked')
    expect(afterThanks.score).toBe(1)

    const repeated = await askAndScore(uniquePhone(), 'Do you repair bicycles?')
    await customerSays(repeated.from, 'do you repair bicycles??')
    const afterRepeat = await waitFor(
      async () => ((await scoreOf(repeated.answer.id)).followup ? scoreOf(repeated.answer.id) : null),
      { what: 'the repeat recorded' },
    )
    expect(afterRepeat.followup).toBe('repeated')
    expect(afterRepeat.score).toBe(0)

    const person = await askAndScore(uniquePhone(), 'Can I pay by card?')
    const handOff = await askAndScore(person.from, 'I want to talk to a real person')
    const afterAsk = await scoreOf(person.answer.id)
    expect(afterAsk.followup).toBe('asked_person')
    expect(afterAsk.score).toBe(0.6)
    // The hand-off answer itself: a person will help, escalated.
    expect(handOff.score).toMatchObject({ saidDontKnow: true, escalated: true, fromKnowledge: false })
    expect(handOff.score.score).toBe(0.1)
    const conv = await conversationOf(person.score.conversationId)
    expect(conv.qualityScore).toBeCloseTo((0.6 + 0.1) / 2, 5)
  })

  it('asks for a rating after the quiet period, stores "4", and the AI does not answer it', async () => {
    await api(rt, owner, 'PUT', `/api/organizations/${orgId}/quality-settings`, {
      grading: 'off',
      sampleRate: 0.2,
      askRating: true,
      ratingDelayMinutes: 1,
    })
    const customer = uniquePhone()
    const q = await askAndScore(customer, 'Do you deliver?')
    const conversationId = q.score.conversationId
    // Every answer schedules the question for its quiet period.
    const scheduled = await rt.services.db.execute(
      sql`select start_after from pgboss.job where name = 'quality.ask-rating' and data->>'conversationId' = ${conversationId}`,
    )
    expect(rowsIn(scheduled).length).toBeGreaterThanOrEqual(1)

    // Not quiet yet: nothing is asked.
    await askRating({ ctx: rt.services, input: { organizationId: orgId, conversationId } })
    expect((await conversationOf(conversationId)).ratingAskedAt).toBeNull()

    // A minute and more later (the conversation's messages moved back in time).
    await rt.services.db.execute(
      sql`update messages set created_at = created_at - interval '2 minutes' where conversation_id = ${conversationId}`,
    )
    const usageBefore = await usage()
    await askRating({ ctx: rt.services, input: { organizationId: orgId, conversationId } })
    const asked = await conversationOf(conversationId)
    expect(asked.ratingAskedAt).not.toBeNull()
    const question = first(
      await rt.services.db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), eq(messages.source, 'rating_request'))),
    )
    expect(question.body).toBe('How would you rate this conversation from 1 to 5? Just reply with a number.')
    await waitFor(
      async () =>
        rt.twilio.state.messages.some((m) => m.to === `whatsapp:${customer}` && m.body === question.body),
      { what: 'the rating question sent' },
    )
    expect(await usage()).toBe(usageBefore)
    // Asked once: a second run sends nothing more.
    await askRating({ ctx: rt.services, input: { organizationId: orgId, conversationId } })
    const questions = await rt.services.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.source, 'rating_request')))
    expect(questions).toHaveLength(1)

    const rating = await customerSays(customer, '4')
    expect(rating.outcome).toBe('no-reply')
    expect(await repliesTo(rt, rating.sid)).toEqual([])
    const rated = await waitFor(
      async () => {
        const c = await conversationOf(conversationId)
        return c.rating === null ? null : c
      },
      { what: 'the rating stored' },
    )
    expect(rated.rating).toBe(4)
    expect(rated.ratedAt).not.toBeNull()
    // Half the answers' mean (0.9), half the rating ((4 − 1) / 4).
    expect(rated.qualityScore).toBeCloseTo(0.5 * 0.9 + 0.5 * 0.75, 5)
    expect(await usage()).toBe(usageBefore)

    // A "4" nobody asked for is an ordinary message, answered.
    const other = await askAndScore(uniquePhone(), 'Do you deliver?')
    const plain = await customerSays(other.from, '4')
    expect(plain.outcome).not.toBe('no-reply')
    expect((await conversationOf(other.score.conversationId)).rating).toBeNull()
  })
})

describe('quality routes', () => {
  it('reads and saves the quality settings; validates; guards by role and tenant', async () => {
    const path = `/api/organizations/${orgId}/quality-settings`
    const other = await signUp(rt)
    const saved = await api(rt, owner, 'PUT', path, {
      grading: 'sample',
      sampleRate: 0.5,
      askRating: false,
      ratingDelayMinutes: 45,
    })
    expect(saved.status).toBe(200)
    expect(saved.body).toEqual({
      grading: 'sample',
      sampleRate: 0.5,
      askRating: false,
      ratingDelayMinutes: 45,
    })
    expect((await api(rt, owner, 'GET', path)).body).toEqual(saved.body)
    // Saving the AI settings keeps them.
    await api(rt, owner, 'PATCH', `/api/organizations/${orgId}`, { ai: { tone: 'formal', language: 'en' } })
    expect((await api(rt, owner, 'GET', path)).body).toEqual(saved.body)

    expect((await api(rt, owner, 'PUT', path, { ...saved.body, sampleRate: 2 })).status).toBe(400)
    expect((await api(rt, owner, 'PUT', path, { ...saved.body, grading: 'sometimes' })).status).toBe(400)
    expect((await api(rt, undefined, 'GET', path)).status).toBe(401)
    expect((await api(rt, undefined, 'PUT', path, saved.body)).status).toBe(401)
    expect((await api(rt, other, 'GET', path)).status).toBe(404)
    expect((await api(rt, other, 'PUT', path, saved.body)).status).toBe(404)
    const agent = await signUp(rt)
    await addMember(rt, owner, orgId, agent, 'agent')
    expect((await api(rt, agent, 'GET', path)).status).toBe(200)
    expect((await api(rt, agent, 'PUT', path, saved.body)).status).toBe(403)
  })

  it('reports the distribution, the worst conversations, the trend and the ratings', async () => {
    // Yesterday to tomorrow (UTC dates): today in whatever zone the organization is in.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
    const today = day(0)
    const path = `/api/organizations/${orgId}/quality?from=${day(-1)}&to=${day(1)}`
    const res = await api(rt, owner, 'GET', path)
    expect(res.status).toBe(200)
    const report = res.body
    expect(report.timezone).toBeTruthy()
    expect(report.distribution).toHaveLength(10)
    const scored = await rt.services.db
      .select({ id: conversations.id, score: conversations.qualityScore })
      .from(conversations)
      .where(and(eq(conversations.organizationId, orgId), sql`${conversations.qualityScore} is not null`))
    const total = report.distribution.reduce((n: number, b: { count: number }) => n + b.count, 0)
    expect(total).toBe(scored.length)
    // The worst first: the conversation whose answer was repeated (0) leads, with its reason.
    const worst = report.worst[0]
    expect(worst.score).toBe(Math.min(...scored.map((s) => Number(s.score))))
    expect(worst.reasons.repeated + worst.reasons.dontKnow).toBeGreaterThan(0)
    expect(worst.contactLabel).toBeTruthy()
    expect(report.worst.map((w: { score: number }) => w.score)).toEqual(
      [...report.worst.map((w: { score: number }) => w.score)].sort((a, b) => a - b),
    )
    const answers = await rt.services.db
      .select({ n: sql<number>`count(*)::int`, mean: sql<number>`avg(score)::float8` })
      .from(answerScores)
      .where(eq(answerScores.organizationId, orgId))
    // Every answer was made today, in the organization's zone.
    expect(report.trend).toHaveLength(1)
    expect(report.trend[0].answers).toBe(first(answers).n)
    expect(report.trend[0].meanScore).toBeCloseTo(first(answers).mean, 3)
    expect(report.ratings).toEqual({
      count: 1,
      mean: 4,
      histogram: [1, 2, 3, 4, 5].map((rating) => ({ rating, count: rating === 4 ? 1 : 0 })),
    })

    expect(
      (await api(rt, owner, 'GET', `/api/organizations/${orgId}/quality?from=${today}&to=2020-01-01`)).status,
    ).toBe(400)
    expect(
      (await api(rt, owner, 'GET', `/api/organizations/${orgId}/quality?from=yesterday&to=${today}`)).status,
    ).toBe(400)
    expect((await api(rt, undefined, 'GET', path)).status).toBe(401)
    expect((await api(rt, await signUp(rt), 'GET', path)).status).toBe(404)
  })
})

describe('signals', () => {
  it('recognizes the assistant’s own don’t-know and hand-off texts in every language', () => {
    expect(
      saysDontKnow({
        text: "Désolé, je n'ai pas cette information. Souhaitez-vous qu'un membre de notre équipe vous aide ?",
      }),
    ).toBe(true)
    expect(saysDontKnow({ text: 'Samahani, sina taarifa hiyo.' })).toBe(true)
    expect(
      saysDontKnow({
        text: 'Gern! Ich leite Ihre Nachricht an jemanden aus unserem Team weiter, der Ihnen hier in Kürze antwortet.',
      }),
    ).toBe(true)
    expect(saysDontKnow({ text: "I'm sorry, I don't know our prices for that." })).toBe(true)
    expect(saysDontKnow({ text: 'Anything', escalation: 'assistant_unable' })).toBe(true)
    expect(saysDontKnow({ text: 'We deliver within 5 km for 3 EUR.' })).toBe(false)
  })

  it('judges confidence on the scale of the retrieval', () => {
    expect(isLowConfidence([{ score: 0.1 }], { mayBeFused: false })).toBe(true)
    expect(isLowConfidence([{ score: 1.2 }, { score: 0.1 }], { mayBeFused: false })).toBe(false)
    // Fused: first in both searches (2 / 61) is sure; first in one only (1 / 61) is not.
    expect(isLowConfidence([{ score: 0.0328 }], { mayBeFused: true })).toBe(false)
    expect(isLowConfidence([{ score: 0.0164 }], { mayBeFused: true })).toBe(true)
    expect(isLowConfidence([{ score: 0.8 }], { mayBeFused: true })).toBe(false)
    expect(isLowConfidence([], { mayBeFused: false })).toBe(false)
  })

  it('reads follow-ups and ratings', () => {
    expect(followupOf('merci beaucoup !', 'Vous livrez ?')).toBe('thanked')
    expect(followupOf('Asante sana', null)).toBe('thanked')
    expect(followupOf('thanks, but what about sundays?', 'open today?')).toBeNull()
    expect(followupOf('Can I speak to a human please', 'Do you deliver?')).toBe('asked_person')
    expect(followupOf('What time do you open on Sunday?', 'what time do you open on sunday')).toBe('repeated')
    expect(followupOf('And do you sell cakes?', 'What time do you open on Sunday?')).toBeNull()
    expect(['4', ' 5/5 ', '⭐⭐⭐', '2.', '3 ⭐'].map(ratingOf)).toEqual([4, 5, 3, 2, 3])
    expect(['6', '0', '45', 'four', '4 people', '⭐⭐⭐⭐⭐⭐'].map(ratingOf)).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
    ])
  })

  it('combines signals, follow-ups, grades and ratings as documented', () => {
    const base = {
      fromKnowledge: true,
      saidDontKnow: false,
      escalated: false,
      lowConfidence: false,
      followup: null,
      grade: null,
    }
    expect(answerScore(base)).toBe(0.9)
    expect(answerScore({ ...base, lowConfidence: true })).toBe(0.6)
    expect(answerScore({ ...base, fromKnowledge: false })).toBe(0.5)
    expect(answerScore({ ...base, followup: 'thanked' })).toBe(1)
    expect(answerScore({ ...base, grade: { groundedness: 1, helpfulness: 0.5, tone: 1 } })).toBe(0.85)
    expect(conversationScore(0.8, null)).toBe(0.8)
    expect(conversationScore(null, 5)).toBe(1)
    expect(conversationScore(0.8, 1)).toBe(0.4)
    expect(conversationScore(null, null)).toBeNull()
  })
})

async function usage() {
  const rows = await rt.services.db.select().from(monthlyUsage).where(eq(monthlyUsage.organizationId, orgId))
  return rows.reduce((n, r) => n + r.messageCount, 0)
}

const rowsIn = (result: unknown) =>
  (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as Record<
    string,
    unknown
  >[]
