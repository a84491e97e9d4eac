import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import twilio from 'twilio'
import { acceptInbound, type TwilioParams } from '../../core/inbound/accept-inbound.js'
import { applyStatusCallback } from '../../core/inbound/status-callback.js'
import { clientIp } from '../client-ip.js'
import { systemCtx } from '../context.js'
import type { AppEnv } from '../env.js'
import { errorBody, errorResponses } from '../errors.js'
import { WebhookRefusals } from '../middleware/webhook-refusals.js'
import { createRouter } from '../router.js'
import { sanitizeCustomerText } from '../text-input.js'

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


/** Twilio's forms are a few KB with a few dozen parameters; anything far bigger is not Twilio. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024
export const WEBHOOK_MAX_PARAMETERS = 200

/**
 * Reads the posted form (its size is capped by the app's body limit), caps its parameter count,
 * and checks X-Twilio-Signature over APP_URL + path (+ query) and every parameter, with the
 * account's auth token (or the sandbox token) — in that order, so a forged request costs little.
 * Verified values are then made storable: customers' text is never refused (a NUL removed,
 * invalid UTF-16 replaced with U+FFFD), or Twilio would retry a message we can never store.
 */
async function verifiedParams(
  c: Context<AppEnv>,
  refusals: WebhookRefusals,
): Promise<{ params: TwilioParams } | { refusal: Response }> {
  const form = await c.req.parseBody({ all: false })
  const fields = Object.entries(form)
  if (fields.length > WEBHOOK_MAX_PARAMETERS) {
    return { refusal: c.json(errorBody('BAD_REQUEST', `Webhook form has more than ${WEBHOOK_MAX_PARAMETERS} parameters`), 400) }
  }
  const params: TwilioParams = {}
  for (const [k, v] of fields) if (typeof v === 'string') params[k] = v
  const signature = c.req.header('x-twilio-signature')
  const { config, telephony } = c.get('services')
  const url = `${config.appUrl}${c.req.path}${new URL(c.req.url).search}`
  if (!signature || !twilio.validateRequest(telephony.webhookAuthToken, signature, url, params)) {
    // The socket's peer, or under TRUST_PROXY the address the trusted proxies report.
    const address = clientIp(c)
    if (refusals.refuse(address, c.get('services').log)) {
      c.header('Retry-After', String(refusals.retryAfter(address)))
      return { refusal: c.json(errorBody('RATE_LIMITED', 'Too many webhooks with a wrong signature from this address'), 429) }
    }
    return { refusal: c.json(errorBody('FORBIDDEN', 'Missing or invalid X-Twilio-Signature'), 403) }
  }
  const clean: TwilioParams = {}
  for (const [k, v] of Object.entries(params)) clean[sanitizeCustomerText(k)] = sanitizeCustomerText(v)
  return { params: clean }
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
      description: 'Writes the message to the inbox (one row) and answers an empty TwiML `<Response/>` at once; workers store and answer it.',
      request: twilioRequest,
      responses: {
        200: { description: 'Accepted (also for a repeated MessageSid)', content: { 'text/xml': { schema: z.string() } } },
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
        200: { description: 'Applied, or ignored when older than what we know', content: { 'text/xml': { schema: z.string() } } },
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
