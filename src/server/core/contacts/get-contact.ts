import { and, eq } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { contacts, conversations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'
import { contactConversationJoin, contactSelection, contactView } from './view.js'

/** One real contact of the organization (never a simulator's pretend customer), or a 404. */
export async function loadContact(db: Tx, organizationId: string, contactId: string) {
  if (!isUuid(contactId)) throw new NotFound('Contact')
  const [row] = await db
    .select(contactSelection)
    .from(contacts)
    .leftJoin(conversations, contactConversationJoin)
    .where(
      and(
        eq(contacts.organizationId, organizationId),
        eq(contacts.id, contactId),
        eq(contacts.simulated, false),
      ),
    )
  if (!row) throw new NotFound('Contact')
  return row
}

export async function getContact({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; contactId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:read')
  return contactView(await loadContact(ctx.db, input.organizationId, input.contactId))
}
