import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, createOrganization, signUp } from './support/factories.js'
import { type FakeOpenAI, messageText, startFakeOpenAI } from './support/fake-openai.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'

// Any OpenAI-compatible server (Ollama, vLLM, …) through AI_COMPATIBLE_BASE_URL and the real
// @ai-sdk/openai-compatible provider.
let rt: TestRuntime
let fake: FakeOpenAI
beforeAll(async () => {
  fake = await startFakeOpenAI()
  rt = await startTestRuntime({
    env: {
      AI_COMPATIBLE_BASE_URL: `${fake.url}/v1`,
      AI_COMPATIBLE_API_KEY: 'local-key',
      AI_COMPATIBLE_MODELS: 'llama3.1, qwen2.5',
    },
  })
})
afterAll(async () => {
  await rt?.close()
  await fake?.close()
})

describe('OpenAI-compatible provider', () => {
  it('is listed with its models and answers with the organization’s facts', async () => {
    const owner = await signUp(rt)
    const providers = await api(rt, owner, 'GET', '/api/ai/providers')
    expect(providers.body.providers).toContainEqual({ id: 'compatible', models: ['llama3.1', 'qwen2.5'] })

    const org = await createOrganization(rt, owner, {
      ai: { tone: 'friendly', language: 'en', provider: 'compatible', model: 'qwen2.5' },
    })
    const kb = `/api/organizations/${org.id}/knowledge`
    await api(rt, owner, 'POST', kb, {
      kind: 'faq',
      question: 'Do you have gluten-free bread?',
      content: 'Yes, gluten-free sourdough every Friday.',
    })
    await api(rt, owner, 'POST', `/api/organizations/${org.id}/train`)
    await waitFor(async () => (await api(rt, owner, 'GET', kb)).body.training.status === 'trained', {
      what: 'training',
    })

    fake.script({
      text: 'Yes! Gluten-free sourdough is baked every Friday.',
      promptTokens: 120,
      completionTokens: 12,
    })
    const res = await api(rt, owner, 'POST', `${kb}/ask`, { question: 'Any gluten free bread?' })
    expect(res.status).toBe(200)
    expect(res.body.answer).toBe('Yes! Gluten-free sourdough is baked every Friday.')
    expect(res.body.model).toBe('compatible:qwen2.5')
    const sent = fake.requests.at(-1)!
    expect(sent.path).toBe('/v1/chat/completions')
    expect(sent.body.model).toBe('qwen2.5')
    expect(sent.headers.authorization).toBe('Bearer local-key')
    expect(sent.body.messages.map(messageText).join('\n')).toContain('gluten-free sourdough every Friday')
  })

  it('refuses a provider this deployment has not configured', async () => {
    const owner = await signUp(rt)
    const res = await api(rt, owner, 'POST', '/api/organizations', {
      name: 'X',
      ai: { tone: 'friendly', language: 'en', provider: 'anthropic' },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details[0].message).toMatch(/not configured/)
  })
})
