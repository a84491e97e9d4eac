import { eq } from 'drizzle-orm'
import { FEATURE_LABELS, type Feature, PLANS, type PlanEntitlements, planFor } from '../../../shared/plans.js'
import type { Tx } from '../../db/client.js'
import { organizations } from '../../db/schema/index.js'
import { AppError, NotFound } from '../errors.js'

type OrganizationRow = typeof organizations.$inferSelect
type PlanFields = Pick<OrganizationRow, 'planType' | 'monthlyMessageLimitOverride' | 'planOverrides'>

/** What this organization may do: its plan's entitlements with an operator's overrides applied. */
export interface Entitlements extends PlanEntitlements {
  planType: OrganizationRow['planType']
  /** Which values come from an operator's override rather than the plan. */
  overridden: { monthlyMessages: boolean; numbers: boolean; maxTotalChars: boolean; features: Feature[] }
}

export function entitlementsOf(org: PlanFields): Entitlements {
  const plan = PLANS[org.planType]
  const o = org.planOverrides ?? {}
  const featureOverrides = Object.entries(o.features ?? {}).filter(
    (e): e is [Feature, boolean] => typeof e[1] === 'boolean' && e[0] in plan.features,
  )
  return {
    ...plan,
    planType: org.planType,
    monthlyMessages: org.monthlyMessageLimitOverride ?? plan.monthlyMessages,
    numbers: o.numbers ?? plan.numbers,
    knowledge: { ...plan.knowledge, maxTotalChars: o.maxTotalChars ?? plan.knowledge.maxTotalChars },
    features: { ...plan.features, ...Object.fromEntries(featureOverrides) },
    overridden: {
      monthlyMessages: org.monthlyMessageLimitOverride !== null,
      numbers: o.numbers !== undefined,
      maxTotalChars: o.maxTotalChars !== undefined,
      features: featureOverrides.map(([f]) => f),
    },
  }
}

/**
 * 402 PLAN_REQUIRED: the organization's plan does not include what was asked. `details` names the
 * feature, the cheapest plan that has it and the current plan, so the dashboard can offer the upgrade.
 */
export class PlanRequired extends AppError {
  constructor(
    feature: Feature | 'numbers' | 'knowledge',
    currentPlan: OrganizationRow['planType'],
    requiredPlan: OrganizationRow['planType'],
    message?: string,
  ) {
    super(
      'PLAN_REQUIRED',
      message ??
        `${feature in FEATURE_LABELS ? FEATURE_LABELS[feature as Feature] : feature} need${feature in FEATURE_LABELS ? '' : 's'} the ${PLANS[requiredPlan].label} plan (this organization is on ${PLANS[currentPlan].label})`,
      { feature, currentPlan, requiredPlan },
    )
  }
}

/** Throws PlanRequired unless the organization's entitlements include `feature`. */
export function requireFeature(org: PlanFields, feature: Feature) {
  if (entitlementsOf(org).features[feature]) return
  throw new PlanRequired(feature, org.planType, planFor(feature))
}

/** requireFeature for an organization by id (one indexed read of its plan fields); NotFound when it does not exist. */
export async function requireOrganizationFeature(db: Tx, organizationId: string, feature: Feature) {
  const [org] = await db
    .select({
      planType: organizations.planType,
      monthlyMessageLimitOverride: organizations.monthlyMessageLimitOverride,
      planOverrides: organizations.planOverrides,
    })
    .from(organizations)
    .where(eq(organizations.id, organizationId))
  if (!org) throw new NotFound('Organization')
  requireFeature(org, feature)
}
