import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { FEATURES, type Feature, PLANS, type PlanEntitlements, type PlanOverrides } from '../../shared/plans'
import { api } from './client'
import { orgKeys } from './organizations'
import type { Organization, PlanType } from './types'

// Written by hand from the contract of GET/PUT …/billing (issue 17) until schema.gen.ts has them.

/** What this organization may do: its plan's entitlements with an operator's overrides applied. */
export interface Entitlements extends PlanEntitlements {
  planType: PlanType
  /** Which values come from an operator's override rather than the plan. */
  overridden: { monthlyMessages: boolean; numbers: boolean; maxTotalChars: boolean; features: Feature[] }
}

export interface BillingUsage {
  messagesUsed: number
  messagesLimit: number
  numbersUsed: number
  numbersLimit: number
  knowledgeSources: number
  knowledgeChars: number
}

/** GET /api/organizations/{id}/billing. */
export interface BillingState {
  billing: { enabled: boolean; provider: string | null }
  planType: PlanType
  entitlements: Entitlements
  plans: Record<PlanType, PlanEntitlements>
  usage: BillingUsage
}

/** What an operator sends with a plan change: `null` removes one override (back to the plan's value). */
export interface OverridesChange {
  numbers?: number | null
  maxTotalChars?: number | null
  features?: Partial<Record<Feature, boolean | null>>
}

/** Details of a 409 NUMBERS_OVER_PLAN: the live numbers to release before the downgrade. */
export interface NumbersOverPlan {
  reason: 'NUMBERS_OVER_PLAN'
  allowed: number
  numbers: { id: string; phoneNumber: string }[]
}

/**
 * The overrides in an operator's organization listing (`planOverrides`), read defensively: the
 * listing may not carry them (then the operator's form sends only what is edited).
 */
export function listedOverrides(org: object): PlanOverrides | undefined {
  const value: unknown = 'planOverrides' in org ? org.planOverrides : undefined
  if (typeof value !== 'object' || value === null) return value === null ? {} : undefined
  const o = value as Record<string, unknown>
  const features = typeof o.features === 'object' && o.features !== null ? o.features : {}
  return {
    ...(typeof o.numbers === 'number' ? { numbers: o.numbers } : {}),
    ...(typeof o.maxTotalChars === 'number' ? { maxTotalChars: o.maxTotalChars } : {}),
    features: Object.fromEntries(
      Object.entries(features).filter(
        (e): e is [Feature, boolean] => FEATURES.some((f) => f === e[0]) && typeof e[1] === 'boolean',
      ),
    ),
  }
}

export const billingKeys = { one: (orgId: string) => ['organizations', orgId, 'billing'] as const }

export function useBilling(orgId: string) {
  return useQuery({
    queryKey: billingKeys.one(orgId),
    queryFn: () => api<BillingState>(`/api/organizations/${orgId}/billing`),
  })
}

/** The plan's own entitlements, when the organization's effective ones are not loaded (yet). */
export function planDefaults(planType: PlanType): Entitlements {
  return {
    ...PLANS[planType],
    planType,
    overridden: { monthlyMessages: false, numbers: false, maxTotalChars: false, features: [] },
  }
}

/**
 * What the organization may do, for the gates in other tabs: the effective entitlements from
 * …/billing, or the plan's own while they load (or if they cannot be read).
 */
export function useEntitlements(org: Pick<Organization, 'id' | 'planType'>): Entitlements {
  const billing = useBilling(org.id)
  return billing.data?.entitlements ?? planDefaults(org.planType)
}

/** Owners: PUT /api/organizations/{id}/billing/plan. */
export function useChangePlan(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (planType: PlanType) =>
      api<{ planType: PlanType; entitlements: Entitlements }>(`/api/organizations/${orgId}/billing/plan`, {
        method: 'PUT',
        body: { planType },
      }),
    onSuccess: () => {
      // The organization (its plan and limit), the billing state and every gate follow the new plan.
      qc.invalidateQueries({ queryKey: orgKeys.one(orgId) })
      qc.invalidateQueries({ queryKey: orgKeys.all, exact: true })
    },
  })
}
