import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readQuestion } from '../src/server/core/knowledge/intents.js'
import { api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'

// The built-in responder's ranking (no model configured): intent words kept ("where" → the
// address, "when" → the hours, "how much" → the priced passage), a specific match over a generic
// FAQ sharing the question's common words, FAQ answers searched with the questions and documents,
// and a plain "don't know" — in English, French and Spanish.

interface Salon {
  language: string
  profile: Record<string, string>
  faqs: [string, string][]
  priceList: [string, string]
}

const salons: Record<'en' | 'fr' | 'es', Salon> = {
  en: {
    language: 'en',
    profile: {
      name: 'Velvet Hair Studio',
      description: 'Hair salon for cuts, colour and treatments.',
      location: '8 Quay Street, Galway',
      openingHours: 'Tuesday to Saturday 9:30-18:30; closed Sunday and Monday.',
      contact: 'Phone 091 555 7788',
    },
    faqs: [
      ['What do your services cost?', 'Prices depend on the service and hair length; ask us for a quote.'],
      ['Can I bring my children?', 'Yes, we have a play corner and a kids cut.'],
      ['Do you sell gift vouchers?', 'Vouchers from 20 EUR are sold at reception and never expire.'],
    ],
    priceList: [
      'Price list',
      'Ladies cut and blow-dry: 45 EUR\nGents cut: 25 EUR\nBalayage: 120 EUR\nBeard trim: 12 EUR',
    ],
  },
  fr: {
    language: 'fr',
    profile: {
      name: 'Salon Mèche Rebelle',
      description: 'Salon de coiffure : coupes, couleurs et soins.',
      location: '3 rue des Carmes, Toulouse',
      openingHours: 'Du mardi au samedi de 9h à 19h ; fermé le dimanche et le lundi.',
      contact: 'Téléphone 05 61 00 11 22',
    },
    faqs: [
      [
        'Combien coûtent vos prestations ?',
        'Les prix dépendent de la prestation et de la longueur des cheveux.',
      ],
      ['Acceptez-vous les chèques ?', 'Nous acceptons la carte bancaire et les espèces, pas les chèques.'],
    ],
    priceList: ['Tarifs', 'Coupe femme : 42 €\nCoupe homme : 24 €\nMèches : 85 €\nTaille de barbe : 10 €'],
  },
  es: {
    language: 'es',
    profile: {
      name: 'Peluquería Tijeras de Oro',
      description: 'Peluquería de cortes, color y tratamientos.',
      location: 'Calle Larios 5, Málaga',
      openingHours: 'De martes a sábado de 10:00 a 20:00; domingo y lunes cerrado.',
      contact: 'Teléfono 952 00 11 22',
    },
    faqs: [
      ['¿Cuánto cuestan sus servicios?', 'Los precios dependen del servicio y del largo del cabello.'],
      ['¿Atienden sin cita?', 'Sí, atendemos sin cita según disponibilidad.'],
    ],
    priceList: [
      'Precios',
      'Corte de mujer: 40 €\nCorte de caballero: 18 €\nTinte: 55 €\nArreglo de barba: 9 €',
    ],
  },
}

let rt: TestRuntime
const owners = new Map<string, { user: TestUser; orgId: string }>()

beforeAll(async () => {
  rt = await startTestRuntime()
  for (const [key, salon] of Object.entries(salons)) {
    const user = await signUp(rt)
    const org = await createOrganization(rt, user, { ai: { tone: 'friendly', language: salon.language } })
    const kb = `/api/organizations/${org.id}/knowledge`
    await api(rt, user, 'PUT', `${kb}/profile`, { fields: salon.profile })
    for (const [question, content] of salon.faqs)
      await api(rt, user, 'POST', kb, { kind: 'faq', question, content })
    await api(rt, user, 'POST', kb, { kind: 'text', title: salon.priceList[0], content: salon.priceList[1] })
    await api(rt, user, 'POST', `/api/organizations/${org.id}/train`)
    await waitFor(async () => (await api(rt, user, 'GET', kb)).body.training.status === 'trained', {
      what: `training of ${key}`,
    })
    owners.set(key, { user, orgId: org.id })
  }
})
afterAll(async () => {
  await rt?.close()
})

async function ask(key: string, question: string): Promise<{ answer: string; model: string }> {
  const owner = owners.get(key)
  if (!owner) throw new Error(`no salon ${key}`)
  const res = await api(rt, owner.user, 'POST', `/api/organizations/${owner.orgId}/knowledge/ask`, {
    question,
  })
  expect(res.status).toBe(200)
  return res.body
}

describe('built-in responder ranking', () => {
  it.each([
    ['How long can I borrow a tool?', 'borrow a tool'],
    // "garder" / "tener" only say how the customer asks: intent words (intents.ts VERB_POSITIONS).
    ['Combien de temps puis-je garder le vélo ?', 'le velo'],
    ['¿Cuánto tiempo puedo tener la bici?', 'la bici'],
  ])('a length-of-time question is a duration, not a price or a subject word (%s)', (question, rest) => {
    const read = readQuestion(question)
    expect([...read.intents]).toEqual(['duration'])
    expect(read.content).toContain(rest)
    expect(read.content).not.toMatch(/\b(long|temps|tiempo)\b/)
  })

  it.each([
    ['en', 'Where are you?', '8 Quay Street'],
    ['en', 'What is your address?', '8 Quay Street'],
    ['fr', 'Où êtes-vous ?', '3 rue des Carmes'],
    ['es', '¿Dónde están?', 'Calle Larios 5'],
  ])('%s: "where" finds the address (%s)', async (key, question, fact) => {
    const reply = await ask(key, question)
    expect(reply.model).toBe('builtin')
    expect(reply.answer).toContain(fact)
  })

  it.each([
    ['en', 'When are you open on Saturday?', '9:30-18:30'],
    ['en', 'What time do you close?', '9:30-18:30'],
    ['fr', 'Quand êtes-vous ouverts ?', '9h à 19h'],
    ['es', '¿A qué hora abren?', '10:00 a 20:00'],
  ])('%s: "when" finds the opening hours (%s)', async (key, question, fact) => {
    expect((await ask(key, question)).answer).toContain(fact)
  })

  it.each([
    ['en', 'How do I contact you?', '091 555 7788'],
    ['fr', 'Quel est votre téléphone ?', '05 61 00 11 22'],
    ['es', '¿Cuál es su teléfono?', '952 00 11 22'],
  ])('%s: a contact question finds the contact field (%s)', async (key, question, fact) => {
    expect((await ask(key, question)).answer).toContain(fact)
  })

  it.each([
    // The generic FAQ shares "how much"/"cost"/"services"; the price list names the item.
    ['en', 'How much does a balayage cost?', 'Balayage: 120 EUR'],
    ['en', 'What is the price of a beard trim?', 'Beard trim: 12 EUR'],
    ['fr', 'Combien coûte une coupe homme ?', 'Coupe homme : 24 €'],
    ['fr', 'Quel est le prix des mèches ?', 'Mèches : 85 €'],
    ['es', '¿Cuánto cuesta el tinte?', 'Tinte: 55 €'],
    ['es', '¿Cuánto cuesta un corte de caballero?', 'Corte de caballero: 18 €'],
  ])('%s: a specific item beats the generic FAQ (%s)', async (key, question, fact) => {
    expect((await ask(key, question)).answer).toContain(fact)
  })

  it.each([
    // Words only in the FAQ's answer, none in its question.
    ['en', 'Is there a play corner for kids?', 'play corner'],
    ['fr', 'Je peux payer en espèces ?', 'espèces'],
    ['es', '¿Puedo ir sin cita?', 'sin cita'],
  ])('%s: FAQ answers are searched with the questions (%s)', async (key, question, fact) => {
    expect((await ask(key, question)).answer).toContain(fact)
  })

  it.each([
    ['en', 'Do you repair washing machines?', "I don't have that information"],
    ['fr', 'Vendez-vous des billets de train ?', "je n'ai pas cette information"],
    ['es', '¿Venden seguros de coche?', 'no tengo esa información'],
  ])('%s: says plainly when it does not know (%s)', async (key, question, text) => {
    expect((await ask(key, question)).answer).toContain(text)
  })
})
