import {
  API_SCOPES,
  type ApiScope,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from '../../../../shared/enums'

/** What each API key scope lets a program do, in one line (the create-key form lists them all). */
export const SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  'conversations:read': 'read conversations and their messages',
  'messages:send': 'send messages and templates to customers',
  'contacts:read': 'read contacts, their tags and segments',
  'contacts:write': 'create, change and delete contacts and their tags',
  'knowledge:read': 'read the knowledge sources and the training status',
  'knowledge:write': 'add or remove knowledge and start a training',
  'templates:read': 'read WhatsApp templates and their review status',
  'broadcasts:read': 'read broadcasts and their results',
  'broadcasts:send': 'create, schedule and cancel broadcasts',
  'stats:read': 'read usage and analytics',
}

export const SCOPES: readonly ApiScope[] = API_SCOPES

/** When the platform sends each event (the payloads are in the developer docs). */
export const EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  'message.received': 'a customer wrote to your number',
  'message.sent': 'the assistant, an agent or a broadcast sent a message',
  'message.status': 'a message you sent was delivered, read or failed',
  'conversation.handed_off': 'the assistant handed a conversation to a person',
  'conversation.resolved': 'a conversation was marked resolved',
  'contact.opted_out': 'a customer asked not to be messaged any more',
  'number.status': 'your WhatsApp number became active, failed or was released',
  'training.completed': 'an AI training finished (or failed)',
  'usage.limit_reached': 'the organization reached its monthly message limit',
  'broadcast.completed': 'a broadcast finished sending',
  'webhook.test': 'a test event sent with "Send test event"',
}

/** The events an endpoint can subscribe to: every one but the test event, which goes to whoever asks. */
export const SUBSCRIBABLE_EVENTS: readonly WebhookEventType[] = WEBHOOK_EVENT_TYPES.filter(
  (e) => e !== 'webhook.test',
)
