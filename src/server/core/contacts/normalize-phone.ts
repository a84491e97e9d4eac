import { E164_MESSAGE, isE164 } from '../../../shared/phone.js'

/**
 * A phone number as people write it (spaces, dashes, dots, brackets, a `00` international prefix,
 * Twilio's `whatsapp:` prefix) made E.164, or why it cannot be. Without a country code a number is
 * refused: guessing the country would message the wrong person.
 */
export function normalizePhone(raw: string): { phone: string } | { error: string } {
  let s = raw.trim().replace(/^whatsapp:/i, '')
  s = s.replace(/[\s\-.()\u00a0]/g, '')
  if (s.startsWith('00')) s = `+${s.slice(2)}`
  if (!s) return { error: 'the phone number is empty' }
  if (!s.startsWith('+') && /^\d+$/.test(s))
    return { error: `"${raw.trim()}" has no country code: write it as +<country code><number>` }
  if (!isE164(s)) return { error: `"${raw.trim().slice(0, 40)}" ${E164_MESSAGE}` }
  return { phone: s }
}
