import { and, asc, count, eq, inArray } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { memberships, type organizations, phoneNumbers, planChanges, user } from '../../db/schema/index.js'
import { entitlementsOf } from '../billing/entitlements.js'
import { LIVE_STATUSES } from '../numbers/view.js'
import { monthlyLimitOf } from './view.js'

type OrganizationRow = typeof organizations.$inferSelect

/** An organization as the platform operator sees it: plan, limit, owners, live numbers, plan history. */
export async function operatorOrganizationViews(db: Tx, orgs: OrganizationRow[]) {
  if (orgs.length === 0) return []
  const ids = orgs.map((o) => o.id)
  const owners = await db
    .select({ organizationId: memberships.organizationId, email: user.email })
    .from(memberships)
    .innerJoin(user, eq(user.id, memberships.userId))
    .where(and(inArray(memberships.organizationId, ids), eq(memberships.role, 'owner')))
    .orderBy(asc(user.email))
  const numbers = await db
    .select({ organizationId: phoneNumbers.organizationId, n: count() })
    .from(phoneNumbers)
    .where(and(inArray(phoneNumbers.organizationId, ids), inArray(phoneNumbers.status, [...LIVE_STATUSES])))
    .groupBy(phoneNumbers.organizationId)
  const changes = await db
    .select()
    .from(planChanges)
    .where(inArray(planChanges.organizationId, ids))
    .orderBy(asc(planChanges.createdAt))
  return orgs.map((org) => ({
    id: org.id,
    name: org.name,
    planType: org.planType,
    monthlyMessageLimit: monthlyLimitOf(org),
    /** null when the plan's own limit applies. */
    monthlyMessageLimitOverride: org.monthlyMessageLimitOverride,
    /** An operator's overrides of the plan (a custom deal), and the entitlements they make. */
    planOverrides: org.planOverrides,
    entitlements: entitlementsOf(org),
    owners: owners.filter((o) => o.organizationId === org.id).map((o) => o.email),
    liveNumbers: numbers.find((n) => n.organizationId === org.id)?.n ?? 0,
    planChanges: changes
      .filter((c) => c.organizationId === org.id)
      .map((c) => ({
        changedBy: c.changedByEmail,
        fromPlan: c.fromPlan,
        fromLimitOverride: c.fromLimitOverride,
        toPlan: c.toPlan,
        toLimitOverride: c.toLimitOverride,
        at: c.createdAt.toISOString(),
      })),
    createdAt: org.createdAt.toISOString(),
  }))
}

export type OperatorOrganizationView = Awaited<ReturnType<typeof operatorOrganizationViews>>[number]
