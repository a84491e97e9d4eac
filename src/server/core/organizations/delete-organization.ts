import { eq } from 'drizzle-orm'
import { organizations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { releaseOrganizationNumbers } from '../numbers/release-organization-numbers.js'

/** Deletes an organization after releasing its numbers, so nothing stays billed on Twilio. */
export async function deleteOrganization({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'org:delete')
  await releaseOrganizationNumbers({ ctx, input: { organizationId: input.organizationId } })
  await ctx.db.delete(organizations).where(eq(organizations.id, input.organizationId))
}
