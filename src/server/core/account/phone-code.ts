import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'

/** How a phone verification code is issued and checked (the numbers are in docs/team.md). */
export const PHONE_CODE = {
  ttlMs: 10 * 60 * 1000,
  maxAttempts: 5,
  /** Seconds before another code may be sent to the same account. */
  resendAfterSeconds: 60,
  /** Codes per hour, per account and per number (a stranger's number cannot be flooded). */
  maxPerHour: 5,
} as const

export const newPhoneCode = () => randomInt(0, 1_000_000).toString().padStart(6, '0')

/** Keyed with the auth secret and bound to the account and number, so a leaked row proves nothing. */
export function hashPhoneCode(secret: string, userId: string, phone: string, code: string) {
  return createHmac('sha256', secret).update(`phone-code:${userId}:${phone}:${code}`).digest('hex')
}

export function phoneCodeMatches(
  secret: string,
  userId: string,
  phone: string,
  code: string,
  stored: string,
) {
  const a = Buffer.from(hashPhoneCode(secret, userId, phone, code), 'hex')
  const b = Buffer.from(stored, 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}

export const phoneCodeMessage = (code: string) =>
  `${code} is your WhatsApp AI Assistants code to link this number to your account. It expires in 10 minutes. If you did not ask for it, ignore this message.`
