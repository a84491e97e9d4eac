import type { ReactNode } from 'react'
import { Link } from 'react-router-dom'
import { FEATURE_LABELS, FEATURES, type Feature, PLANS } from '../../shared/plans'
import { ApiError } from '../api/client'
import { PLAN_TYPES, type PlanType } from '../api/types'
import { focusRing } from './Button'
import { ErrorNotice } from './Feedback'

/** What a 402 PLAN_REQUIRED names: a feature, or a limit ('numbers', 'knowledge'). */
export type Gated = Feature | 'numbers' | 'knowledge'

const GATED_LABELS: Record<Gated, string> = {
  ...FEATURE_LABELS,
  numbers: 'More WhatsApp numbers',
  knowledge: 'More knowledge',
}

export interface PlanRequiredDetails {
  feature: Gated
  currentPlan: PlanType
  requiredPlan: PlanType
}

const isGated = (v: unknown): v is Gated =>
  v === 'numbers' || v === 'knowledge' || FEATURES.some((f) => f === v)
const isPlan = (v: unknown): v is PlanType => PLAN_TYPES.some((p) => p === v)

/** The plan an error asks for, when it is the API's 402 PLAN_REQUIRED; null for any other error. */
export function planRequiredOf(error: unknown): PlanRequiredDetails | null {
  if (!(error instanceof ApiError) || error.code !== 'PLAN_REQUIRED') return null
  const d = error.details
  if (typeof d !== 'object' || d === null) return null
  const { feature, currentPlan, requiredPlan } = d as Record<string, unknown>
  if (!isGated(feature) || !isPlan(requiredPlan)) return null
  return { feature, requiredPlan, currentPlan: isPlan(currentPlan) ? currentPlan : 'starter' }
}

/**
 * An upgrade prompt where a feature is gated: the feature stays in view with what it needs, and a
 * link to the Billing tab, rather than disappearing. `alert` when it answers something just tried.
 */
export function PlanRequired({
  feature,
  plan,
  children,
  alert = false,
}: {
  feature: Gated
  plan: PlanType
  /** A sentence on what this means here ("Existing keys stop working until then."). */
  children?: ReactNode
  alert?: boolean
}) {
  return (
    <div
      role={alert ? 'alert' : undefined}
      className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900"
      data-testid="plan-required"
      data-feature={feature}
    >
      <p>
        <span className="font-medium">{GATED_LABELS[feature]}</span> {feature === 'knowledge' ? 'is' : 'are'}{' '}
        part of the <span className="font-medium">{PLANS[plan].label}</span> plan.
      </p>
      {children && <div className="mt-1">{children}</div>}
      <Link to="?tab=billing" className={`mt-1 inline-block font-medium text-sky-900 underline ${focusRing}`}>
        See the plans in Billing
      </Link>
    </div>
  )
}

/** An action's error: the upgrade prompt for a 402 PLAN_REQUIRED (with the server's reason), else the notice. */
export function PlanErrorNotice({
  error,
  title,
  showFields,
}: {
  error: unknown
  title?: string
  showFields?: boolean
}) {
  const required = planRequiredOf(error)
  if (!required) return <ErrorNotice error={error} title={title} showFields={showFields} />
  return (
    <PlanRequired feature={required.feature} plan={required.requiredPlan} alert>
      {error instanceof ApiError ? error.message : null}
    </PlanRequired>
  )
}
