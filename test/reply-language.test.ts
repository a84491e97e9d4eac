import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LIMIT_NOTICE, limitNoticeFor } from '../src/server/core/inbound/decide-reply.js'
import { answerCustomer } from '../src/server/core/knowledge/answer-customer.js'
import { nth } from './support/defined.js'
import { api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { type FakeOpenAI, startFakeOpenAI } from './support/fake-openai.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'

// The reply follows the customer's language where the organization answers in it, and falls
// back to its default language otherwise, with a model and with the built-in responder.
let rt: TestRuntime
let model: FakeOpenAI
let owner: TestUser
beforeAll(async () => {
  model = await startFakeOpenAI()
  rt = await startTestRuntime({
    env: {
      AI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
      AI_COMPATIBLE_MODELS: 'lang-model',
      MAX_ORGANIZATIONS_PER_USER: '50',
    },
  })
  owner = await signUp(rt)
})
afterAll(async () => {
  await rt?.close()
  await model?.close()
})

const orgWith = (ai: Record<string, unknown>) =>
  createOrganization(rt, owner, { ai: { tone: 'friendly', language: 'en', ...ai } })

const ask = (organizationId: string, message: string) =>
  answerCustomer({ ctx: rt.services, input: { organizationId, message, history: [] } })

const lastSystemPrompt = () => {
  const request = nth(model.requests, -1, 'the model request')
  const system = request.body.messages.find((m) => m.role === 'system')
  return typeof system?.content === 'string' ? system.content : ''
}

describe('reply language with a model', () => {
  it('tells the model to answer a French customer of an English and French business in French', async () => {
    const org = await orgWith({ languages: ['en', 'fr'], provider: 'compatible' })
    model.script({ text: 'Oui, nous livrons à Remera.' })
    const answer = await ask(org.id, 'Bonjour, est-ce que vous livrez à Remera ?')
    expect(answer.text).toBe('Oui, nous livrons à Remera.')
    expect(lastSystemPrompt()).toContain('3. Reply in French, the language the customer writes in.')
  })

  it('tells it to keep to the business’s languages for anyone else', async () => {
    const org = await orgWith({ languages: ['en'], provider: 'compatible' })
    model.script({ text: 'We open at 9.' })
    await ask(org.id, 'Hallo, wann haben Sie heute geöffnet?')
    expect(lastSystemPrompt()).toContain(
      "3. Reply in the customer's language only if it is one of: English. Otherwise reply in English.",
    )
  })

  it('follows the customer as before when no list of languages is set', async () => {
    const org = await orgWith({ provider: 'compatible' })
    model.script({ text: 'Wir öffnen um 9 Uhr.' })
    await ask(org.id, 'Hallo, wann haben Sie heute geöffnet?')
    expect(lastSystemPrompt()).toContain(
      "3. Reply in the language of the customer's last message; if unsure, reply in English.",
    )
  })
})

describe('reply language of the built-in responder', () => {
  it('answers a French customer of an English and French business in French', async () => {
    const org = await orgWith({ languages: ['en', 'fr'], provider: 'builtin' })
    const answer = await ask(org.id, 'Bonjour, est-ce que vous livrez à Remera ?')
    expect(answer.model).toBe('builtin')
    expect(answer.text).toContain("Désolé, je n'ai pas cette information.")
    const handoff = await ask(org.id, 'Je voudrais parler à une personne, svp')
    expect(handoff.escalate).toBe(true)
    expect(handoff.text).toContain('Je transmets votre message')
  })

  it('answers a German message to an English-only business in English', async () => {
    const org = await orgWith({ languages: ['en'], provider: 'builtin' })
    const answer = await ask(org.id, 'Hallo, wann haben Sie heute geöffnet?')
    expect(answer.text).toContain("I'm sorry, I don't have that information.")
    const handoff = await ask(org.id, 'Ich möchte bitte mit einem Mitarbeiter sprechen')
    expect(handoff.escalate).toBe(true)
    expect(handoff.text).toContain("I'm passing your message to someone from our team")
  })

  it('answers Kinyarwanda and Swahili where the business allows them', async () => {
    const org = await orgWith({ language: 'en', languages: ['rw', 'sw'], provider: 'builtin' })
    expect((await ask(org.id, 'Muraho, mufite serivisi yo kugeza ibintu i Remera?')).text).toContain(
      'Mbabarira, nta makuru mfite kuri ibyo.',
    )
    expect((await ask(org.id, 'Habari, bei ya usafirishaji ni ngapi?')).text).toContain(
      'Samahani, sina taarifa hiyo.',
    )
  })
})

describe('the languages setting', () => {
  it('is saved and shown with the AI settings', async () => {
    const org = await orgWith({})
    const ai = { tone: 'friendly', language: 'en', languages: ['en', 'fr', 'rw'] }
    const res = await api(rt, owner, 'PATCH', `/api/organizations/${org.id}`, { ai })
    expect(res.status).toBe(200)
    expect(res.body.organization.ai).toEqual(ai)
    const read = await api(rt, owner, 'GET', `/api/organizations/${org.id}`)
    expect(read.body.organization.ai.languages).toEqual(['en', 'fr', 'rw'])
  })

  it('refuses what is not a language code', async () => {
    const org = await orgWith({})
    const res = await api(rt, owner, 'PATCH', `/api/organizations/${org.id}`, {
      ai: { tone: 'friendly', language: 'en', languages: ['en', 'French!'] },
    })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toContain('language code')
  })
})

describe('the monthly limit notice', () => {
  it('is in the customer’s language where the business answers in it, else in its default', () => {
    const enFr = { language: 'en', languages: ['en', 'fr'] }
    expect(limitNoticeFor(enFr, 'Bonjour, vous livrez à Remera ?')).toMatch(/^Merci pour votre message/)
    expect(limitNoticeFor(enFr, 'Hallo, wann haben Sie geöffnet?')).toBe(LIMIT_NOTICE)
    expect(limitNoticeFor({ language: 'en', languages: ['en'] }, 'Bonjour, vous livrez ?')).toBe(LIMIT_NOTICE)
    expect(limitNoticeFor({ language: 'fr', languages: ['fr'] }, 'hello?')).toMatch(/^Merci/)
  })
})
