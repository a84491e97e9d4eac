import { eq } from 'drizzle-orm'
import { organizations } from '../../db/schema/index.js'
import { endOrganizationBilling } from '../billing/end-organization-billing.js'
import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { releaseOrganizationNumbers } from '../numbers/release-organization-numbers.js'

/**
 * Deletes an organization after cancelling its Stripe subscription and releasing its numbers, so
 * nothing stays billed on Stripe or Twilio.
 */
export async function deleteOrganization({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'org:delete')
  await endOrganizationBilling(ctx, input.organizationId)
  await releaseOrganizationNumbers({ ctx, input: { organizationId: input.organizationId } })
  await ctx.db.delete(organizations).where(eq(organizations.id, input.organizationId))
}
