import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { FEATURES, type Feature, PLANS, type PlanEntitlements, type PlanOverrides } from '../../shared/plans'
import { api } from './client'
import { orgKeys } from './organizations'
import type { components } from './schema.gen'
import type { BodyOf, Organization, PlanType, ResponseOf } from './types'

// The shapes of …/billing and its actions, derived from schema.gen.ts (`npm run api:types`).
type Schemas = components['schemas']

/** GET /api/organizations/{id}/billing (and what POST …/billing/sync answers). */
export type BillingState = Schemas['Billing']
/** What this organization may do: its plan's entitlements with an operator's overrides applied (`overridden`). */
export type Entitlements = Schemas['Entitlements']
/** Usage this month; `overageUsed`: messages beyond the limit already counted (billed as overage). */
export type BillingUsage = BillingState['usage']
/** Whether billing is on, and the Stripe subscription, payment issue, overage and extra numbers. */
export type BillingProvider = Schemas['BillingState']
export type Subscription = NonNullable<BillingProvider['subscription']>
/** A failed payment: the paid plan is kept until `graceEndsAt`, then Starter's limits apply (`fallenBack`). */
export type PaymentIssue = NonNullable<BillingProvider['paymentIssue']>
export type Overage = Schemas['Overage']
export type OverageChange = BodyOf<'/api/organizations/{id}/billing/overage', 'put'>
/** An invoice in the Billing tab's list (amounts in the currency's smallest unit, cents for USD). */
export type Invoice = Schemas['Invoice']
/** The next invoice as Stripe would draw it now. */
export type UpcomingInvoice = Schemas['UpcomingInvoice']
type PlanChanged = ResponseOf<'/api/organizations/{id}/billing/plan', 'put'>

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
      api<PlanChanged>(`/api/organizations/${orgId}/billing/plan`, {
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

/**
 * A subscription Stripe still bills (the same statuses the server's adapter treats as live): a plan
 * change swaps its price; without one, a plan is bought through Checkout.
 */
export const isLive = (s: Subscription | null | undefined): s is Subscription =>
  s != null && s.status !== 'canceled' && s.status !== 'incomplete_expired'

const billingPath = (orgId: string, rest = '') => `/api/organizations/${orgId}/billing${rest}`

/**
 * Owners: the invoices, newest first. They arrive by Stripe's webhook, seconds after Checkout: with
 * `expectOne` (a live subscription) an empty list is asked again every 2 s for half a minute.
 */
export function useInvoices(orgId: string, expectOne: boolean) {
  return useQuery({
    queryKey: [...billingKeys.one(orgId), 'invoices'],
    queryFn: () => api<{ invoices: Invoice[] }>(billingPath(orgId, '/invoices')),
    refetchInterval: (query) =>
      expectOne && query.state.data?.invoices.length === 0 && query.state.dataUpdateCount < 15 ? 2000 : false,
  })
}

/** Owners: the next invoice's estimate (502 PROVIDER_FAILED when Stripe cannot be reached). */
export function useUpcomingInvoice(orgId: string) {
  return useQuery({
    queryKey: [...billingKeys.one(orgId), 'upcoming'],
    queryFn: () => api<{ upcoming: UpcomingInvoice | null }>(billingPath(orgId, '/upcoming')),
    retry: false,
  })
}

/** Owners: a Stripe-hosted page (Checkout or the Billing Portal) to send the browser to. */
export function useStripeRedirect(orgId: string) {
  return useMutation({
    mutationFn: (to: { kind: 'checkout'; planType: PlanType } | { kind: 'portal' }) =>
      api<{ url: string }>(billingPath(orgId, `/${to.kind}`), {
        method: 'POST',
        body: to.kind === 'checkout' ? { planType: to.planType } : {},
      }),
    onSuccess: ({ url }) => window.location.assign(url),
  })
}

/** After the browser comes back from Stripe: the subscription as Stripe has it now. */
export function useSyncBilling(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: () => api<BillingState>(billingPath(orgId, '/sync'), { method: 'POST' }),
    onSuccess: (state) => {
      qc.setQueryData(billingKeys.one(orgId), state)
      // The plan may have changed: the organization, its limit, every gate, the invoices.
      qc.invalidateQueries({ queryKey: billingKeys.one(orgId) })
      qc.invalidateQueries({ queryKey: orgKeys.one(orgId) })
      qc.invalidateQueries({ queryKey: orgKeys.all, exact: true })
    },
  })
}

/** Owners: PUT …/billing/overage (refuse or bill messages beyond the limit, up to a monthly cap). */
export function useChangeOverage(orgId: string) {
  const qc = useQueryClient()
  return useMutation({
    mutationFn: (change: OverageChange) =>
      api<Overage>(billingPath(orgId, '/overage'), { method: 'PUT', body: change }),
    onSuccess: () => qc.invalidateQueries({ queryKey: billingKeys.one(orgId) }),
  })
}
