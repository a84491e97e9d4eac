import { eq, sql } from 'drizzle-orm'
import type { OverageMode } from '../../../shared/enums.js'
import { billingAccounts, organizations } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { billingAccountOf, billingOn } from './billing-account.js'

/**
 * An owner chooses what happens beyond the monthly limit: `refuse` (messages wait for next month
 * or an upgrade) or `bill` (each message beyond the limit is billed as overage, up to `cap` a month).
 * Billing overage needs a paid plan whose subscription carries the metered price (409 OVERAGE_UNAVAILABLE).
 */
export async function setOverage({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; mode: OverageMode; cap: number }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'org:billing')
  const billing = billingOn(ctx)
  return ctx.db.transaction(async (tx) => {
    const account = await billingAccountOf(tx, input.organizationId, { lock: true })
    const available = billing.sellsOverage && Boolean(account?.planGranted && account.hasOverageItem)
    if (!account || (input.mode === 'bill' && !available)) {
      throw new Conflict(
        billing.sellsOverage
          ? 'Overage billing needs a paid plan: subscribe first'
          : 'This deployment does not bill overage (no metered price is configured)',
        { reason: 'OVERAGE_UNAVAILABLE' },
      )
    }
    await tx
      .update(billingAccounts)
      .set({ overageMode: input.mode, overageCap: input.cap, updatedAt: sql`now()` })
      .where(eq(billingAccounts.organizationId, input.organizationId))
    const allowance = input.mode === 'bill' && available ? input.cap : 0
    await tx
      .update(organizations)
      .set({ overageAllowance: allowance, updatedAt: sql`now()` })
      .where(eq(organizations.id, input.organizationId))
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'billing.overage_changed',
        target: { type: 'organization', id: input.organizationId },
        details: {
          from: { mode: account.overageMode, cap: account.overageCap },
          to: { mode: input.mode, cap: input.cap },
        },
      },
      tx,
    )
    return { available, mode: input.mode, cap: input.cap, allowance }
  })
}
