import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAQ_ANSWER_PLACEHOLDER } from '../src/server/core/unanswered/draft-faq.js'
import {
  answerScores,
  contacts,
  conversations,
  knowledgeChunks,
  messages,
} from '../src/server/db/schema/index.js'
import { defined } from './support/defined.js'
import { addMember, api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { uniquePhone } from './support/whatsapp.js'

// Questions the assistant could not answer, grouped by similarity (paraphrases in English and
// French together, unrelated questions apart), with a person's answer from the chat, turned into
// an FAQ draft that leaves the list.
let rt: TestRuntime
let owner: TestUser
beforeAll(async () => {
  rt = await startTestRuntime({ env: { MAX_ORGANIZATIONS_PER_USER: '50' } })
  owner = await signUp(rt)
})
afterAll(async () => {
  await rt?.close()
})

type Signal = 'dont_know' | 'low' | 'escalated' | 'answered'

/** A customer asks in a new chat; the assistant's scored answer; optionally a person replies after. */
async function ask(orgId: string, question: string, signal: Signal, agentReply?: string, simulated = false) {
  const db = rt.services.db
  const [c] = await db
    .insert(contacts)
    .values({ organizationId: orgId, waId: uniquePhone().replace('+', ''), simulated })
    .returning()
  const [cv] = await db
    .insert(conversations)
    .values({ organizationId: orgId, contactId: defined(c, 'contact').id, channelNumber: '+250700000000' })
    .returning()
  const conversationId = defined(cv, 'conversation').id
  const at = (ms: number) => new Date(Date.now() - 60_000 + ms)
  const [q] = await db
    .insert(messages)
    .values({
      organizationId: orgId,
      conversationId,
      direction: 'inbound',
      body: question,
      status: 'received',
      source: 'customer',
      createdAt: at(0),
    })
    .returning()
  const [a] = await db
    .insert(messages)
    .values({
      organizationId: orgId,
      conversationId,
      direction: 'outbound',
      body: 'Sorry, I do not have this information.',
      status: 'delivered',
      source: 'ai',
      createdAt: at(10),
    })
    .returning()
  await db.insert(answerScores).values({
    messageId: defined(a, 'answer').id,
    organizationId: orgId,
    conversationId,
    questionMessageId: defined(q, 'question').id,
    saidDontKnow: signal === 'dont_know',
    lowConfidence: signal === 'low',
    escalated: signal === 'escalated',
    fromKnowledge: signal === 'answered',
    score: signal === 'answered' ? 0.9 : 0.2,
  })
  if (agentReply) {
    await db.insert(messages).values({
      organizationId: orgId,
      conversationId,
      direction: 'outbound',
      body: agentReply,
      status: 'delivered',
      source: 'agent',
      createdAt: at(20),
    })
  }
  return defined(q, 'question').id
}

interface Group {
  id: string
  label: string
  count: number
  questions: { messageId: string; text: string }[]
  agentAnswer: string | null
}

const groupsOf = async (orgId: string, user: TestUser = owner) => {
  const res = await api(rt, user, 'GET', `/api/organizations/${orgId}/unanswered`)
  expect(res.status).toBe(200)
  return res.body.groups as Group[]
}
const texts = (g: Group | undefined) => (g?.questions.map((q) => q.text) ?? []).sort()

describe('unanswered questions', () => {
  it('groups paraphrases in English and French together and unrelated questions apart', async () => {
    const org = await createOrganization(rt, owner)
    await ask(org.id, 'Do you deliver to Kigali?', 'dont_know')
    await ask(org.id, 'Is there delivery to Kigali?', 'low', 'Yes, we deliver in Kigali for 2,000 RWF.')
    await ask(org.id, 'Livrez-vous à Kigali ?', 'escalated')
    await ask(org.id, 'Is there parking nearby?', 'dont_know')
    await ask(org.id, 'Where can I park my car?', 'dont_know')
    await ask(org.id, 'Où puis-je garer ma voiture ?', 'low')
    await ask(org.id, 'Can I bring my dog?', 'dont_know')
    await ask(org.id, 'Are pets allowed?', 'escalated')
    await ask(org.id, 'Les chiens sont-ils acceptés ?', 'dont_know')
    await ask(org.id, 'Can I get a refund?', 'dont_know')
    await ask(org.id, 'Puis-je être remboursé ?', 'low')
    await ask(org.id, 'What is the wifi password?', 'dont_know')
    // Answered well, or asked in the simulator: not unanswered questions.
    await ask(org.id, 'Do you deliver to Kigali please?', 'answered')
    await ask(org.id, 'Can I bring my cat?', 'dont_know', undefined, true)

    const groups = await groupsOf(org.id)
    const byLabel = (label: string) => groups.find((g) => g.label === label)
    expect(texts(byLabel('Do you deliver to Kigali?'))).toEqual(
      ['Do you deliver to Kigali?', 'Is there delivery to Kigali?', 'Livrez-vous à Kigali ?'].sort(),
    )
    expect(texts(byLabel('Is there parking nearby?'))).toEqual(
      ['Is there parking nearby?', 'Où puis-je garer ma voiture ?', 'Where can I park my car?'].sort(),
    )
    expect(texts(byLabel('Can I bring my dog?'))).toEqual(
      ['Are pets allowed?', 'Can I bring my dog?', 'Les chiens sont-ils acceptés ?'].sort(),
    )
    expect(texts(byLabel('Can I get a refund?'))).toEqual(['Can I get a refund?', 'Puis-je être remboursé ?'])
    expect(texts(byLabel('What is the wifi password?'))).toEqual(['What is the wifi password?'])
    expect(groups).toHaveLength(5)
    expect(groups.map((g) => g.count)).toEqual([3, 3, 3, 2, 1])
    // A person answered one of the delivery questions in its chat.
    expect(byLabel('Do you deliver to Kigali?')?.agentAnswer).toBe('Yes, we deliver in Kigali for 2,000 RWF.')
    expect(byLabel('Can I bring my dog?')?.agentAnswer).toBeNull()
    // Stable: the same ids on a second read.
    expect((await groupsOf(org.id)).map((g) => g.id)).toEqual(groups.map((g) => g.id))
  })

  it('turns a group into an FAQ draft that leaves the list', async () => {
    const org = await createOrganization(rt, owner)
    await ask(org.id, 'Do you deliver to Kigali?', 'dont_know')
    await ask(org.id, 'Livrez-vous à Kigali ?', 'escalated', 'Oui, nous livrons à Kigali.')
    await ask(org.id, 'Can I bring my dog?', 'dont_know')
    const groups = await groupsOf(org.id)
    const delivery = defined(
      groups.find((g) => g.label === 'Do you deliver to Kigali?'),
      'the delivery group',
    )
    const dogs = defined(
      groups.find((g) => g.label === 'Can I bring my dog?'),
      'the dog group',
    )

    const made = await api(
      rt,
      owner,
      'POST',
      `/api/organizations/${org.id}/unanswered/${delivery.id}/faq-draft`,
    )
    expect(made.status).toBe(201)
    expect(made.body.source).toMatchObject({
      kind: 'faq',
      question: 'Do you deliver to Kigali?',
      content: 'Oui, nous livrons à Kigali.',
    })
    const knowledge = await api(rt, owner, 'GET', `/api/organizations/${org.id}/knowledge`)
    expect(knowledge.body.sources.some((s: { id: string }) => s.id === made.body.source.id)).toBe(true)
    const after = await groupsOf(org.id)
    expect(after.map((g) => g.label)).toEqual(['Can I bring my dog?'])
    // Asked again twice: gone, 404.
    expect(
      (await api(rt, owner, 'POST', `/api/organizations/${org.id}/unanswered/${delivery.id}/faq-draft`))
        .status,
    ).toBe(404)

    // Nobody answered the dogs: a placeholder the owner must edit.
    const draft = await api(rt, owner, 'POST', `/api/organizations/${org.id}/unanswered/${dogs.id}/faq-draft`)
    expect(draft.status).toBe(201)
    expect(draft.body.source.content).toBe(FAQ_ANSWER_PLACEHOLDER)
    expect(await groupsOf(org.id)).toEqual([])
    // Training leaves the unwritten draft out: customers never receive the placeholder.
    expect((await api(rt, owner, 'POST', `/api/organizations/${org.id}/train`)).status).toBe(202)
    await waitFor(
      async () =>
        (await api(rt, owner, 'GET', `/api/organizations/${org.id}/knowledge`)).body.training.status ===
        'trained',
      { what: 'training' },
    )
    const trainedChunks = await rt.services.db
      .select({ sourceId: knowledgeChunks.sourceId })
      .from(knowledgeChunks)
      .where(eq(knowledgeChunks.organizationId, org.id))
    expect(trainedChunks.map((c) => c.sourceId)).toContain(made.body.source.id)
    expect(trainedChunks.map((c) => c.sourceId)).not.toContain(draft.body.source.id)
    // Deleting the FAQ brings its questions back.
    expect(
      (await api(rt, owner, 'DELETE', `/api/organizations/${org.id}/knowledge/${draft.body.source.id}`))
        .status,
    ).toBe(200)
    expect((await groupsOf(org.id)).map((g) => g.label)).toEqual(['Can I bring my dog?'])
  })

  it('keeps tenants apart and checks roles', async () => {
    const org = await createOrganization(rt, owner)
    const questionId = await ask(org.id, 'Can I bring my dog?', 'dont_know')
    const [group] = await groupsOf(org.id)
    const path = `/api/organizations/${org.id}/unanswered`
    const draft = `${path}/${defined(group, 'group').id}/faq-draft`
    expect((await api(rt, undefined, 'GET', path)).status).toBe(401)
    expect((await api(rt, undefined, 'POST', draft)).status).toBe(401)
    const stranger = await signUp(rt)
    expect((await api(rt, stranger, 'GET', path)).status).toBe(404)
    expect((await api(rt, stranger, 'POST', draft)).status).toBe(404)
    // Another organization of the same owner neither lists nor drafts this one's questions.
    const mine = await createOrganization(rt, owner)
    expect(await groupsOf(mine.id)).toEqual([])
    expect(
      (
        await api(
          rt,
          owner,
          'POST',
          `/api/organizations/${mine.id}/unanswered/${defined(group, 'group').id}/faq-draft`,
        )
      ).status,
    ).toBe(404)
    const viewer = await signUp(rt)
    await addMember(rt, owner, org.id, viewer, 'viewer')
    expect((await groupsOf(org.id, viewer)).map((g) => g.questions[0]?.messageId)).toEqual([questionId])
    expect((await api(rt, viewer, 'POST', draft)).status).toBe(403)
    expect((await api(rt, owner, 'POST', `${path}/not-a-group/faq-draft`)).status).toBe(404)
    expect((await api(rt, owner, 'GET', `/api/organizations/not-a-uuid/unanswered`)).status).toBe(404)
    expect((await api(rt, owner, 'GET', `${path}?from=yesterday`)).status).toBe(400)
    expect((await api(rt, owner, 'GET', `${path}?from=2025-02-01&to=2025-01-01`)).status).toBe(400)
    // A range without the question.
    const old = await api(rt, owner, 'GET', `${path}?from=2020-01-01&to=2020-01-31`)
    expect(old.body.groups).toEqual([])
    // The question rows stay the organization's own.
    const [row] = await rt.services.db.select().from(messages).where(eq(messages.id, questionId))
    expect(row?.organizationId).toBe(org.id)
  })
})
