import { and, eq } from 'drizzle-orm'
import { organizations } from '../../db/schema/index.js'
import { applyPlanChange, mergeOverrides } from '../billing/apply-plan-change.js'
import type { ActorCtx } from '../context.js'
import { Forbidden, NotFound } from '../errors.js'
import { isUuid } from '../members/permissions.js'
import { operatorOrganizationViews } from './operator-view.js'
import type { SetPlanInput } from './schemas.js'

/**
 * The platform operator sets an organization's plan, monthly limit override (null goes back to the
 * plan's limit) and/or overrides of its entitlements (a custom deal: numbers, maxTotalChars, features).
 * Owners change their own plan through PUT …/billing/plan (core/billing/billing.ts).
 * Each change is recorded in `plan_changes` and logged with who made it.
 */
export async function setOrganizationPlan({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; changes: SetPlanInput }
}) {
  if (!ctx.actor.isOperator)
    throw new Forbidden('Only platform operators (OPERATOR_EMAILS) can change plans and limits')
  if (!isUuid(input.organizationId)) throw new NotFound('Organization')
  const { planType, monthlyMessageLimit, overrides } = input.changes
  const { before, after } = await ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(organizations)
      .where(and(eq(organizations.id, input.organizationId), eq(organizations.kind, 'business')))
      .for('update')
    if (!before) throw new NotFound('Organization')
    const after = await applyPlanChange(
      ctx,
      tx,
      before,
      {
        planType,
        monthlyMessageLimitOverride: monthlyMessageLimit,
        ...(overrides !== undefined && { planOverrides: mergeOverrides(before.planOverrides, overrides) }),
      },
      { guardNumbers: false },
    )
    return { before, after }
  })
  ctx.log.info(
    {
      operator: ctx.actor.email,
      organizationId: before.id,
      from: {
        planType: before.planType,
        monthlyMessageLimitOverride: before.monthlyMessageLimitOverride,
        planOverrides: before.planOverrides,
      },
      to: {
        planType: after.planType,
        monthlyMessageLimitOverride: after.monthlyMessageLimitOverride,
        planOverrides: after.planOverrides,
      },
    },
    'organization plan changed by an operator',
  )
  const [view] = await operatorOrganizationViews(ctx.db, [after])
  if (!view)
    throw new Error('operatorOrganizationViews returned no view for the one organization it was given')
  return view
}
