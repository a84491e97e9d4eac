import { and, eq, inArray } from 'drizzle-orm'
import { phoneNumbers } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { toAppError } from './provider-errors.js'
import { releaseAtProvider } from './release-number.js'

/** Releases every number the organization still holds (before deleting it, so nothing stays billed). */
export async function releaseOrganizationNumbers({ ctx, input }: { ctx: Ctx; input: { organizationId: string } }) {
  const held = await ctx.db
    .select()
    .from(phoneNumbers)
    .where(
      and(
        eq(phoneNumbers.organizationId, input.organizationId),
        inArray(phoneNumbers.status, ['purchasing', 'registering', 'active', 'releasing']),
      ),
    )
  for (const number of held) {
    try {
      await releaseAtProvider(ctx, number)
    } catch (err) {
      throw toAppError(err)
    }
  }
}
