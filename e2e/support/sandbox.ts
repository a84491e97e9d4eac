import { randomBytes } from 'node:crypto'
import twilio from 'twilio'
import { expect } from 'vitest'
import { waitFor } from '../../test/support/wait'
import { type RunningServer, signUpViaApi, uniqueUser } from './server'

// Setting the scene through the API on the sandbox provider, for browser tests that start past it.

/** A JSON call with the session cookie: GET without a body, POST with one; anything but 2xx throws. */
export async function apiJson<T>(
  server: RunningServer,
  cookie: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await server.request(path, {
    method: body === undefined ? 'GET' : 'POST',
    cookie,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${path} → ${res.status} ${text}`)
  return JSON.parse(text) as T
}

/** A new account and the organization it owns. */
export async function ownerWithOrganization(server: RunningServer, name: string) {
  const owner = uniqueUser('owner')
  const cookie = await signUpViaApi(server, owner)
  const { organization } = await apiJson<{ organization: { id: string } }>(
    server,
    cookie,
    '/api/organizations',
    { name },
  )
  return { owner, cookie, orgId: organization.id }
}

/** The first number the sandbox offers, provisioned for the organization and waited for until active. */
export async function provisionViaApi(server: RunningServer, cookie: string, orgId: string): Promise<string> {
  const { numbers } = await apiJson<{ numbers: { phoneNumber: string }[] }>(
    server,
    cookie,
    '/api/organizations/search-numbers?country=US&type=local&limit=5',
  )
  const first = numbers.at(0)
  if (!first) throw new Error('the number search found nothing to provision')
  await apiJson(server, cookie, `/api/organizations/${orgId}/provision-number`, {
    phoneNumber: first.phoneNumber,
  })
  await waitFor(
    async () =>
      (
        await apiJson<{ organization: { numberStatus: string } }>(
          server,
          cookie,
          `/api/organizations/${orgId}`,
        )
      ).organization.numberStatus === 'active',
    { timeoutMs: 30_000, intervalMs: 300, what: 'the number active' },
  )
  return first.phoneNumber
}

/**
 * A customer's WhatsApp message, posted to the webhook signed as Twilio signs it. The sandbox
 * provider's webhook token derives from the server's AUTH_SECRET (config.ts), so the test that
 * started the server with a known secret can sign.
 */
export async function customerWrites(
  server: RunningServer,
  authSecret: string,
  input: { from: string; to: string; body: string; name?: string },
) {
  const sid = `SM${randomBytes(16).toString('hex')}`
  const params: Record<string, string> = {
    MessageSid: sid,
    SmsMessageSid: sid,
    AccountSid: `AC${'1'.repeat(32)}`,
    From: `whatsapp:${input.from}`,
    To: `whatsapp:${input.to}`,
    WaId: input.from.replace('+', ''),
    ProfileName: input.name ?? 'Customer',
    Body: input.body,
    NumMedia: '0',
    MessageType: 'text',
  }
  const path = '/api/whatsapp/webhook'
  const token = `sandbox-${authSecret.slice(0, 24)}`
  const res = await server.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(token, `${server.url}${path}`, params),
    },
    body: new URLSearchParams(params).toString(),
  })
  expect(res.status).toBe(200)
}
