import { and, eq, sql } from 'drizzle-orm'
import { oneRow } from '../../db/client.js'
import { contacts } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { nameTermsOf } from '../crypto/blind-index.js'
import { BadRequest, Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { ensureTags } from './ensure-tags.js'
import { loadContact } from './get-contact.js'
import { normalizePhone } from './normalize-phone.js'
import type { CreateContactInput } from './schemas.js'
import { contactView } from './view.js'

/** Adds a contact by hand (it has never written: `lastSeenAt` stays null). 409 if the number is there. */
export async function createContact({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: CreateContactInput & { organizationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:write')
  const phone = normalizePhone(input.phone)
  if ('error' in phone) throw new BadRequest('Invalid input', [{ path: 'phone', message: phone.error }])
  const id = await ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(
        and(
          eq(contacts.organizationId, input.organizationId),
          eq(contacts.waId, phone.phone),
          eq(contacts.simulated, false),
        ),
      )
    if (existing)
      throw new Conflict(`${phone.phone} is already a contact`, {
        contactId: existing.id,
        phone: phone.phone,
      })
    const tagList = input.tags
      ? (await ensureTags(tx, input.organizationId, input.tags)).list(input.tags)
      : []
    const rows = await tx
      .insert(contacts)
      .values({
        organizationId: input.organizationId,
        waId: phone.phone,
        name: input.name || null,
        ...nameTermsOf(input.name, null),
        tags: tagList,
        attributes: input.attributes ?? {},
        notes: input.notes || null,
        optedInAt: input.optedIn ? sql`now()` : null,
        lastSeenAt: null,
      })
      .onConflictDoNothing()
      .returning({ id: contacts.id })
    // Lost a race with another request (or a first message) adding the same number.
    if (rows.length === 0) throw new Conflict(`${phone.phone} is already a contact`, { phone: phone.phone })
    return oneRow(rows, 'contact').id
  })
  return contactView(await loadContact(ctx.db, input.organizationId, id))
}
