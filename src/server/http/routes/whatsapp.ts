import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { acceptInbound, type TwilioParams } from '../../core/inbound/accept-inbound.js'
import { applyStatusCallback } from '../../core/inbound/status-callback.js'
import { clientIp } from '../client-ip.js'
import { systemCtx } from '../context.js'
import type { AppEnv } from '../env.js'
import { errorResponses } from '../errors.js'
import { WebhookRefusals } from '../middleware/webhook-refusals.js'
import { createRouter } from '../router.js'
import { checkTwilioWebhook, EMPTY_TWIML } from '../twilio-webhook.js'

/** Reads the posted form (its size capped by the app's body limit) and checks it (twilio-webhook.ts). */
async function verifiedParams(
  c: Context<AppEnv>,
  refusals: WebhookRefusals,
): Promise<{ params: TwilioParams } | { refusal: Response }> {
  const form = await c.req.parseBody({ all: false })
  const fields = Object.entries(form).filter((e): e is [string, string] => typeof e[1] === 'string')
  const url = new URL(c.req.url)
  const check = checkTwilioWebhook(c.get('services'), refusals, {
    pathAndQuery: `${c.req.path}${url.search}`,
    signature: c.req.header('x-twilio-signature'),
    fields,
    // The socket's peer, or under TRUST_PROXY the address the trusted proxies report.
    clientIp: clientIp(c),
  })
  if (check.ok) return { params: check.params }
  if (check.retryAfter) c.header('Retry-After', String(check.retryAfter))
  return { refusal: c.json(check.body, check.status) }
}

// The body is Twilio's form (application/x-www-form-urlencoded), read as-is: every parameter
// Twilio posts is part of the signature, so it is not validated against a fixed schema first.
const twilioRequest = {
  headers: z.object({ 'x-twilio-signature': z.string().optional() }),
}

const webhookRefusals = {
  ...errorResponses('BAD_REQUEST', 'PAYLOAD_TOO_LARGE'),
  429: { description: 'Too many wrong signatures from this address in the last minute; see Retry-After' },
}

export function whatsappRoutes() {
  const app = createRouter()
  const refusals = new WebhookRefusals()

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/whatsapp/webhook',
      tags: ['WhatsApp'],
      summary: "Twilio's inbound message webhook (signed)",
      description:
        'Writes the message to the inbox (one row) and answers an empty TwiML `<Response/>` at once; workers store and answer it.',
      request: twilioRequest,
      responses: {
        200: {
          description: 'Accepted (also for a repeated MessageSid)',
          content: { 'text/xml': { schema: z.string() } },
        },
        ...webhookRefusals,
        403: { description: 'Missing or invalid signature; nothing stored' },
      },
    }),
    async (c) => {
      const verified = await verifiedParams(c, refusals)
      if ('refusal' in verified) return verified.refusal
      const { params } = verified
      const result = await acceptInbound({ ctx: systemCtx(c), input: params })
      c.get('log').info({ outcome: result.outcome, sid: params.MessageSid }, 'inbound message')
      return c.body(EMPTY_TWIML, 200, { 'content-type': 'text/xml' })
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/whatsapp/status',
      tags: ['WhatsApp'],
      summary: "Twilio's message status callback (signed)",
      request: twilioRequest,
      responses: {
        200: {
          description: 'Applied, or ignored when older than what we know',
          content: { 'text/xml': { schema: z.string() } },
        },
        ...webhookRefusals,
        403: { description: 'Missing or invalid signature' },
      },
    }),
    async (c) => {
      const verified = await verifiedParams(c, refusals)
      if ('refusal' in verified) return verified.refusal
      await applyStatusCallback({ ctx: systemCtx(c), input: verified.params })
      return c.body(EMPTY_TWIML, 200, { 'content-type': 'text/xml' })
    },
  )

  return app
}
