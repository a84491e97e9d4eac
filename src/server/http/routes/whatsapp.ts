import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import twilio from 'twilio'
import { receiveMessage, type TwilioParams } from '../../core/inbound/receive-message.js'
import { applyStatusCallback } from '../../core/inbound/status-callback.js'
import { systemCtx } from '../context.js'
import type { AppEnv } from '../env.js'
import { errorBody } from '../errors.js'
import { createRouter } from '../router.js'

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


/**
 * Reads the posted form and checks X-Twilio-Signature over APP_URL + path (+ query) and every
 * parameter, with the account's auth token (or the sandbox token). Null when it does not match.
 */
async function verifiedParams(c: Context<AppEnv>): Promise<TwilioParams | null> {
  const signature = c.req.header('x-twilio-signature')
  if (!signature) return null
  const form = await c.req.parseBody({ all: false })
  const params: TwilioParams = {}
  for (const [k, v] of Object.entries(form)) if (typeof v === 'string') params[k] = v
  const { config, telephony } = c.get('services')
  const query = new URL(c.req.url).search
  const url = `${config.appUrl}${c.req.path}${query}`
  return twilio.validateRequest(telephony.webhookAuthToken, signature, url, params) ? params : null
}

const forbidden = (c: Context<AppEnv>) => {
  c.get('log').warn({ path: c.req.path }, 'webhook with a missing or wrong X-Twilio-Signature refused')
  return c.json(errorBody('FORBIDDEN', 'Missing or invalid X-Twilio-Signature'), 403)
}

// The body is Twilio's form (application/x-www-form-urlencoded), read as-is: every parameter
// Twilio posts is part of the signature, so it is not validated against a fixed schema first.
const twilioRequest = {
  headers: z.object({ 'x-twilio-signature': z.string().optional() }),
}

export function whatsappRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/whatsapp/webhook',
      tags: ['WhatsApp'],
      summary: "Twilio's inbound message webhook (signed)",
      description: 'Stores the message and enqueues the reply; answers an empty TwiML `<Response/>` at once.',
      request: twilioRequest,
      responses: {
        200: { description: 'Accepted (also for a repeated MessageSid)', content: { 'text/xml': { schema: z.string() } } },
        403: { description: 'Missing or invalid signature; nothing stored' },
      },
    }),
    async (c) => {
      const params = await verifiedParams(c)
      if (!params) return forbidden(c)
      const result = await receiveMessage({ ctx: systemCtx(c), input: params })
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
        403: { description: 'Missing or invalid signature' },
      },
    }),
    async (c) => {
      const params = await verifiedParams(c)
      if (!params) return forbidden(c)
      await applyStatusCallback({ ctx: systemCtx(c), input: params })
      return c.body(EMPTY_TWIML, 200, { 'content-type': 'text/xml' })
    },
  )

  return app
}
