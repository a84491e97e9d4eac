import { useState } from 'react'
import { useBilling } from '../../../api/billing'
import type { Organization, PlanType } from '../../../api/types'
import { ErrorNotice, LoadingBlock, ReadOnlyNote } from '../../../components/Feedback'
import { ChangePlanDialog } from './ChangePlanDialog'
import { CurrentPlanCard, UsageCard } from './CurrentPlanCard'
import { PlanComparison } from './PlanComparison'

/**
 * The organization's plan: what it includes, this month's usage against it, and the three plans
 * side by side. Every member reads it; an owner switches plans.
 */
export function BillingTab({ org }: { org: Organization }) {
  const billing = useBilling(org.id)
  const [target, setTarget] = useState<PlanType | null>(null)
  const isOwner = org.role === 'owner'
  if (billing.isPending) return <LoadingBlock label="Loading the plan and usage…" lines={6} />
  if (billing.isError) return <ErrorNotice error={billing.error} title="Could not load the plan and usage" />
  const state = billing.data
  return (
    <div className="space-y-4" data-testid="billing-tab">
      {!state.billing.enabled && (
        <p
          className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900"
          data-testid="billing-off"
        >
          <span className="font-medium">Billing is off in this installation: plans are not charged.</span>{' '}
          {isOwner ? 'You can switch plans freely.' : 'An owner can switch plans freely.'}
        </p>
      )}
      {!isOwner && <ReadOnlyNote>Only an owner can change the plan.</ReadOnlyNote>}
      <CurrentPlanCard entitlements={state.entitlements} />
      <UsageCard usage={state.usage} entitlements={state.entitlements} />
      <PlanComparison state={state} canChange={isOwner} onSwitch={setTarget} />
      {isOwner && (
        <ChangePlanDialog orgId={org.id} state={state} target={target} onClose={() => setTarget(null)} />
      )}
    </div>
  )
}
