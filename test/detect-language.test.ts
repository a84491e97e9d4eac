import { describe, expect, it } from 'vitest'
import {
  chooseReplyLanguage,
  detectLanguage,
  languageInstruction,
} from '../src/server/core/knowledge/detect-language.js'

describe('detectLanguage', () => {
  const cases: [string, string][] = [
    ['Hi, what time do you open on Sunday?', 'en'],
    ['How much is the delivery to Remera?', 'en'],
    ['Bonjour, est-ce que vous êtes ouverts le dimanche ?', 'fr'],
    ['Combien coûte la livraison à Remera ?', 'fr'],
    ['Hola, ¿tienen mesa para dos esta noche?', 'es'],
    ['¿Cuánto cuesta el envío?', 'es'],
    ['Olá, vocês estão abertos hoje?', 'pt'],
    ['Quanto custa a entrega? Não encontro o preço.', 'pt'],
    ['Hallo, wann haben Sie heute geöffnet?', 'de'],
    ['Was kostet die Lieferung bitte?', 'de'],
    ['Ciao, siete aperti oggi? Vorrei prenotare.', 'it'],
    ['Habari, bei ya usafirishaji ni ngapi?', 'sw'],
    ['Je, mnafungua saa ngapi leo?', 'sw'],
    ['Muraho, mufite serivisi yo kugeza ibintu i Remera?', 'rw'],
    ['Mwaramutse, igiciro ni angahe?', 'rw'],
  ]
  it.each(cases)('%s → %s', (message, language) => {
    expect(detectLanguage(message)).toBe(language)
  })

  it('detects nothing without a clear signal', () => {
    expect(detectLanguage('12345')).toBeUndefined()
    expect(detectLanguage('👍')).toBeUndefined()
    expect(detectLanguage('Remera')).toBeUndefined()
    expect(detectLanguage('')).toBeUndefined()
  })
})

describe('chooseReplyLanguage', () => {
  const enFr = { language: 'en', languages: ['en', 'fr'] }

  it('answers an allowed language in it', () => {
    expect(chooseReplyLanguage(enFr, 'Bonjour, vous livrez à Kigali ?')).toEqual({
      code: 'fr',
      reason: 'detected',
      allowed: ['en', 'fr'],
    })
  })

  it('answers any other language in the default', () => {
    expect(chooseReplyLanguage(enFr, 'Hallo, wann haben Sie geöffnet?')).toMatchObject({
      code: 'en',
      reason: 'default',
    })
    // One language listed: always that one.
    expect(
      chooseReplyLanguage({ language: 'en', languages: ['en'] }, 'Bonjour, vous êtes ouverts ?'),
    ).toMatchObject({ code: 'en', reason: 'default' })
  })

  it('keeps the default always allowed, first, whatever the list says', () => {
    expect(chooseReplyLanguage({ language: 'fr-CA', languages: ['rw', 'en'] }, 'ok').allowed).toEqual([
      'fr',
      'rw',
      'en',
    ])
  })

  it('uses the earlier messages when the current one says nothing clear', () => {
    expect(chooseReplyLanguage(enFr, 'ok', ['Bonjour, est-ce que vous livrez ?']).code).toBe('fr')
  })

  it('follows the customer when no list is set (as before)', () => {
    expect(chooseReplyLanguage({ language: 'en' }, 'Hallo, wann haben Sie geöffnet?')).toMatchObject({
      code: 'de',
      reason: 'follow',
    })
    expect(chooseReplyLanguage({ language: 'fr' }, '12345')).toMatchObject({ code: 'fr', reason: 'follow' })
  })
})

describe('languageInstruction', () => {
  it('names the language to answer in', () => {
    const enFr = { language: 'en', languages: ['fr'] }
    expect(languageInstruction(chooseReplyLanguage(enFr, 'Bonjour, vous êtes ouverts ?'), 'English')).toBe(
      'Reply in French, the language the customer writes in.',
    )
    expect(languageInstruction(chooseReplyLanguage(enFr, 'Hallo, wann haben Sie geöffnet?'), 'English')).toBe(
      "Reply in the customer's language only if it is one of: English, French. Otherwise reply in English.",
    )
    expect(languageInstruction(chooseReplyLanguage({ language: 'en' }, 'hi'), 'English')).toBe(
      "Reply in the language of the customer's last message; if unsure, reply in English.",
    )
  })
})
