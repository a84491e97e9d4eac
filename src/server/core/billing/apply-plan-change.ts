import { and, count, eq, inArray, sql } from 'drizzle-orm'
import { PLANS, type PlanOverrides } from '../../../shared/plans.js'
import type { Tx } from '../../db/client.js'
import { organizations, phoneNumbers, planChanges } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Ctx } from '../context.js'
import { Conflict } from '../errors.js'
import { LIVE_STATUSES } from '../numbers/view.js'
import { entitlementsOf } from './entitlements.js'

type OrganizationRow = typeof organizations.$inferSelect

/** Who a plan change made by billing (Stripe's subscription state, a grace period ending) is recorded as. */
export const BILLING_ACTOR = 'billing (Stripe)'

export interface PlanChange {
  planType?: OrganizationRow['planType']
  /** null: back to the plan's monthly messages. */
  monthlyMessageLimitOverride?: number | null
  planOverrides?: PlanOverrides
  /** Billing's allowances (written only by billing). */
  overageAllowance?: number
  extraNumbersAllowance?: number
}

/** The organization's live numbers (the ones a plan's `numbers` counts). */
export const liveNumbersOf = (tx: Tx, organizationId: string) =>
  tx
    .select({ id: phoneNumbers.id, phoneNumber: phoneNumbers.e164 })
    .from(phoneNumbers)
    .where(
      and(eq(phoneNumbers.organizationId, organizationId), inArray(phoneNumbers.status, [...LIVE_STATUSES])),
    )

/** How many live numbers the organization holds. */
export async function liveNumberCount(tx: Tx, organizationId: string) {
  const [row] = await tx
    .select({ n: count() })
    .from(phoneNumbers)
    .where(
      and(eq(phoneNumbers.organizationId, organizationId), inArray(phoneNumbers.status, [...LIVE_STATUSES])),
    )
  return row?.n ?? 0
}

/**
 * Changes an organization's plan fields inside the caller's transaction, on a row the caller has
 * locked (`before`): the update, a `plan_changes` row and the `plan.changed` audit entry. With
 * `guardNumbers` (an owner's change), a change leaving more live numbers than the new entitlements
 * hold is refused with 409 NUMBERS_OVER_PLAN, listing them, and nothing changes; an operator may
 * (a custom deal, the numbers are theirs to sort out).
 */
export async function applyPlanChange(
  ctx: Ctx,
  tx: Tx,
  before: OrganizationRow,
  change: PlanChange,
  opts: { guardNumbers: boolean },
) {
  const next = {
    planType: change.planType ?? before.planType,
    monthlyMessageLimitOverride:
      change.monthlyMessageLimitOverride !== undefined
        ? change.monthlyMessageLimitOverride
        : before.monthlyMessageLimitOverride,
    planOverrides: change.planOverrides ?? before.planOverrides,
    overageAllowance: change.overageAllowance ?? before.overageAllowance,
    extraNumbersAllowance: change.extraNumbersAllowance ?? before.extraNumbersAllowance,
  }
  if (opts.guardNumbers) {
    const allowed = entitlementsOf(next).numbers + next.extraNumbersAllowance
    const live = await liveNumbersOf(tx, before.id)
    if (live.length > allowed) {
      throw new Conflict(
        `The ${PLANS[next.planType].label} plan holds ${allowed} number${allowed === 1 ? '' : 's'} and this organization has ${live.length}: release ${live.length - allowed} first`,
        { reason: 'NUMBERS_OVER_PLAN', numbers: live, allowed },
      )
    }
  }
  const [after] = await tx
    .update(organizations)
    .set({ ...next, updatedAt: sql`now()` })
    .where(eq(organizations.id, before.id))
    .returning()
  if (!after) throw new Error('the plan update matched no organization although its row is locked')
  await tx.insert(planChanges).values({
    organizationId: before.id,
    changedByUserId: ctx.actor?.userId || null,
    changedByEmail: ctx.actor?.email ?? BILLING_ACTOR,
    fromPlan: before.planType,
    fromLimitOverride: before.monthlyMessageLimitOverride,
    toPlan: after.planType,
    toLimitOverride: after.monthlyMessageLimitOverride,
  })
  const summary = (o: OrganizationRow) => ({
    planType: o.planType,
    monthlyMessageLimitOverride: o.monthlyMessageLimitOverride,
    planOverrides: o.planOverrides,
  })
  await recordAudit(
    ctx,
    {
      organizationId: before.id,
      action: 'plan.changed',
      target: { type: 'organization', id: before.id },
      details: {
        from: summary(before),
        to: summary(after),
        by: !ctx.actor ? 'billing' : ctx.actor.isOperator ? 'operator' : 'owner',
      },
    },
    tx,
  )
  return after
}

/** Merges an operator's override changes (null removes one) into the stored overrides. */
export function mergeOverrides(
  current: PlanOverrides,
  changes: {
    numbers?: number | null
    maxTotalChars?: number | null
    features?: Record<string, boolean | null | undefined>
  },
): PlanOverrides {
  const out: PlanOverrides = { ...current, features: { ...current.features } }
  if (changes.numbers === null) delete out.numbers
  else if (changes.numbers !== undefined) out.numbers = changes.numbers
  if (changes.maxTotalChars === null) delete out.maxTotalChars
  else if (changes.maxTotalChars !== undefined) out.maxTotalChars = changes.maxTotalChars
  const features = out.features ?? {}
  for (const [f, v] of Object.entries(changes.features ?? {})) {
    if (v === null) delete features[f as keyof typeof features]
    else if (v !== undefined) features[f as keyof typeof features] = v
  }
  if (Object.keys(features).length === 0) delete out.features
  else out.features = features
  return out
}
