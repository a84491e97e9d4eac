import { createHmac, randomBytes } from 'node:crypto'

// Standard Webhooks (https://www.standardwebhooks.com): the secret is `whsec_` + base64 of the
// key; the signature is `v1,` + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)).

const SECRET_PREFIX = 'whsec_'

export const newWebhookSecret = () => `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`

export const newMessageId = () => `msg_${randomBytes(16).toString('base64url')}`

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  )
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`
}
