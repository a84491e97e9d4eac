import { PLANS } from '../../../../shared/plans'
import type { Subscription } from '../../../api/billing'
import { Badge } from '../../../components/Badges'
import { formatDate } from '../../../components/format'
import { SUBSCRIPTION_STATUS_LABELS } from './planWords'

const COLORS: Record<Subscription['status'], 'green' | 'blue' | 'amber' | 'red' | 'gray'> = {
  active: 'green',
  trialing: 'blue',
  past_due: 'amber',
  unpaid: 'red',
  incomplete: 'amber',
  incomplete_expired: 'gray',
  canceled: 'gray',
  paused: 'gray',
}

/** The Stripe subscription behind the plan: its status in words and when it renews or ends. */
export function SubscriptionSummary({ subscription: s }: { subscription: Subscription | null }) {
  if (!s) {
    return (
      <p className="text-sm text-slate-600" data-testid="billing-subscription" data-status="none">
        No paid subscription: Starter’s limits apply. Choose a plan below to subscribe.
      </p>
    )
  }
  const ended = s.status === 'canceled' || s.status === 'incomplete_expired'
  return (
    <p
      className="flex flex-wrap items-center gap-2 text-sm text-slate-700"
      data-testid="billing-subscription"
      data-status={s.status}
    >
      <span>Subscription{s.planType ? ` (${PLANS[s.planType].label})` : ''}:</span>
      <span data-testid="billing-subscription-status">
        <Badge color={COLORS[s.status]}>{SUBSCRIPTION_STATUS_LABELS[s.status]}</Badge>
      </span>
      {!ended && s.currentPeriodEnd && (
        <span data-testid="billing-renewal">
          {s.cancelAtPeriodEnd
            ? `Ends on ${formatDate(s.currentPeriodEnd)}; it will not renew.`
            : `Renews on ${formatDate(s.currentPeriodEnd)}.`}
        </span>
      )}
    </p>
  )
}
