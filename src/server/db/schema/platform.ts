import { sql } from 'drizzle-orm'
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { DELIVERY_STATUSES, EXPORT_FORMATS, EXPORT_KINDS, EXPORT_STATUSES } from '../../../shared/enums.js'
import { encryptedText } from '../encrypted-columns.js'
import { user } from './auth.js'
import { organizations } from './organizations.js'

// The open platform (issue 16): API keys, idempotent requests, webhook subscriptions and their
// durable outbox, exports, and the audit log.

export const deliveryStatus = pgEnum('delivery_status', DELIVERY_STATUSES)
export const exportKind = pgEnum('export_kind', EXPORT_KINDS)
export const exportFormat = pgEnum('export_format', EXPORT_FORMATS)
export const exportStatus = pgEnum('export_status', EXPORT_STATUSES)

/**
 * An organization's API key. The secret (`wak_…`) is shown once; only its SHA-256 is kept.
 * `prefix` (the first characters) lets people tell keys apart and secret scanners find leaks.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    createdBy: text('created_by').references(() => user.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('api_keys_secret_hash_idx').on(t.secretHash),
    index('api_keys_org_idx').on(t.organizationId, t.createdAt),
  ],
)

/**
 * A POST made with an `Idempotency-Key`: the first request does the work and its answer is kept
 * (24 hours); a retry with the same key and body gets that answer again, a different body a 422.
 * `scope` is who asked (an API key's id, or a user's id), so two callers' keys never meet.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    requestHash: text('request_hash').notNull(),
    /** null while the first request is still running. */
    statusCode: integer('status_code'),
    /** Encrypted: an answer can quote what customers wrote. */
    responseBody: encryptedText('response_body'),
    responseType: text('response_type'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('idempotency_keys_scope_key_idx').on(t.scope, t.key),
    index('idempotency_keys_created_idx').on(t.createdAt),
  ],
)

/** Where an organization wants its events sent (Standard Webhooks). `secret` is `whsec_…`, encrypted. */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    events: text('events').array().notNull(),
    secret: text('secret').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Why it was disabled (by a person, or after failing for days). */
    disabledReason: text('disabled_reason'),
    /** The first failure of the current run of failures; cleared by a success. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    createdBy: text('created_by').references(() => user.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhook_endpoints_org_idx').on(t.organizationId)],
)

/**
 * The durable outbox: one row per event per subscribed endpoint, written in the transaction that
 * made the event. `id` is the Standard Webhooks `webhook-id` (`msg_…`). Rows with the same
 * `ordering_key` (a conversation) go out one after another, in `seq` order.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    seq: integer('seq').generatedAlwaysAsIdentity(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
    /** The event's JSON, encrypted (it can hold what customers wrote). */
    payload: text('payload').notNull(),
    orderingKey: text('ordering_key'),
    /** The phone number the event is about, if any (so an erasure finds it). */
    subjectPhone: text('subject_phone'),
    status: deliveryStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt),
    index('webhook_deliveries_order_idx').on(t.endpointId, t.orderingKey, t.seq),
    index('webhook_deliveries_phone_idx').on(t.organizationId, t.subjectPhone),
  ],
)

/** Every attempt of a delivery: the delivery log. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    url: text('url').notNull(),
    requestHeaders: jsonb('request_headers').$type<Record<string, string>>().notNull(),
    statusCode: integer('status_code'),
    /** The first 2 KB of the answer. */
    responseBody: text('response_body'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.attempt)],
)

/** An export made in the background; the file lives in EXPORTS_DIR until `expires_at`. */
export const dataExports = pgTable(
  'data_exports',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: exportKind('kind').notNull(),
    format: exportFormat('format').notNull(),
    filters: jsonb('filters').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    status: exportStatus('status').notNull().default('queued'),
    /** Rows written so far, and the rows the filters matched when the export began. */
    processedRows: integer('processed_rows').notNull().default(0),
    totalRows: integer('total_rows'),
    fileName: text('file_name'),
    sizeBytes: integer('size_bytes'),
    failureReason: text('failure_reason'),
    createdBy: text('created_by').references(() => user.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [index('data_exports_org_idx').on(t.organizationId, t.createdAt)],
)

/** Who changed what in an organization, when and from where. Kept when the actor is deleted. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: text('id').primaryKey().default(sql`gen_random_uuid()::text`),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    actorUserId: text('actor_user_id'),
    actorApiKeyId: text('actor_api_key_id'),
    /** The actor as shown: an email, `API key "name" (wak_…)`, or `system`. */
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_org_idx').on(t.organizationId, t.createdAt)],
)
