import { and, eq, notInArray, sql } from 'drizzle-orm'
import { phoneNumbers } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'

/**
 * Releases every number the organization still holds (used before deleting it).
 * TODO(numbers issue): route through the full release action (sender deletion, status job).
 */
export async function releaseOrganizationNumbers({ ctx, input }: { ctx: Ctx; input: { organizationId: string } }) {
  const held = await ctx.db
    .select()
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.organizationId, input.organizationId), notInArray(phoneNumbers.status, ['released'])))
  for (const number of held) {
    if (number.providerNumberSid) await ctx.telephony.releaseNumber(number.providerNumberSid)
    await ctx.db
      .update(phoneNumbers)
      .set({ status: 'released', releasedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(phoneNumbers.id, number.id), eq(phoneNumbers.organizationId, input.organizationId)))
  }
}
