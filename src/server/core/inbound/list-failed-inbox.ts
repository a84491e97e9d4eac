import { and, desc, eq, isNull, notInArray } from 'drizzle-orm'
import { inbox, organizations, phoneNumbers } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Forbidden } from '../errors.js'

/** Characters of the customer's text shown with a failed row. */
export const FAILED_INBOX_PREVIEW_CHARS = 200

/**
 * Operator view: customer messages whose processing failed for good before they were stored
 * (the queue finished the row as `failed` after its last attempt, with no message), newest first,
 * with the organization that holds the number written to, if any.
 */
export async function listFailedInbox({ ctx, input }: { ctx: ActorCtx; input: { limit: number } }) {
  if (!ctx.actor.isOperator)
    throw new Forbidden('Only platform operators (OPERATOR_EMAILS) can see failed customer messages')
  const rows = await ctx.db
    .select({
      id: inbox.id,
      receivedAt: inbox.receivedAt,
      failedAt: inbox.doneAt,
      toNumber: inbox.toNumber,
      fromWaId: inbox.fromWaId,
      attempts: inbox.attempts,
      lastError: inbox.lastError,
      body: inbox.body,
      simulated: inbox.simulated,
      organizationId: organizations.id,
      organizationName: organizations.name,
    })
    .from(inbox)
    .leftJoin(
      phoneNumbers,
      and(eq(phoneNumbers.e164, inbox.toNumber), notInArray(phoneNumbers.status, ['released', 'failed'])),
    )
    .leftJoin(organizations, eq(organizations.id, phoneNumbers.organizationId))
    .where(and(eq(inbox.outcome, 'failed'), isNull(inbox.messageId)))
    .orderBy(desc(inbox.doneAt), desc(inbox.id))
    .limit(input.limit)
  return rows.map((r) => ({
    id: r.id,
    receivedAt: r.receivedAt.toISOString(),
    failedAt: r.failedAt ? r.failedAt.toISOString() : null,
    toNumber: r.toNumber,
    fromWaId: r.fromWaId,
    organization:
      r.organizationId && r.organizationName !== null
        ? { id: r.organizationId, name: r.organizationName }
        : null,
    attempts: r.attempts,
    lastError: r.lastError,
    bodyPreview:
      r.body.length > FAILED_INBOX_PREVIEW_CHARS
        ? `${r.body.slice(0, FAILED_INBOX_PREVIEW_CHARS - 1)}…`
        : r.body,
    simulated: r.simulated,
  }))
}
