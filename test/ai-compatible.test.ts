import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nth } from './support/defined.js'
import { api, createOrganization, signUp } from './support/factories.js'
import { type FakeOpenAI, messageText, startFakeOpenAI } from './support/fake-openai.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'
import { giveActiveNumber, inboundParams, postTwilio, repliesTo, uniquePhone } from './support/whatsapp.js'

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
    const sent = nth(fake.requests, -1, 'the request to the model')
    expect(sent.path).toBe('/v1/chat/completions')
    expect(sent.body.model).toBe('qwen2.5')
    expect(sent.headers.authorization).toBe('Bearer local-key')
    expect(sent.body.messages.map(messageText).join('\n')).toContain('gluten-free sourdough every Friday')
  })

  it('says which model answers, and the replies are recorded with that model', async () => {
    const owner = await signUp(rt)
    // No provider chosen: the platform default (the compatible endpoint's first model) answers.
    const org = await createOrganization(rt, owner, { welcomeMessage: '' })
    const path = `/api/organizations/${org.id}`
    const before = (await api(rt, owner, 'GET', path)).body.organization
    expect(before.ai.provider).toBeUndefined()
    expect(before.aiModel).toEqual({
      effective: { provider: 'compatible', model: 'llama3.1' },
      default: { provider: 'compatible', model: 'llama3.1' },
    })
    expect(before.lastInboundAt).toBeNull()
    const number = await giveActiveNumber(rt, org.id)
    fake.script({ text: 'We open at nine.' })
    const params = inboundParams({ from: uniquePhone(), to: number, body: 'When do you open?' })
    expect((await postTwilio(rt, '/api/whatsapp/webhook', params)).status).toBe(200)
    const [reply] = await waitFor(
      async () => {
        const r = await repliesTo(rt, params.MessageSid)
        return r.length > 0 && r[0]?.model ? r : null
      },
      { what: 'the AI reply' },
    )
    const after = (await api(rt, owner, 'GET', path)).body.organization
    expect(reply?.model).toBe(`${after.aiModel.effective.provider}:${after.aiModel.effective.model}`)
    // The last customer message reached the number just now.
    expect(Date.now() - Date.parse(after.lastInboundAt)).toBeLessThan(60_000)

    // Its own choice answers once made; the default stays what it was.
    const chosen = await api(rt, owner, 'PATCH', path, {
      ai: { tone: 'friendly', language: 'en', provider: 'compatible', model: 'qwen2.5' },
    })
    expect(chosen.body.organization.aiModel).toEqual({
      effective: { provider: 'compatible', model: 'qwen2.5' },
      default: { provider: 'compatible', model: 'llama3.1' },
    })
    const builtin = await api(rt, owner, 'PATCH', path, {
      ai: { tone: 'friendly', language: 'en', provider: 'builtin' },
    })
    expect(builtin.body.organization.aiModel.effective).toEqual({ provider: 'builtin', model: 'builtin' })
    // What the API shows cannot be written back.
    const refused = await api(rt, owner, 'PATCH', path, { aiModel: after.aiModel })
    expect(refused.status).toBe(400)
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
