import { and, eq, isNull, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../src/server/config.js'
import type { Ctx } from '../src/server/core/context.js'
import { answerCustomer } from '../src/server/core/knowledge/answer-customer.js'
import { hybridRetrieve } from '../src/server/core/knowledge/hybrid-retrieve.js'
import { retrievePassages } from '../src/server/core/knowledge/retrieve-passages.js'
import { trainKnowledge } from '../src/server/core/knowledge/train-knowledge.js'
import { knowledgeChunks, knowledgeSources, organizations } from '../src/server/db/schema/index.js'
import { defined, nth } from './support/defined.js'
import { api, createOrganization, signUp } from './support/factories.js'
import { EMBEDDING_DIMENSIONS, type FakeOpenAI, messageText, startFakeOpenAI } from './support/fake-openai.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'

// Hybrid retrieval for knowledge bases over the whole-knowledge budget (0 here: always retrieve),
// against a local OpenAI-compatible server for both the chat model and the embeddings. The fake's
// embeddings put a word and its synonyms on one concept (test/support/fake-openai.ts), so a
// paraphrase sharing no word with its passage is near it, as with a real embedding model.
let rt: TestRuntime
let fake: FakeOpenAI

const FAQS: [string, string][] = [
  ['Do you have a menu for children?', 'Children under 12 eat for half price from the children menu.'],
  ['What is your cancellation policy?', 'Reservations can be cancelled free up to 24 hours before.'],
  ['Can I bring my dog?', 'Dogs are welcome on the terrace, on a leash.'],
  ['Do you deliver?', 'We deliver within 5 km for 3 EUR.'],
  ['Is there parking?', 'Free parking behind the building, 20 spaces.'],
  ['Do you have vegan dishes?', 'Yes, every starter has a vegan version.'],
]
// Enough filler for more than one embedding request (the training embeds 50 passages per request).
const FILLER = Array.from(
  { length: 60 },
  (_, i) =>
    `# Wine ${i + 1}\n\nVintage ${1990 + i} red from the valley of Ribera number ${i + 1}, served by the glass.`,
).join('\n\n')

async function trainedOrganization(owner: Awaited<ReturnType<typeof signUp>>, faqs: [string, string][]) {
  const org = await createOrganization(rt, owner, { ai: { tone: 'friendly', language: 'en' } })
  const kb = `/api/organizations/${org.id}/knowledge`
  await api(rt, owner, 'PUT', `${kb}/profile`, { fields: { openingHours: 'Every day 9:00-17:00' } })
  for (const [question, content] of faqs) await api(rt, owner, 'POST', kb, { kind: 'faq', question, content })
  await api(rt, owner, 'POST', kb, { kind: 'text', title: 'Wine list', content: FILLER })
  await train(owner, org.id)
  return org.id as string
}

async function train(owner: Awaited<ReturnType<typeof signUp>>, organizationId: string) {
  const before = await generationOf(organizationId)
  await api(rt, owner, 'POST', `/api/organizations/${organizationId}/train`)
  await waitFor(async () => (await generationOf(organizationId)) > before, { what: 'training' })
}

async function generationOf(organizationId: string) {
  const [row] = await rt.services.db
    .select({ generation: organizations.knowledgeGeneration })
    .from(organizations)
    .where(eq(organizations.id, organizationId))
  return defined(row, 'the organization').generation
}

/** The services with the embedding model removed: what a deployment without AI_EMBEDDING_MODEL has. */
const withoutEmbeddings = (): Ctx => ({
  ...rt.services,
  config: { ...rt.config, ai: { ...rt.config.ai, embedding: undefined } },
})

let owner: Awaited<ReturnType<typeof signUp>>
let organizationId: string
let otherOrganizationId: string

beforeAll(async () => {
  fake = await startFakeOpenAI()
  rt = await startTestRuntime({
    env: {
      AI_COMPATIBLE_BASE_URL: `${fake.url}/v1`,
      AI_COMPATIBLE_MODELS: 'm',
      AI_EMBEDDING_MODEL: 'fake-embed',
      AI_WHOLE_KNOWLEDGE_TOKENS: '0',
    },
  })
  owner = await signUp(rt)
  organizationId = await trainedOrganization(owner, FAQS)
  // Another business whose FAQs are the same words with its own facts: never to be found for the first.
  otherOrganizationId = await trainedOrganization(
    await signUp(rt),
    FAQS.map(([q]) => [q, `OTHER SHOP: ${q.replace('?', '')} — no, never.`]),
  )
})
afterAll(async () => {
  await rt?.close()
  await fake?.close()
})

async function passagesFor(message: string, ctx: Ctx = rt.services, orgId = organizationId) {
  return hybridRetrieve(ctx, {
    organizationId: orgId,
    generation: await generationOf(orgId),
    message,
    limit: 4,
  })
}

describe('embeddings made by the training', () => {
  it('gives every passage of the generation a vector of the configured model, in batches', async () => {
    const generation = await generationOf(organizationId)
    const rows = await rt.services.db
      .select({ embedding: knowledgeChunks.embedding, model: knowledgeChunks.embeddingModel })
      .from(knowledgeChunks)
      .where(eq(knowledgeChunks.organizationId, organizationId))
    expect(rows.length).toBeGreaterThan(60)
    for (const row of rows) {
      expect(row.model).toBe('compatible:fake-embed')
      expect(row.embedding).toHaveLength(EMBEDDING_DIMENSIONS)
    }
    // Only the current generation is kept.
    const generations = await rt.services.db
      .selectDistinct({ generation: knowledgeChunks.generation })
      .from(knowledgeChunks)
      .where(eq(knowledgeChunks.organizationId, organizationId))
    expect(generations).toEqual([{ generation }])
    const trainingRequests = fake.embeddingRequests.filter(
      (r) => Array.isArray(r.input) && r.input.length > 1,
    )
    expect(trainingRequests.length).toBeGreaterThan(1)
    for (const r of trainingRequests) {
      expect(r.model).toBe('fake-embed')
      expect(r.input.length).toBeLessThanOrEqual(64)
    }
  })

  it('switches the vectors with the generation: a retrain replaces them, the old ones are never used', async () => {
    const before = await generationOf(organizationId)
    const [dogFaq] = await rt.services.db
      .select({ id: knowledgeSources.id })
      .from(knowledgeSources)
      .where(
        and(
          eq(knowledgeSources.organizationId, organizationId),
          eq(knowledgeSources.question, FAQS[2]?.[0] ?? ''),
        ),
      )
    const faq = defined(dogFaq, 'the dog FAQ')
    await api(rt, owner, 'PATCH', `/api/organizations/${organizationId}/knowledge/${faq.id}`, {
      content: 'Sorry, no animals inside; guide dogs excepted.',
    })
    // Before the retrain, customers still get the trained generation.
    expect((await passagesFor('are pets allowed?'))[0]?.content).toContain('terrace')
    await train(owner, organizationId)
    const after = await generationOf(organizationId)
    expect(after).toBe(before + 1)
    const passages = await passagesFor('are pets allowed?')
    expect(nth(passages, 0, 'the best passage').content).toContain('guide dogs excepted')
    expect(passages.some((p) => p.content.includes('terrace'))).toBe(false)
    const stale = await rt.services.db
      .select({ n: sql<number>`count(*)::int` })
      .from(knowledgeChunks)
      .where(
        and(
          eq(knowledgeChunks.organizationId, organizationId),
          // The generation just replaced is kept for answers already under way; older ones go.
          sql`${knowledgeChunks.generation} not in (${after}, ${before})`,
        ),
      )
    expect(stale[0]?.n).toBe(0)
    const unembedded = await rt.services.db
      .select({ n: sql<number>`count(*)::int` })
      .from(knowledgeChunks)
      .where(and(eq(knowledgeChunks.organizationId, organizationId), isNull(knowledgeChunks.embedding)))
    expect(unembedded[0]?.n).toBe(0)
  })

  it('fails the training with the reason when the embedding model fails, and the trained generation stays', async () => {
    const before = await generationOf(organizationId)
    fake.embeddingFailure = 500
    try {
      await expect(trainKnowledge({ ctx: rt.services, input: { organizationId } })).rejects.toThrow(
        /embedding model answered 500/,
      )
    } finally {
      fake.embeddingFailure = undefined
    }
    expect(await generationOf(organizationId)).toBe(before)
    const leftovers = await rt.services.db
      .select({ n: sql<number>`count(*)::int` })
      .from(knowledgeChunks)
      .where(
        and(
          eq(knowledgeChunks.organizationId, organizationId),
          sql`${knowledgeChunks.generation} > ${before}`,
        ),
      )
    expect(leftovers[0]?.n).toBe(0)
    expect((await passagesFor('do kids pay less?'))[0]?.content).toContain('Children under 12')
  })
})

describe('hybrid retrieval', () => {
  it('finds a paraphrase that shares no word with its passage, which full-text search misses', async () => {
    const generation = await generationOf(organizationId)
    const message = 'do kids pay less?'
    const lexical = await retrievePassages(rt.services, { organizationId, generation, message, limit: 4 })
    expect(lexical.some((p) => p.content.includes('Children under 12'))).toBe(false)
    const hybrid = await passagesFor(message)
    expect(nth(hybrid, 0, 'the best passage').content).toContain('Children under 12')
  })

  it('keeps what full-text search finds', async () => {
    const hybrid = await passagesFor('is there free parking behind the building?')
    expect(nth(hybrid, 0, 'the best passage').content).toContain('20 spaces')
  })

  it('answers from the fused passages: the paraphrase reaches the prompt', async () => {
    const requestsBefore = fake.requests.length
    fake.script({ text: 'Yes, half price for children under 12.' })
    const answer = await answerCustomer({
      ctx: rt.services,
      input: { organizationId, message: 'how can I call off my booking?', history: [] },
    })
    const prompt = nth(fake.requests, -1, 'the answering request').body.messages.map(messageText).join('\n')
    expect(prompt).toContain('cancelled free up to 24 hours')
    // A search that found its passage is not rewritten: one call, the answer.
    expect(fake.requests.length - requestsBefore).toBe(1)
    expect(answer.passages.some((p) => p.content.includes('cancelled free up to 24 hours'))).toBe(true)
  })

  it('rewrites a weak search once with the chat model and searches again', async () => {
    const requestsBefore = fake.requests.length
    // The first reply is the rewrite, the second the answer.
    fake.script({ text: 'dogs pets allowed' }, { text: 'About dogs: see our policy.' })
    const answer = await answerCustomer({
      ctx: rt.services,
      input: { organizationId, message: '¿Puedo venir con mi perrito?', history: [] },
    })
    const calls = fake.requests.slice(requestsBefore)
    expect(calls).toHaveLength(2)
    const rewrite = nth(calls, 0, 'the rewrite request')
    expect(rewrite.body.messages.map(messageText).join('\n')).toContain('Puedo venir con mi perrito')
    expect(answer.passages.some((p) => p.content.includes('guide dogs excepted'))).toBe(true)
    const prompt = nth(calls, 1, 'the answering request').body.messages.map(messageText).join('\n')
    expect(prompt).toContain('guide dogs excepted')
    // The rewrite is a search, never part of the answering prompt.
    expect(prompt).not.toContain('dogs pets allowed')
  })

  it('leaves a knowledge base that fits the whole-knowledge budget to the whole prompt: no embedding call', async () => {
    const ctx: Ctx = {
      ...rt.services,
      config: { ...rt.config, ai: { ...rt.config.ai, wholeKnowledgeTokens: 1_000_000 } },
    }
    const embeddingsBefore = fake.embeddingRequests.length
    const requestsBefore = fake.requests.length
    fake.script({ text: 'OK.' })
    await answerCustomer({ ctx, input: { organizationId, message: 'do kids pay less?', history: [] } })
    expect(fake.embeddingRequests.length).toBe(embeddingsBefore)
    expect(fake.requests.length - requestsBefore).toBe(1)
  })

  it('keeps the first result when the rewrite fails', async () => {
    const requestsBefore = fake.requests.length
    fake.script({ status: 400, message: 'bad request' }, { text: 'I will ask a colleague.' })
    const answer = await answerCustomer({
      ctx: rt.services,
      input: { organizationId, message: 'Wie viel kostet ein Glas?', history: [] },
    })
    expect(fake.requests.length - requestsBefore).toBe(2)
    expect(answer.text).toBe('I will ask a colleague.')
  })

  it("never returns another organization's passages", async () => {
    const ownSources = new Set(
      (
        await rt.services.db
          .select({ id: knowledgeSources.id })
          .from(knowledgeSources)
          .where(eq(knowledgeSources.organizationId, organizationId))
      ).map((r) => r.id),
    )
    for (const message of [
      'do kids pay less?',
      'how can I call off my booking?',
      'do you deliver?',
      'parking',
    ]) {
      const passages = await passagesFor(message)
      expect(passages.length).toBeGreaterThan(0)
      for (const p of passages) {
        expect(ownSources.has(p.sourceId)).toBe(true)
        expect(p.content).not.toContain('OTHER SHOP')
      }
    }
    const theirs = await passagesFor('do kids pay less?', rt.services, otherOrganizationId)
    expect(theirs.every((p) => !p.content.includes('Children under 12'))).toBe(true)
  })
})

describe('without an embedding model', () => {
  it('searches full text only, as before, and asks no embedding server', async () => {
    const ctx = withoutEmbeddings()
    const generation = await generationOf(organizationId)
    const requestsBefore = fake.embeddingRequests.length
    for (const message of ['do kids pay less?', 'is there free parking?', 'dogs']) {
      const lexical = await retrievePassages(ctx, { organizationId, generation, message, limit: 4 })
      expect(await hybridRetrieve(ctx, { organizationId, generation, message, limit: 4 })).toEqual(lexical)
    }
    expect(fake.embeddingRequests.length).toBe(requestsBefore)
  })

  it('does not compare a question with vectors of another model (the setting changed since training)', async () => {
    const ctx: Ctx = {
      ...rt.services,
      config: {
        ...rt.config,
        ai: { ...rt.config.ai, embedding: { provider: 'compatible', modelId: 'another' } },
      },
    }
    const generation = await generationOf(organizationId)
    const message = 'do kids pay less?'
    expect(await hybridRetrieve(ctx, { organizationId, generation, message, limit: 4 })).toEqual(
      await retrievePassages(ctx, { organizationId, generation, message, limit: 4 }),
    )
  })

  it('trains without vectors, and the generation is searched by full text', async () => {
    const ctx = withoutEmbeddings()
    const requestsBefore = fake.embeddingRequests.length
    const trained = await trainKnowledge({ ctx, input: { organizationId: otherOrganizationId } })
    expect(trained.trained).toBe(true)
    expect(fake.embeddingRequests.length).toBe(requestsBefore)
    const rows = await rt.services.db
      .select({ embedding: knowledgeChunks.embedding, model: knowledgeChunks.embeddingModel })
      .from(knowledgeChunks)
      .where(
        and(
          eq(knowledgeChunks.organizationId, otherOrganizationId),
          eq(knowledgeChunks.generation, await generationOf(otherOrganizationId)),
        ),
      )
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((r) => r.embedding === null && r.model === null)).toBe(true)
    // The embedding model configured again: a generation without its vectors is searched by full text.
    const generation = await generationOf(otherOrganizationId)
    const message = 'is there parking?'
    expect(await passagesFor(message, rt.services, otherOrganizationId)).toEqual(
      await retrievePassages(rt.services, {
        organizationId: otherOrganizationId,
        generation,
        message,
        limit: 4,
      }),
    )
  })
})

