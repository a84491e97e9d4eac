import { z } from 'zod'

// Phone numbers as the server validates them, importable by the web app too: this folder
// imports nothing from src/server or src/web.

/** An E.164 phone number, e.g. +250788123456: `+`, a country code, 7 to 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/

/** E.164, optionally with Twilio's `whatsapp:` channel prefix (how Twilio writes WhatsApp addresses). */
export const WHATSAPP_ADDRESS = /^(whatsapp:)?\+[1-9]\d{6,14}$/

export const E164_MESSAGE = 'must be an E.164 number like +14155550123'

export const isE164 = (value: string) => E164.test(value)

/** A phone number field of a form or request body. */
export const PhoneSchema = z.string().regex(E164, E164_MESSAGE)
