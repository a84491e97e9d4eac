import { eq, inArray, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gradeAnswer } from '../src/server/core/quality/grade-answer.js'
import { answerScores, conversations, inbox } from '../src/server/db/schema/index.js'
import { defined, first } from './support/defined.js'
import { api, createOrganization, signUp } from './support/factories.js'
import { type FakeOpenAI, messageText, type RecordedRequest, startFakeOpenAI } from './support/fake-openai.js'
import { type FakeTwilio, startFakeTwilio, twilioEnv } from './support/fake-twilio.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, repliesTo, uniquePhone } from './support/whatsapp.js'

// Answers made by a model (the fake OpenAI-compatible server) are graded by the same model when
// the organization asks for it: the grade is stored and folded into the answer's score.

let twilio: FakeTwilio
let model: FakeOpenAI
let rt: TestRuntime

const GRADE = { groundedness: 0.8, helpfulness: 0.6, tone: 1, reason: 'Mostly supported by the FAQ.' }
const isGrading = (req: RecordedRequest) =>
  req.body.messages.some(
    (m) => m.role === 'system' && messageText(m).includes("You review a business assistant's answer"),
  )
const gradingRequests = () => model.requests.filter(isGrading)

beforeAll(async () => {
  twilio = await startFakeTwilio()
  model = await startFakeOpenAI()
  model.fallback = (req) =>
    isGrading(req)
      ? { text: `Here is my grade: ${JSON.stringify(GRADE)}` }
      : { text: 'Yes, we deliver within 5 km for 3 EUR.' }
  rt = await startTestRuntime({
    env: { ...twilioEnv(twilio), AI_COMPATIBLE_BASE_URL: `${model.url}/v1`, AI_COMPATIBLE_MODELS: 'grader' },
  })
})
afterAll(async () => {
  await rt?.close()
  await model?.close()
  await twilio?.close()
})

async function organization(quality: { grading: string; sampleRate: number }) {
  // An account owns at most five organizations: each test organization gets its own owner.
  const owner = await signUp(rt)
  const org = await createOrganization(rt, owner, {
    ai: { tone: 'friendly', language: 'en', provider: 'compatible', model: 'grader' },
  })
  const kb = `/api/organizations/${org.id}/knowledge`
  await api(rt, owner, 'POST', kb, {
    kind: 'faq',
    question: 'Do you deliver?',
    content: 'We deliver within 5 km for 3 EUR.',
  })
  await api(rt, owner, 'POST', `/api/organizations/${org.id}/train`)
  await waitFor(async () => (await api(rt, owner, 'GET', kb)).body.training.status === 'trained', {
    what: 'training',
  })
  const saved = await api(rt, owner, 'PUT', `/api/organizations/${org.id}/quality-settings`, {
    ...quality,
    askRating: false,
    ratingDelayMinutes: 30,
  })
  expect(saved.status).toBe(200)
  return { id: org.id as string, number: await giveActiveNumber(rt, org.id) }
}

/** A new customer asks; resolves with the answer's score row. */
async function answered(number: string, body = 'Do you deliver?') {
  const params = inboundParams({ from: uniquePhone(), to: number, body })
  expect((await postTwilio(rt, '/api/whatsapp/webhook', params)).status).toBe(200)
  await waitFor(
    async () =>
      (await rt.services.db.select().from(inbox).where(eq(inbox.messageSid, params.MessageSid)))[0]?.doneAt,
    { what: 'the inbox row done' },
  )
  const answer = await waitFor(async () =>
    (await repliesTo(rt, params.MessageSid)).find((r) => r.source === 'ai'),
  )
  return waitFor(
    async () =>
      (await rt.services.db.select().from(answerScores).where(eq(answerScores.messageId, answer.id)))[0],
    {
      what: 'the answer scored',
    },
  )
}

