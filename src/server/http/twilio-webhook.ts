import type { IncomingMessage, ServerResponse } from 'node:http'
import twilio from 'twilio'
import type { Services } from '../core/context.js'
import { acceptInbound, type TwilioParams } from '../core/inbound/accept-inbound.js'
import { resolveClientIp } from './client-ip.js'
import { errorBody } from './errors.js'
import { WebhookRefusals } from './middleware/webhook-refusals.js'
import { sanitizeCustomerText } from './text-input.js'

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
/** Twilio's forms are a few KB with a few dozen parameters; anything far bigger is not Twilio. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024
export const WEBHOOK_MAX_PARAMETERS = 200

export type WebhookCheck =
  | { ok: true; params: TwilioParams }
  | { ok: false; status: 400 | 403 | 429; body: ReturnType<typeof errorBody>; retryAfter?: number }

/**
 * Checks one Twilio webhook: caps its parameter count, then checks X-Twilio-Signature over
 * APP_URL + path (+ query) and every parameter, with the account's auth token (or the sandbox
 * token) — in that order, so a forged request costs little; wrong signatures are counted per
 * address (429 past the limit, logged in aggregate). Verified values are made storable:
 * customers' text is never refused (a NUL removed, invalid UTF-16 replaced with U+FFFD), or Twilio
 * would retry a message we can never store. The one implementation behind both ways in: the Hono
 * routes and the webhook's own listener.
 */
export function checkTwilioWebhook(
  services: Pick<Services, 'config' | 'telephony' | 'log'>,
  refusals: WebhookRefusals,
  req: { pathAndQuery: string; signature: string | undefined; fields: [string, string][]; clientIp: string },
): WebhookCheck {
  if (req.fields.length > WEBHOOK_MAX_PARAMETERS) {
    return {
      ok: false,
      status: 400,
      body: errorBody('BAD_REQUEST', `Webhook form has more than ${WEBHOOK_MAX_PARAMETERS} parameters`),
    }
  }
  const params: TwilioParams = Object.fromEntries(req.fields)
  const url = `${services.config.appUrl}${req.pathAndQuery}`
  if (
    !req.signature ||
    !twilio.validateRequest(services.telephony.webhookAuthToken, req.signature, url, params)
  ) {
    if (refusals.refuse(req.clientIp, services.log)) {
      return {
        ok: false,
        status: 429,
        body: errorBody('RATE_LIMITED', 'Too many webhooks with a wrong signature from this address'),
        retryAfter: refusals.retryAfter(req.clientIp),
      }
    }
    return { ok: false, status: 403, body: errorBody('FORBIDDEN', 'Missing or invalid X-Twilio-Signature') }
  }
  const clean: TwilioParams = {}
  for (const [k, v] of req.fields) clean[sanitizeCustomerText(k)] = sanitizeCustomerText(v)
  return { ok: true, params: clean }
}

/**
 * `POST /api/whatsapp/webhook` straight on node:http, ahead of the web framework: the busiest
 * route does only what it must (read a capped form, check the signature, one INSERT, answer
 * TwiML). Same checks and answers as the documented route, which in-process callers (the
 * simulator, tests) still use.
 */
export function inboundWebhookListener(services: Services) {
  const refusals = new WebhookRefusals()
  const send = (
    res: ServerResponse,
    status: number,
    body: string,
    contentType: string,
    extra: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      'content-type': contentType,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      ...extra,
    })
    res.end(body)
  }
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > WEBHOOK_BODY_LIMIT) tooLarge = true
      else chunks.push(chunk)
    })
    req.on('error', () => res.destroy())
    req.on('end', () => {
      if (tooLarge) {
        const body = errorBody(
          'PAYLOAD_TOO_LARGE',
          `Webhook form is larger than ${WEBHOOK_BODY_LIMIT / 1024} KB`,
        )
        return send(res, 413, JSON.stringify(body), 'application/json')
      }
      const header = req.headers['x-twilio-signature']
      const forwarded = req.headers['x-forwarded-for']
      const check = checkTwilioWebhook(services, refusals, {
        pathAndQuery: req.url ?? '/api/whatsapp/webhook',
        signature: Array.isArray(header) ? header[0] : header,
        fields: [...new URLSearchParams(Buffer.concat(chunks).toString('utf8'))],
        clientIp: resolveClientIp(
          req.socket.remoteAddress ?? 'unknown',
          Array.isArray(forwarded) ? forwarded.join(',') : forwarded,
          services.config.trustProxy,
        ),
      })
      if (!check.ok) {
        const extra: Record<string, string> = check.retryAfter
          ? { 'retry-after': String(check.retryAfter) }
          : {}
        return send(res, check.status, JSON.stringify(check.body), 'application/json', extra)
      }
      acceptInbound({ ctx: services, input: check.params })
        .then((result) => {
          services.log.debug({ outcome: result.outcome, sid: check.params.MessageSid }, 'inbound message')
          send(res, 200, EMPTY_TWIML, 'text/xml')
        })
        .catch((err) => {
          services.log.error({ err }, 'inbound webhook failed; Twilio will retry')
          send(
            res,
            500,
            JSON.stringify(errorBody('INTERNAL', 'Could not store the message; retry')),
            'application/json',
          )
        })
    })
  }
}

/** Whether a node:http request is the inbound webhook (exact path, POST, form-encoded). */
export const isInboundWebhook = (req: IncomingMessage) =>
  req.method === 'POST' &&
  (req.url === '/api/whatsapp/webhook' || req.url?.startsWith('/api/whatsapp/webhook?') === true) &&
  (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
