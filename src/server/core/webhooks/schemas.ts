import { z } from 'zod'
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../../shared/enums.js'

/** The events a subscription can choose (`webhook.test` is sent by the test button only). */
export const SUBSCRIBABLE_EVENTS = WEBHOOK_EVENT_TYPES.filter(
  (t): t is Exclude<WebhookEventType, 'webhook.test'> => t !== 'webhook.test',
) as [Exclude<WebhookEventType, 'webhook.test'>, ...Exclude<WebhookEventType, 'webhook.test'>[]]

/** An organization has at most this many webhook endpoints. */
export const MAX_WEBHOOKS_PER_ORGANIZATION = 10

const url = z.string().trim().min(1, 'must not be empty').max(2000, 'must be at most 2,000 characters')
const description = z.string().trim().max(500, 'at most 500 characters')
const events = z
  .array(z.enum(SUBSCRIBABLE_EVENTS))
  .min(1, 'choose at least one event')
  .max(SUBSCRIBABLE_EVENTS.length * 2)

export const CreateWebhookInput = z
  .object({
    url: url,
    description: description.optional(),
    events: events,
  })
  .strict()
export type CreateWebhookInput = z.infer<typeof CreateWebhookInput>

export const UpdateWebhookInput = z
  .object({
    url: url.optional(),
    description: description.optional(),
    events: events.optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
export type UpdateWebhookInput = z.infer<typeof UpdateWebhookInput>
