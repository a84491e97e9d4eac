// The value lists of the database's enums, importable by the web app too (this folder imports
// nothing from src/server or src/web). The schema's pgEnums are built from these lists, and
// request/response schemas from the pgEnums' `enumValues`, so a value is added in one place.

export const MEMBER_ROLES = ['owner', 'admin', 'agent', 'viewer'] as const
export type MemberRole = (typeof MEMBER_ROLES)[number]

export const PLAN_TYPES = ['starter', 'business', 'enterprise'] as const
export type PlanType = (typeof PLAN_TYPES)[number]

export const TRAINING_STATUSES = ['untrained', 'training', 'trained', 'failed'] as const
export type TrainingStatus = (typeof TRAINING_STATUSES)[number]

export const ORGANIZATION_KINDS = ['business', 'personal', 'platform'] as const
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number]

export const INVITATION_STATUSES = ['pending', 'accepted', 'declined', 'revoked'] as const
export type InvitationStatus = (typeof INVITATION_STATUSES)[number]

/** Who answers a conversation: the AI, or a person who took it over. */
export const CONVERSATION_STATUSES = ['ai', 'human'] as const
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number]

export const MESSAGE_DIRECTIONS = ['inbound', 'outbound'] as const
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number]

export const MESSAGE_STATUSES = [
  'received',
  'queued',
  'sent',
  'delivered',
  'read',
  'failed',
  'undelivered',
] as const
export type MessageStatus = (typeof MESSAGE_STATUSES)[number]

export const MESSAGE_SOURCES = [
  'customer',
  'ai',
  'welcome',
  'out_of_hours',
  'limit_notice',
  'opt_out',
  'agent',
  // Written by broadcasts (issue 15): messages sent to many contacts at once.
  'broadcast',
  // The question asking the customer to rate the conversation (issue 18, core/quality/ask-rating.ts).
  'rating_request',
] as const
export type MessageSource = (typeof MESSAGE_SOURCES)[number]

export const NUMBER_STATUSES = [
  'purchasing',
  'registering',
  'active',
  'releasing',
  'released',
  'failed',
] as const
export type NumberStatus = (typeof NUMBER_STATUSES)[number]

export const NUMBER_TYPES = ['local', 'mobile', 'tollFree'] as const
export type NumberType = (typeof NUMBER_TYPES)[number]

export const KNOWLEDGE_SOURCE_KINDS = ['profile', 'faq', 'text', 'file'] as const
export type KnowledgeSourceKind = (typeof KNOWLEDGE_SOURCE_KINDS)[number]

export const KNOWLEDGE_SOURCE_STATUSES = ['processing', 'ready', 'failed'] as const
export type KnowledgeSourceStatus = (typeof KNOWLEDGE_SOURCE_STATUSES)[number]

/** The days of a business-hours schedule, Monday first. */
export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const
export type Weekday = (typeof WEEKDAYS)[number]

/** The tones an organization's assistant can answer in. */
export const TONES = ['friendly', 'professional', 'formal', 'casual', 'playful'] as const
export type Tone = (typeof TONES)[number]

/** The model providers an organization can choose (whether this server has a key for one is separate). */
export const AI_PROVIDERS = ['builtin', 'deepseek', 'openai', 'anthropic', 'compatible'] as const
export type AiProvider = (typeof AI_PROVIDERS)[number]

/** A background import of contacts from a CSV file. */
export const IMPORT_STATUSES = ['pending', 'running', 'done', 'failed'] as const
export type ImportStatus = (typeof IMPORT_STATUSES)[number]

/** WhatsApp's template categories (Meta decides the price and the rules by category). */
export const TEMPLATE_CATEGORIES = ['marketing', 'utility', 'authentication'] as const
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number]

/**
 * A template's WhatsApp approval: `draft` (made, not submitted), `pending` (submitted, waiting for
 * Meta), `approved` (can be sent), `rejected` (with the reason), `paused`/`disabled` (Meta stopped
 * it after poor feedback; cannot be sent).
 */
export const TEMPLATE_STATUSES = ['draft', 'pending', 'approved', 'rejected', 'paused', 'disabled'] as const
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number]