describe('AI_EMBEDDING_MODEL', () => {
  const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/wa-embedding-config', AUTH_SECRET: 'x'.repeat(40) }
  it('uses the OpenAI-compatible server when it is set, else OpenAI, or the provider its prefix names', () => {
    const compatible = { AI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:1/v1' }
    const openai = { OPENAI_API_KEY: 'sk-test' }
    expect(
      parseConfig({ ...base, ...compatible, ...openai, AI_EMBEDDING_MODEL: 'nomic-embed-text:latest' }).ai
        .embedding,
    ).toEqual({
      provider: 'compatible',
      modelId: 'nomic-embed-text:latest',
    })
    expect(
      parseConfig({ ...base, ...openai, AI_EMBEDDING_MODEL: 'text-embedding-3-small' }).ai.embedding,
    ).toEqual({
      provider: 'openai',
      modelId: 'text-embedding-3-small',
    })
    expect(
      parseConfig({ ...base, ...compatible, ...openai, AI_EMBEDDING_MODEL: 'openai:text-embedding-3-small' })
        .ai.embedding,
    ).toEqual({ provider: 'openai', modelId: 'text-embedding-3-small' })
    expect(parseConfig(base).ai.embedding).toBeUndefined()
  })

  it('is refused without the server that would make the embeddings', () => {
    expect(() => parseConfig({ ...base, AI_EMBEDDING_MODEL: 'text-embedding-3-small' })).toThrow(ConfigError)
    expect(() =>
      parseConfig({ ...base, OPENAI_API_KEY: 'sk-test', AI_EMBEDDING_MODEL: 'compatible:nomic-embed-text' }),
    ).toThrow(/AI_COMPATIBLE_BASE_URL/)
  })
})