const gradeJobs = async (messageIds: string[]) => {
  const result = await rt.services.db.execute(
    sql`select data->>'messageId' as id from pgboss.job where name = 'quality.grade'`,
  )
  const rows = (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as {
    id: string
  }[]
  return rows.filter((r) => messageIds.includes(r.id))
}

describe('grading answers with the model', () => {
  it('grades every answer with grading "all": the model’s grade is stored and folded into the score', async () => {
    const org = await organization({ grading: 'all', sampleRate: 0.2 })
    const score = await answered(org.number)
    expect(score).toMatchObject({ fromKnowledge: true, saidDontKnow: false, escalated: false })
    // From the knowledge with a good match: 0.9 before the grade.
    const signalsOnly = 0.9
    const graded = await waitFor(
      async () => {
        const [row] = await rt.services.db
          .select()
          .from(answerScores)
          .where(eq(answerScores.messageId, score.messageId))
        return row?.gradedAt ? row : null
      },
      { what: 'the grade stored' },
    )
    expect(graded.grade).toEqual(GRADE)
    // Half the signals, half the grade (0.4 × 0.8 + 0.4 × 0.6 + 0.2 × 1 = 0.76).
    expect(graded.score).toBeCloseTo(0.5 * signalsOnly + 0.5 * 0.76, 3)
    const conv = first(
      await rt.services.db.select().from(conversations).where(eq(conversations.id, graded.conversationId)),
    )
    expect(conv.qualityScore).toBeCloseTo(graded.score, 3)
    // The grader saw the question, the passage and the answer.
    const request = defined(
      gradingRequests().find((r) => r.body.messages.some((m) => messageText(m).includes('Do you deliver?'))),
      'the grading request',
    )
    const prompt = request.body.messages.map(messageText).join('\n')
    expect(prompt).toContain('We deliver within 5 km for 3 EUR.')
    expect(prompt).toContain('<answer>Yes, we deliver within 5 km for 3 EUR.</answer>')
  })

  it('respects the sample rate: 0 grades none, 1 grades all', async () => {
    const none = await organization({ grading: 'sample', sampleRate: 0 })
    const all = await organization({ grading: 'sample', sampleRate: 1 })
    const noneScores: (typeof answerScores.$inferSelect)[] = []
    const allScores: (typeof answerScores.$inferSelect)[] = []
    for (let i = 0; i < 4; i++) {
      noneScores.push(await answered(none.number))
      allScores.push(await answered(all.number))
    }
    expect(await gradeJobs(noneScores.map((s) => s.messageId))).toHaveLength(0)
    expect(await gradeJobs(allScores.map((s) => s.messageId))).toHaveLength(4)
    await waitFor(
      async () => {
        const rows = await rt.services.db
          .select()
          .from(answerScores)
          .where(
            inArray(
              answerScores.messageId,
              allScores.map((s) => s.messageId),
            ),
          )
        return rows.every((r) => r.gradedAt)
      },
      { what: 'all four graded' },
    )
    const ungraded = await rt.services.db
      .select()
      .from(answerScores)
      .where(
        inArray(
          answerScores.messageId,
          noneScores.map((s) => s.messageId),
        ),
      )
    expect(ungraded.every((r) => r.grade === null && r.gradedAt === null)).toBe(true)
  })

  it('does not grade with grading "off"; a model’s hand-off is a don’t-know', async () => {
    const org = await organization({ grading: 'off', sampleRate: 1 })
    model.script({
      text: 'Sorry, I do not have that information. Someone from the team will answer. [[HANDOFF]]',
    })
    const score = await answered(org.number, 'Can I book the whole room for a wedding?')
    expect(score).toMatchObject({ saidDontKnow: true, escalated: true, fromKnowledge: false })
    expect(score.score).toBe(0.1)
    expect(await gradeJobs([score.messageId])).toHaveLength(0)
  })

  it('throws on a provider failure (the job retries) and stores nothing', async () => {
    const org = await organization({ grading: 'off', sampleRate: 0 })
    const score = await answered(org.number)
    model.script({ status: 500 }, { status: 500 }, { status: 500 })
    await expect(
      gradeAnswer({ ctx: rt.services, input: { organizationId: org.id, messageId: score.messageId } }),
    ).rejects.toThrow(/model provider/i)
    const [row] = await rt.services.db
      .select()
      .from(answerScores)
      .where(eq(answerScores.messageId, score.messageId))
    expect(row?.gradedAt).toBeNull()
    // Another organization's id finds nothing to grade.
    const other = await organization({ grading: 'off', sampleRate: 0 })
    const before = gradingRequests().length
    await gradeAnswer({ ctx: rt.services, input: { organizationId: other.id, messageId: score.messageId } })
    expect(gradingRequests().length).toBe(before)
  })
})