/**
 * A broadcast's life: `scheduled` (waiting for its time), `sending`, `completed` (every recipient
 * sent or skipped), `cancelled` (by a person), `stopped` (the organization ran out of messages,
 * or the broadcast could not go on; `stopped_reason` says which).
 */
export const BROADCAST_STATUSES = ['scheduled', 'sending', 'completed', 'cancelled', 'stopped'] as const
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number]

/**
 * A broadcast recipient's own state. Once a message exists the recipient's visible status is the
 * message's (queued, sent, delivered, read, failed, undelivered): one status, kept by the status
 * callbacks, never copied.
 */
export const RECIPIENT_STATES = ['pending', 'skipped', 'messaged'] as const
export type RecipientState = (typeof RECIPIENT_STATES)[number]

/** Why a recipient was not messaged. */
export const SKIP_REASONS = [
  'opted_out',
  'no_consent',
  'over_limit',
  'duplicate_number',
  'missing_variables',
  'cancelled',
] as const
export type SkipReason = (typeof SKIP_REASONS)[number]

/**
 * What an API key may do (issue 16). A key acts only in its own organization and only through
 * the routes its scopes open; account, member, number, key, webhook, billing and privacy routes
 * stay with signed-in people.
 */
export const API_SCOPES = [
  'conversations:read',
  'messages:send',
  'contacts:read',
  'contacts:write',
  'knowledge:read',
  'knowledge:write',
  'templates:read',
  'broadcasts:read',
  'broadcasts:send',
  'stats:read',
] as const
export type ApiScope = (typeof API_SCOPES)[number]

/** Events an organization's webhook subscriptions can receive (payloads: README, "Webhooks"). */
export const WEBHOOK_EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.status',
  'conversation.handed_off',
  'conversation.resolved',
  'contact.opted_out',
  'number.status',
  'training.completed',
  'usage.limit_reached',
  'broadcast.completed',
  'webhook.test',
] as const
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

/**
 * A delivery's state: `pending` (due at next_attempt_at, retried with backoff), `delivered` (a 2xx),
 * `failed` (every attempt failed, or its endpoint was disabled or deleted).
 */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/** What an export holds. */
export const EXPORT_KINDS = ['messages', 'conversations', 'contacts', 'usage'] as const
export type ExportKind = (typeof EXPORT_KINDS)[number]
export const EXPORT_FORMATS = ['csv', 'json'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]
export const EXPORT_STATUSES = ['queued', 'running', 'completed', 'failed', 'expired'] as const
export type ExportStatus = (typeof EXPORT_STATUSES)[number]

/** What happens to messages beyond the monthly limit: refused (the default), or billed as overage through Stripe. */
export const OVERAGE_MODES = ['refuse', 'bill'] as const
export type OverageMode = (typeof OVERAGE_MODES)[number]

/** A Stripe subscription's `status` (Stripe.Subscription.Status in the `stripe` package). */
export const SUBSCRIPTION_STATUSES = [
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
] as const
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number]

/** Why a conversation needs a person (conversations.attention_reason). */
export const ATTENTION_REASONS = [
  'customer_asked',
  'assistant_unable',
  // The customer wrote while a person has the conversation.
  'customer_waiting',
  'limit_reached',
  'send_failed',
] as const
export type AttentionReason = (typeof ATTENTION_REASONS)[number]

/** How a member is told that a conversation needs a person (each member chooses). */
export const NOTIFICATION_CHANNELS = ['dashboard', 'email', 'whatsapp'] as const
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number]

export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed', 'skipped'] as const
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number]

/** What the customer did after an AI answer (answer_scores.followup). */
export const ANSWER_FOLLOWUPS = ['asked_person', 'repeated', 'thanked'] as const
export type AnswerFollowup = (typeof ANSWER_FOLLOWUPS)[number]

/** How many AI answers a model grades against their passages (with a model configured). */
export const QUALITY_GRADING = ['off', 'sample', 'all'] as const
export type QualityGrading = (typeof QUALITY_GRADING)[number]

export const EXPERIMENT_STATUSES = ['running', 'ended'] as const
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number]

/** The inbox's views of the conversation list. */
export const CONVERSATION_FILTERS = ['all', 'attention', 'human', 'open', 'resolved', 'mine'] as const
export type ConversationFilter = (typeof CONVERSATION_FILTERS)[number]
