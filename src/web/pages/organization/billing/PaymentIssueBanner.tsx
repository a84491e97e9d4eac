import { useBilling } from '../../../api/billing'
import type { Organization } from '../../../api/types'
import { formatDate } from '../../../components/format'
import { PortalButton } from './PortalButton'

/**
 * A failed payment, above every tab: until the grace period ends the paid plan is kept; after it
 * Starter's limits apply, nothing is deleted and numbers are never released by it.
 */
export function PaymentIssueBanner({ org }: { org: Pick<Organization, 'id' | 'role'> }) {
  const billing = useBilling(org.id)
  const state = billing.data
  const issue = state?.billing.enabled ? state.billing.paymentIssue : null
  if (!state || !issue) return null
  const isOwner = org.role === 'owner'
  const paidPlan = state.billing.subscription?.planType
  const planName = paidPlan ? state.plans[paidPlan].label : 'paid'
  return (
    <div
      role="alert"
      className="flex flex-wrap items-start justify-between gap-3 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900"
      data-testid="payment-issue"
      data-fallen-back={issue.fallenBack}
    >
      <div className="max-w-3xl space-y-1">
        <p className="font-semibold">Payment failed on {formatDate(issue.failedAt)}.</p>
        {issue.fallenBack ? (
          <p>
            The grace period ended on {formatDate(issue.graceEndsAt)}: Starter’s limits now apply. Nothing was
            deleted. Numbers over the plan keep working, but no new ones can be added. Your plan comes back
            once the payment goes through.
          </p>
        ) : (
          <p>
            Your {planName} plan is kept until {formatDate(issue.graceEndsAt)} while Stripe retries the
            payment; after that Starter’s limits apply (nothing is deleted, and your numbers keep working).
          </p>
        )}
        {!isOwner && <p>Ask an owner of this organization to update the payment method.</p>}
      </div>
      {isOwner && <PortalButton orgId={org.id} label="Update payment method" variant="primary" />}
    </div>
  )
}
