import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readQuestion, synonymsOf } from '../src/server/core/knowledge/intents.js'
import { api, createOrganization, signUp, type TestUser } from './support/factories.js'
import { startTestRuntime, type TestRuntime } from './support/runtime.js'
import { waitFor } from './support/wait.js'

// The built-in responder (no model) on paraphrases and near misses, in English, French and
// Spanish: everyday concepts ("call off" → cancellation, "plastic" → cards), verbs that only say
// how the customer asks ("where do I LEAVE my car?" is about parking, not the address), words
// in forms the stemmer does not fold together ("annuler" / "annulée"), and questions whether the
// business has a thing at all, which a passage about a similar thing does not answer.

interface Business {
  language: string
  profile: Record<string, string>
  faqs: [string, string][]
  document: [string, string]
}

const businesses: Record<'en' | 'fr' | 'es', Business> = {
  en: {
    language: 'en',
    profile: {
      name: 'Sunrise Café',
      description: 'Neighbourhood café serving breakfast, coffee and home-made cakes.',
      location: '5 Mill Lane, Leeds, next to the station.',
      openingHours: 'Monday to Friday 7:30-17:00; Saturday 9:00-15:00; closed Sunday.',
      contact: 'Phone 0113 496 0000',
      policies: 'Table bookings can be cancelled free of charge up to 2 hours before.',
    },
    faqs: [
      ['Is there parking?', 'Free parking behind the building for customers, up to 2 hours.'],
      ['Do you offer gift vouchers?', 'Gift vouchers from 10 GBP, sold at the counter.'],
      ['Which payments do you accept?', 'We accept Visa and Mastercard; no cheques.'],
      ['Do you have wifi?', 'Free wifi: the password is printed on your receipt.'],
      ['Do you sell cakes?', 'Yes: carrot cake, lemon drizzle and chocolate brownies, baked daily.'],
    ],
    document: [
      'Prices',
      'Espresso 2.20 GBP\nFlat white 3.10 GBP\nCarrot cake 3.50 GBP\nHot chocolate 3.00 GBP',
    ],
  },
  fr: {
    language: 'fr',
    profile: {
      name: 'Librairie Les Pages',
      description: 'Librairie indépendante avec un coin café.',
      location: '12 rue Sainte-Catherine, Bordeaux',
      openingHours: 'Du mardi au samedi de 10h à 19h ; fermé le dimanche et le lundi.',
      contact: 'Téléphone 05 56 00 11 22',
      policies: 'Une commande annulée moins de 24 heures avant est due en entier.',
    },
    faqs: [
      ['Acceptez-vous les chèques ?', 'Nous acceptons la carte bancaire et les espèces, pas les chèques.'],
      ['Y a-t-il un parking ?', 'Parking gratuit derrière la librairie pour les clients.'],
      ['Faites-vous des ateliers ?', "Un atelier d'écriture le samedi à 15h, 12 € la séance."],
    ],
    document: ['Tarifs', 'Carte de fidélité : 5 €\nEmballage cadeau : 1 €\nCafé : 1,50 €'],
  },
  es: {
    language: 'es',
    profile: {
      name: 'Academia Babel',
      description: 'Academia de idiomas para adultos.',
      location: 'Calle Mayor 8, Valladolid',
      openingHours: 'De lunes a viernes de 9:00 a 21:00.',
      contact: 'Teléfono 983 00 11 22',
      policies: 'La baja se pide por escrito antes del día 25 del mes.',
    },
    faqs: [
      ['¿Tienen clases de inglés?', 'Sí, clases de inglés en grupos de 8 alumnos, de lunes a jueves.'],
      ['¿Hay aparcamiento?', 'Aparcamiento gratuito para alumnos en el sótano del edificio.'],
      ['¿Aceptan pagos con tarjeta?', 'Sí, con tarjeta o por transferencia bancaria.'],
    ],
    document: ['Precios', 'Curso trimestral: 240 €\nMatrícula: 30 €\nLibro de texto: 25 €'],
  },
}

let rt: TestRuntime
const owners = new Map<string, { user: TestUser; orgId: string }>()

