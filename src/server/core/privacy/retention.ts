import { eq } from 'drizzle-orm'
import { organizations } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'

/** The organization's privacy settings: its retention policy and when the job last applied it. */
export async function getPrivacy({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'privacy:manage')
  const [org] = await ctx.db
    .select({ retentionDays: organizations.retentionDays, ranAt: organizations.retentionRanAt })
    .from(organizations)
    .where(eq(organizations.id, input.organizationId))
  if (!org) throw new NotFound('Organization')
  return { retentionDays: org.retentionDays, lastRetentionRunAt: org.ranAt?.toISOString() ?? null }
}

/** Sets how many days messages are kept (null: forever); the hourly job applies it. */
export async function setRetention({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; retentionDays: number | null }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'privacy:manage')
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ retentionDays: organizations.retentionDays })
      .from(organizations)
      .where(eq(organizations.id, input.organizationId))
      .for('update')
    if (!before) throw new NotFound('Organization')
    if (before.retentionDays !== input.retentionDays) {
      await tx
        .update(organizations)
        .set({ retentionDays: input.retentionDays, updatedAt: new Date() })
        .where(eq(organizations.id, input.organizationId))
      await recordAudit(
        ctx,
        {
          organizationId: input.organizationId,
          action: 'retention.changed',
          target: { type: 'organization', id: input.organizationId },
          details: { from: before.retentionDays, to: input.retentionDays },
        },
        tx,
      )
    }
    return { retentionDays: input.retentionDays }
  })
}
