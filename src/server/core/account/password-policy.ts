import { readFileSync } from 'node:fs'

export const MIN_PASSWORD_LENGTH = 8
export const MAX_PASSWORD_LENGTH = 128

let common: Set<string> | undefined
/** The shipped list (common-passwords.txt), loaded on first use. */
function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#')),
  )
  return common
}

/** True when every character is the previous one plus (or minus) one: abcdefgh, 98765432. */
function isSequence(value: string) {
  const step = value.charCodeAt(1) - value.charCodeAt(0)
  if (Math.abs(step) !== 1) return false
  for (let i = 2; i < value.length; i++)
    if (value.charCodeAt(i) - value.charCodeAt(i - 1) !== step) return false
  return true
}

/**
 * Why a password would be refused, or null when it is acceptable. Applied at sign-up, password
 * change and reset (auth-hooks.ts); the reason is shown to the user as is.
 */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.trim() === '') return 'A password cannot be only spaces.'
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`
  const lower = password.toLowerCase()
  if (new Set(lower).size < 4) return 'Use more than a few different characters.'
  if (isSequence(lower)) return 'Do not use a sequence like abcdefgh or 12345678.'
  if (email) {
    const address = email.trim().toLowerCase()
    const local = address.split('@')[0] ?? ''
    if (lower.includes(address) || (local.length >= 4 && lower.includes(local))) {
      return 'Do not use your email address in your password.'
    }
  }
  if (commonPasswords().has(lower) || commonPasswords().has(lower.trim())) {
    return 'This password is too common. Choose one that others are unlikely to use.'
  }
  return null
}
