import { rm } from 'node:fs/promises'
import { and, count, eq, inArray, lt, or, sql } from 'drizzle-orm'
import { queryRows } from '../../db/client.js'
import {
  broadcastRecipients,
  contacts,
  conversations,
  dataExports,
  idempotencyKeys,
  messages,
  webhookDeliveries,
} from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { BadRequest, NotFound } from '../errors.js'
import { exportPath } from '../exports/view.js'
import { authorizeOrganization } from '../members/permissions.js'
import { customerPhone, maskPhone } from './customer-phone.js'

/**
 * Erases everything the organization holds on one phone number (GDPR article 17), in one
 * transaction: the contact (and the simulator's customer of that number) with its conversations
 * and messages, the inbox rows from the number, webhook deliveries about it, and every export made
 * before now (a file may contain the customer). Broadcast recipient rows keep their state, so a
 * broadcast's counts stay right, but lose the number, the values sent and the contact link. The
 * monthly message counts are not touched. `confirm` must repeat the number.
 */
export async function eraseCustomer({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; phone: string; confirm: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'privacy:manage')
  const phone = customerPhone(input.phone)
  const confirmed = (() => {
    try {
      return customerPhone(input.confirm, 'confirm')
    } catch {
      return null
    }
  })()
  if (confirmed !== phone)
    throw new BadRequest('To erase this customer, repeat their phone number in "confirm"', [
      { path: 'confirm', message: `must be ${phone}` },
    ])
  const orgId = input.organizationId
  const now = new Date()

  const { erased, files } = await ctx.db.transaction(async (tx) => {
    const contactIds = (
      await tx
        .select({ id: contacts.id })
        .from(contacts)
        .where(and(eq(contacts.organizationId, orgId), eq(contacts.waId, phone)))
        .for('update')
    ).map((c) => c.id)
    const conversationIds =
      contactIds.length === 0
        ? []
        : (
            await tx
              .select({ id: conversations.id })
              .from(conversations)
              .where(
                and(eq(conversations.organizationId, orgId), inArray(conversations.contactId, contactIds)),
              )
          ).map((c) => c.id)
    const orgMessages = and(
      eq(messages.organizationId, orgId),
      inArray(messages.conversationId, conversationIds),
    )
    const messageCount =
      conversationIds.length === 0
        ? 0
        : ((await tx.select({ n: count() }).from(messages).where(orgMessages))[0]?.n ?? 0)

    // Inbox rows carry no organization: those from the number to one of the organization's numbers,
    // or those that became one of the erased messages.
    const inboxRows = await queryRows<{ id: number }>(
      tx,
      sql`
      delete from inbox
      where from_wa_id = ${phone}
        and (to_number in (select e164 from phone_numbers where organization_id = ${orgId})
          or message_id in (select id from messages where organization_id = ${orgId}
            and conversation_id in (select id from conversations where organization_id = ${orgId}
              and contact_id in (select id from contacts where organization_id = ${orgId} and wa_id = ${phone}))))
      returning id`,
    )

    const recipients = await tx
      .update(broadcastRecipients)
      .set({
        // wa_id is NOT NULL and unique per broadcast: a placeholder of the row's own id.
        waId: sql`'erased:' || ${broadcastRecipients.id}`,
        contactId: null,
        variables: null,
        updatedAt: now,
      })
      .where(
        and(
          eq(broadcastRecipients.organizationId, orgId),
          contactIds.length === 0
            ? eq(broadcastRecipients.waId, phone)
            : or(eq(broadcastRecipients.waId, phone), inArray(broadcastRecipients.contactId, contactIds)),
        ),
      )
      .returning({ id: broadcastRecipients.id })

    if (conversationIds.length > 0) await tx.delete(messages).where(orgMessages)
    const convs =
      conversationIds.length === 0
        ? []
        : await tx
            .delete(conversations)
            .where(and(eq(conversations.organizationId, orgId), inArray(conversations.id, conversationIds)))
            .returning({ id: conversations.id })
    const gone =
      contactIds.length === 0
        ? []
        : await tx
            .delete(contacts)
            .where(and(eq(contacts.organizationId, orgId), inArray(contacts.id, contactIds)))
            .returning({ id: contacts.id })
    const deliveries = await tx
      .delete(webhookDeliveries)
      .where(and(eq(webhookDeliveries.organizationId, orgId), eq(webhookDeliveries.subjectPhone, phone)))
      .returning({ id: webhookDeliveries.id })
    const exportRows = await tx
      .delete(dataExports)
      .where(and(eq(dataExports.organizationId, orgId), lt(dataExports.createdAt, now)))
      .returning({ id: dataExports.id, format: dataExports.format })

    // Import error lists quote the rows they refused; drop the entries naming the number.
    await tx.execute(sql`
      update contact_imports
      set errors = coalesce((select jsonb_agg(e) from jsonb_array_elements(errors) e
                             where position(${phone} in e::text) = 0), '[]'::jsonb)
      where organization_id = ${orgId} and position(${phone} in errors::text) > 0`)
    // Stored answers of retried requests (24 hours) may quote the number.
    // They are encrypted, so they are read (24 hours of the organization's callers at most) and
    // the ones quoting the number deleted.
    const stored = await tx
      .select({ scope: idempotencyKeys.scope, key: idempotencyKeys.key, body: idempotencyKeys.responseBody })
      .from(idempotencyKeys)
      .where(
        sql`${idempotencyKeys.responseBody} is not null
          and (${idempotencyKeys.scope} in (select id from api_keys where organization_id = ${orgId})
            or ${idempotencyKeys.scope} in (select user_id from memberships where organization_id = ${orgId}))`,
      )
    for (const row of stored.filter((r) => r.body?.includes(phone))) {
      await tx
        .delete(idempotencyKeys)
        .where(and(eq(idempotencyKeys.scope, row.scope), eq(idempotencyKeys.key, row.key)))
    }

    if (
      gone.length === 0 &&
      recipients.length === 0 &&
      deliveries.length === 0 &&
      messageCount === 0 &&
      convs.length === 0 &&
      inboxRows.length === 0
    )
      // Nothing held on the number (the exports alone do not make it a customer): undone.
      throw new NotFound('Customer')

    const counts = {
      contacts: gone.length,
      conversations: convs.length,
      messages: messageCount,
      broadcastRecipients: recipients.length,
      webhookDeliveries: deliveries.length,
      exports: exportRows.length,
    }
    await recordAudit(
      ctx,
      {
        organizationId: orgId,
        action: 'customer.erased',
        target: { type: 'customer', id: maskPhone(phone) },
        details: { phone: maskPhone(phone), ...counts },
      },
      tx,
    )
    return { erased: counts, files: exportRows }
  })
  // After the commit: an export being written notices its row is gone and stops.
  for (const f of files) await rm(exportPath(ctx.config, f), { force: true })
  return erased
}