beforeAll(async () => {
  rt = await startTestRuntime()
  for (const [key, b] of Object.entries(businesses)) {
    const user = await signUp(rt)
    const org = await createOrganization(rt, user, { ai: { tone: 'friendly', language: b.language } })
    const kb = `/api/organizations/${org.id}/knowledge`
    await api(rt, user, 'PUT', `${kb}/profile`, { fields: b.profile })
    for (const [question, content] of b.faqs)
      await api(rt, user, 'POST', kb, { kind: 'faq', question, content })
    await api(rt, user, 'POST', kb, { kind: 'text', title: b.document[0], content: b.document[1] })
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

async function ask(key: string, question: string): Promise<string> {
  const owner = owners.get(key)
  if (!owner) throw new Error(`no business ${key}`)
  const res = await api(rt, owner.user, 'POST', `/api/organizations/${owner.orgId}/knowledge/ask`, {
    question,
  })
  expect(res.status).toBe(200)
  expect(res.body.model).toBe('builtin')
  return res.body.answer
}

const DONT_KNOW: Record<string, string> = {
  en: "I don't have that information",
  fr: "je n'ai pas cette information",
  es: 'no tengo esa información',
}

describe('reading the question', () => {
  it.each([
    ['Can I call off my booking?', 'cancel'],
    ['Et si je change d’avis ?', 'annuler'],
    ['¿Atienden sin cita?', 'sin cita'],
  ])('a phrase of several words is read as its concept (%s)', (question, word) => {
    const read = readQuestion(question)
    expect(`${read.content} ${synonymsOf(read.content)}`).toContain(word)
  })

  it.each([
    ['Can I host a party here?', 'host', 'party'],
    ['Puis-je brancher mon ordinateur ?', 'brancher', 'ordinateur'],
    ['¿Puedo llevarme la bici?', 'llevarme', 'bici'],
  ])('a verb where questions put it is an intent word, not the subject (%s)', (question, verb, subject) => {
    const read = readQuestion(question)
    expect(read.content).not.toContain(verb)
    expect(read.intentWords).toContain(verb)
    expect(read.content).toContain(subject)
  })

  it.each([
    ['Can I pay by card?', 'pay'],
    ['Pour garer la voiture ?', 'garer'],
    ['¿Puedo reservar mesa?', 'reservar'],
  ])('a verb of an everyday concept stays what is asked (%s)', (question, verb) => {
    expect(readQuestion(question).content).toContain(verb)
  })

  it.each([['Do you sell wigs?'], ['Vendez-vous des perruques ?'], ['¿Hay clases de chino?']])(
    '"do you have / sell X?" is an availability question (%s)',
    (question) => {
      expect(readQuestion(question).intents.has('availability')).toBe(true)
    },
  )
})

describe('built-in responder on paraphrases and near misses', () => {
  it.each([
    ['en', 'Something came up, can I call off my booking?', 'cancelled free of charge'],
    ['en', 'Do you take plastic?', 'Visa and Mastercard'],
    ['en', 'Can I connect my phone to the internet?', 'password is printed'],
    ['fr', 'Je peux régler en liquide ?', 'espèces'],
    ['fr', 'Vous faites des emballages pour offrir en cadeau ?', 'Emballage cadeau : 1 €'],
    ['es', 'Quiero darme de baja, ¿cómo hago?', 'antes del día 25'],
  ])('%s: a paraphrase finds the passage through its concept (%s)', async (key, question, fact) => {
    expect(await ask(key, question)).toContain(fact)
  })

  it.each([
    ['en', 'Where should I leave the car when I come over?', 'behind the building'],
    ['fr', 'Où est-ce que je laisse ma voiture en venant ?', 'Parking gratuit'],
    ['es', '¿Dónde dejo el coche?', 'sótano'],
  ])('%s: "where" with a subject finds the subject, not the address (%s)', async (key, question, fact) => {
    expect(await ask(key, question)).toContain(fact)
  })

  it('fr: a word meets the passage whatever form the stemmer gives its accent-free text', async () => {
    // "annulée" is indexed as "annulee", stemmed to "annule"; "annuler" stems to "annul".
    expect(await ask('fr', 'Que se passe-t-il si j’annule ?')).toContain('moins de 24 heures')
  })

  it.each([
    ['en', 'Do you offer massages?'],
    ['en', 'Do you sell wedding cakes?'],
    ['fr', 'Acceptez-vous les chiens ?'],
    ['fr', 'Faites-vous des ateliers de peinture ?'],
    ['es', '¿Hay clases de chino?'],
    ['es', '¿Aceptan perros?'],
  ])(
    '%s: a thing the business does not have is not answered with a similar one (%s)',
    async (key, question) => {
      expect(await ask(key, question)).toContain(DONT_KNOW[key])
    },
  )
})
