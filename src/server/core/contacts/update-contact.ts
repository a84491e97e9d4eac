import { and, eq, sql } from 'drizzle-orm'
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core'
import { contacts } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { nameTermsOf } from '../crypto/blind-index.js'
import { Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { ensureTags } from './ensure-tags.js'
import { loadContact } from './get-contact.js'
import type { UpdateContactInput } from './schemas.js'
import { contactView } from './view.js'

/**
 * Edits a contact: name, tags (missing ones are added to the tags table), attributes (the whole
 * map), notes, consent. `optedIn: true` records consent now (an earlier consent keeps its date),
 * false clears it. An opt-out can be recorded (`optedOut: true`) but never cleared here: the
 * customer sent STOP, and only the customer's START undoes it.
 */
export async function updateContact({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: UpdateContactInput & { organizationId: string; contactId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:write')
  await ctx.db.transaction(async (tx) => {
    const current = await loadContact(tx, input.organizationId, input.contactId)
    if (input.optedOut === false && current.optedOut)
      throw new Conflict(
        'This customer opted out by sending STOP. Only the customer can opt back in, by sending START.',
        { reason: 'CUSTOMER_OPTED_OUT' },
      )
    const set: PgUpdateSetSource<typeof contacts> = { updatedAt: sql`now()` }
    if (input.name !== undefined) {
      set.name = input.name || null
      // The name's blind index (search), with the profile name's part (core/crypto/blind-index.ts).
      Object.assign(set, nameTermsOf(input.name, current.profileName))
    }
    if (input.notes !== undefined) set.notes = input.notes || null
    if (input.attributes !== undefined) set.attributes = input.attributes
    if (input.tags !== undefined)
      set.tags = (await ensureTags(tx, input.organizationId, input.tags)).list(input.tags)
    if (input.optedIn === true && current.optedInAt === null) set.optedInAt = new Date()
    if (input.optedIn === false) set.optedInAt = null
    if (input.optedOut === true && !current.optedOut) {
      set.optedOut = true
      set.optedOutAt = new Date()
    }
    await tx
      .update(contacts)
      .set(set)
      .where(and(eq(contacts.organizationId, input.organizationId), eq(contacts.id, current.id)))
  })
  return contactView(await loadContact(ctx.db, input.organizationId, input.contactId))
}
