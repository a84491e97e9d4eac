import { normalizePhone } from '../contacts/normalize-phone.js'
import { BadRequest } from '../errors.js'

/** The customer's number from the path, made E.164; 400 when it cannot be one. */
export function customerPhone(raw: string, field = 'phone'): string {
  const n = normalizePhone(raw)
  if ('error' in n)
    throw new BadRequest(`Invalid phone number: ${n.error}`, [{ path: field, message: n.error }])
  return n.phone
}

/** A number as the audit log keeps it: only its last four digits (the log must not hold the customer). */
export const maskPhone = (phone: string) => `…${phone.slice(-4)}`
