import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { queryRows, type Tx } from '../../db/client.js'
import { organizations, webhookDeliveries, webhookEndpoints } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import { requireOrganizationFeature } from '../billing/entitlements.js'
import type { ActorCtx } from '../context.js'
import { decryptText, encryptText } from '../crypto/encryption.js'
import { BadRequest, Conflict, NotFound } from '../errors.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'
import { resolvedUrlProblem, webhookUrlProblem } from './address-policy.js'
import { type CreateWebhookInput, MAX_WEBHOOKS_PER_ORGANIZATION, type UpdateWebhookInput } from './schemas.js'
import { newWebhookSecret } from './signature.js'
import { webhookView } from './view.js'

type EndpointRow = typeof webhookEndpoints.$inferSelect

/** An endpoint of this organization, or a 404 (another organization's is not found either). */
export async function findEndpoint(db: Tx, organizationId: string, webhookId: string): Promise<EndpointRow> {
  if (!isUuid(webhookId)) throw new NotFound('Webhook')
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, webhookId), eq(webhookEndpoints.organizationId, organizationId)))
  if (!row) throw new NotFound('Webhook')
  return row
}

async function withCounts(db: Tx, rows: EndpointRow[]) {
  const ids = rows.map((r) => r.id)
  const counts =
    ids.length === 0
      ? []
      : await db
          .select({
            endpointId: webhookDeliveries.endpointId,
            pending: sql<number>`count(*) filter (where ${webhookDeliveries.status} = 'pending')::int`,
            failed: sql<number>`count(*) filter (where ${webhookDeliveries.status} = 'failed')::int`,
          })
          .from(webhookDeliveries)
          .where(inArray(webhookDeliveries.endpointId, ids))
          .groupBy(webhookDeliveries.endpointId)
  const byId = new Map(counts.map((c) => [c.endpointId, c]))
  return rows.map((r) => {
    const c = byId.get(r.id)
    return webhookView(r, { pending: Number(c?.pending ?? 0), failed: Number(c?.failed ?? 0) })
  })
}

const viewOf = async (db: Tx, row: EndpointRow) => {
  const [view] = await withCounts(db, [row])
  if (!view) throw new Error('expected a webhook view')
  return view
}

/** Refuses (400) a URL a webhook may not have: its shape, and where it points unless the operator allows private addresses. */
async function checkUrl(ctx: ActorCtx, url: string) {
  const allowPrivate = ctx.config.webhooks.allowPrivateAddresses
  const problem = webhookUrlProblem(url, allowPrivate) ?? (await resolvedUrlProblem(url, allowPrivate))
  if (problem) throw new BadRequest(`The URL ${problem}`, [{ path: 'url', message: problem }])
}

export async function listWebhooks({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'developers:manage')
  const rows = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.organizationId, input.organizationId))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id))
  return withCounts(ctx.db, rows)
}

/** Subscribes a URL to events. The signing secret is returned here (and by getWebhookSecret). */
export async function createWebhook({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: CreateWebhookInput & { organizationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'developers:manage')
  await requireOrganizationFeature(ctx.db, input.organizationId, 'webhooks')
  await checkUrl(ctx, input.url)
  const secret = newWebhookSecret()
  const events = [...new Set(input.events)]
  const row = await ctx.db.transaction(async (tx) => {
    // The organization's row serializes concurrent creations, so the limit holds.
    await tx
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.id, input.organizationId))
      .for('update')
    const [count] = await queryRows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from webhook_endpoints where organization_id = ${input.organizationId}`,
    )
    if (Number(count?.n ?? 0) >= MAX_WEBHOOKS_PER_ORGANIZATION) {
      throw new Conflict(`An organization can have at most ${MAX_WEBHOOKS_PER_ORGANIZATION} webhooks`, {
        reason: 'OVER_LIMIT',
        limit: MAX_WEBHOOKS_PER_ORGANIZATION,
      })
    }
    const [created] = await tx
      .insert(webhookEndpoints)
      .values({
        organizationId: input.organizationId,
        url: input.url,
        description: input.description ?? '',
        events,
        secret: encryptText(secret),
        createdBy: ctx.actor.userId || null,
      })
      .returning()
    if (!created) throw new Error('expected the inserted webhook')
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'webhook.created',
        target: { type: 'webhook', id: created.id },
        details: { url: created.url, events },
      },
      tx,
    )
    return created
  })
  return { webhook: await viewOf(ctx.db, row), secret }
}

export async function getWebhookSecret({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; webhookId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'developers:manage')
  const row = await findEndpoint(ctx.db, input.organizationId, input.webhookId)
  return decryptText(row.secret)
}

/** Changes a subscription; `enabled: true` re-enables one disabled after failing (and forgets the failures). */
export async function updateWebhook({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: UpdateWebhookInput & { organizationId: string; webhookId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'developers:manage')
  const current = await findEndpoint(ctx.db, input.organizationId, input.webhookId)
  // Changing or disabling an endpoint stays possible after a downgrade; turning one on does not.
  if (input.enabled === true) await requireOrganizationFeature(ctx.db, input.organizationId, 'webhooks')
  if (input.url !== undefined && input.url !== current.url) await checkUrl(ctx, input.url)
  const set: Partial<typeof webhookEndpoints.$inferInsert> = {}
  if (input.url !== undefined) set.url = input.url
  if (input.description !== undefined) set.description = input.description
  if (input.events !== undefined) set.events = [...new Set(input.events)]
  if (input.enabled === true) Object.assign(set, { enabled: true, disabledReason: null, failingSince: null })
  if (input.enabled === false && current.enabled) {
    Object.assign(set, { enabled: false, disabledReason: `Disabled by ${ctx.actor.email}` })
  }
  const row = await ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({ ...set, updatedAt: sql`now()` })
      .where(
        and(eq(webhookEndpoints.id, current.id), eq(webhookEndpoints.organizationId, input.organizationId)),
      )
      .returning()
    if (!updated) throw new NotFound('Webhook')
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'webhook.updated',
        target: { type: 'webhook', id: updated.id },
        details: {
          changed: Object.keys(input).filter(
            (k) =>
              k !== 'organizationId' && k !== 'webhookId' && input[k as keyof typeof input] !== undefined,
          ),
          ...(input.url !== undefined && { url: updated.url }),
          ...(input.events !== undefined && { events: updated.events }),
          ...(input.enabled !== undefined && { enabled: updated.enabled }),
        },
      },
      tx,
    )
    return updated
  })
  return viewOf(ctx.db, row)
}

/** Deletes a subscription with its outbox rows and delivery log. */
export async function deleteWebhook({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; webhookId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'developers:manage')
  const current = await findEndpoint(ctx.db, input.organizationId, input.webhookId)
  await ctx.db.transaction(async (tx) => {
    await tx
      .delete(webhookEndpoints)
      .where(
        and(eq(webhookEndpoints.id, current.id), eq(webhookEndpoints.organizationId, input.organizationId)),
      )
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'webhook.deleted',
        target: { type: 'webhook', id: current.id },
        details: { url: current.url },
      },
      tx,
    )
  })
}
