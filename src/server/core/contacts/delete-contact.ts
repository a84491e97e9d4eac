import { and, eq } from 'drizzle-orm'
import { contacts } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'

/** Deletes a contact with its conversation and messages (owner/admin: `contacts:delete`). */
export async function deleteContact({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; contactId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:delete')
  if (!isUuid(input.contactId)) throw new NotFound('Contact')
  // The conversation and its messages go by ON DELETE CASCADE; broadcast recipients keep the number.
  const deleted = await ctx.db
    .delete(contacts)
    .where(
      and(
        eq(contacts.organizationId, input.organizationId),
        eq(contacts.id, input.contactId),
        eq(contacts.simulated, false),
      ),
    )
    .returning({ id: contacts.id })
  if (deleted.length === 0) throw new NotFound('Contact')
}
