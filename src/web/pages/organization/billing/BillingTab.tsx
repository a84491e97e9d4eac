import { useState } from 'react'
import { isLive, useBilling, useStripeRedirect } from '../../../api/billing'
import { ApiError } from '../../../api/client'
import type { Organization, PlanType } from '../../../api/types'
import { ErrorNotice, LoadingBlock, ReadOnlyNote } from '../../../components/Feedback'
import { BillingReturnNotice } from './BillingReturnNotice'
import { ChangePlanDialog } from './ChangePlanDialog'
import { CurrentPlanCard } from './CurrentPlanCard'
import { InvoicesCard } from './InvoicesCard'
import { OverageCard } from './OverageCard'
import { PlanComparison } from './PlanComparison'
import { PortalButton } from './PortalButton'
import { SubscriptionSummary } from './SubscriptionSummary'
import { UpcomingInvoiceCard } from './UpcomingInvoiceCard'
import { UsageCard } from './UsageCard'

const subscribedAlready = (e: unknown) =>
  e instanceof ApiError && (e.details as { reason?: unknown } | undefined)?.reason === 'SUBSCRIBED'

/**
 * The organization's plan: what it includes, this month's usage against it, and the three plans
 * side by side. Every member reads it; an owner switches plans — freely with billing off, through
 * Stripe (Checkout, then price changes on the subscription) with it on — and manages billing.
 */
export function BillingTab({ org }: { org: Organization }) {
  const billing = useBilling(org.id)
  const checkout = useStripeRedirect(org.id)
  const [target, setTarget] = useState<PlanType | null>(null)
  const isOwner = org.role === 'owner'
  if (billing.isPending) return <LoadingBlock label="Loading the plan and usage…" lines={6} />
  if (billing.isError) return <ErrorNotice error={billing.error} title="Could not load the plan and usage" />
  const state = billing.data
  const on = state.billing.enabled
  const subscription = on ? state.billing.subscription : null

  const openCheckout = (planType: PlanType) => {
    setTarget(null)
    checkout.mutate(
      { kind: 'checkout', planType },
      // The server knows of a subscription this page did not: change its price instead.
      { onError: (e) => subscribedAlready(e) && setTarget(planType) },
    )
  }
  // Pending, or done and the browser on its way to Stripe.
  const opening = checkout.isPending || checkout.isSuccess ? checkout.variables : undefined
  const choose = (planType: PlanType) =>
    on && !isLive(subscription) ? openCheckout(planType) : setTarget(planType)

  return (
    <div className="space-y-4" data-testid="billing-tab" data-billing={on ? 'on' : 'off'}>
      <BillingReturnNotice orgId={org.id} canSync={isOwner && on} />
      {!on && (
        <p
          className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900"
          data-testid="billing-off"
        >
          <span className="font-medium">Billing is off in this installation: plans are not charged.</span>{' '}
          {isOwner ? 'You can switch plans freely.' : 'An owner can switch plans freely.'}
        </p>
      )}
      {!isOwner && (
        <ReadOnlyNote>Only an owner can change the plan{on ? ' and manage billing' : ''}.</ReadOnlyNote>
      )}
      <CurrentPlanCard
        entitlements={state.entitlements}
        actions={isOwner && subscription ? <PortalButton orgId={org.id} /> : undefined}
      >
        {on && <SubscriptionSummary subscription={subscription} />}
      </CurrentPlanCard>
      <UsageCard usage={state.usage} entitlements={state.entitlements} billing={state.billing} />
      {on && isOwner && (
        <div className="grid gap-4 lg:grid-cols-2">
          {isLive(subscription) && <UpcomingInvoiceCard orgId={org.id} />}
          <OverageCard
            key={`${state.billing.overage.mode}:${state.billing.overage.cap}`}
            orgId={org.id}
            overage={state.billing.overage}
            limit={state.entitlements.monthlyMessages}
          />
        </div>
      )}
      {checkout.isError && !subscribedAlready(checkout.error) && (
        <ErrorNotice error={checkout.error} title="Could not open Stripe Checkout" />
      )}
      <PlanComparison
        state={state}
        canChange={isOwner}
        onSwitch={choose}
        busyPlan={opening?.kind === 'checkout' ? opening.planType : null}
      />
      {on && isOwner && <InvoicesCard orgId={org.id} subscribed={isLive(subscription)} />}
      {isOwner && (
        <ChangePlanDialog
          orgId={org.id}
          state={state}
          target={target}
          onClose={() => setTarget(null)}
          onCheckout={openCheckout}
        />
      )}
    </div>
  )
}
