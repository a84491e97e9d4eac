import { and, eq, sql } from 'drizzle-orm'
import { organizations, planChanges } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { Forbidden, NotFound } from '../errors.js'
import { isUuid } from '../members/permissions.js'
import { operatorOrganizationViews } from './operator-view.js'
import type { SetPlanInput } from './schemas.js'

/**
 * The platform operator sets an organization's plan and/or monthly limit override (null goes back
 * to the plan's limit). Members cannot: until billing exists, plans are the operator's decision.
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
  const { planType, monthlyMessageLimit } = input.changes
  const { before, after } = await ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(organizations)
      .where(and(eq(organizations.id, input.organizationId), eq(organizations.kind, 'business')))
      .for('update')
    if (!before) throw new NotFound('Organization')
    const [after] = await tx
      .update(organizations)
      .set({
        ...(planType !== undefined && { planType }),
        ...(monthlyMessageLimit !== undefined && { monthlyMessageLimitOverride: monthlyMessageLimit }),
        updatedAt: sql`now()`,
      })
      .where(eq(organizations.id, before.id))
      .returning()
    if (!after) throw new Error('the plan update matched no organization although its row is locked')
    await tx.insert(planChanges).values({
      organizationId: before.id,
      changedByUserId: ctx.actor.userId,
      changedByEmail: ctx.actor.email,
      fromPlan: before.planType,
      fromLimitOverride: before.monthlyMessageLimitOverride,
      toPlan: after.planType,
      toLimitOverride: after.monthlyMessageLimitOverride,
    })
    await recordAudit(
      ctx,
      {
        organizationId: before.id,
        action: 'plan.changed',
        target: { type: 'organization', id: before.id },
        details: {
          from: {
            planType: before.planType,
            monthlyMessageLimitOverride: before.monthlyMessageLimitOverride,
          },
          to: { planType: after.planType, monthlyMessageLimitOverride: after.monthlyMessageLimitOverride },
        },
      },
      tx,
    )
    return { before, after }
  })
  ctx.log.info(
    {
      operator: ctx.actor.email,
      organizationId: before.id,
      from: { planType: before.planType, monthlyMessageLimitOverride: before.monthlyMessageLimitOverride },
      to: { planType: after.planType, monthlyMessageLimitOverride: after.monthlyMessageLimitOverride },
    },
    'organization plan changed by an operator',
  )
  const [view] = await operatorOrganizationViews(ctx.db, [after])
  if (!view)
    throw new Error('operatorOrganizationViews returned no view for the one organization it was given')
  return view
}
