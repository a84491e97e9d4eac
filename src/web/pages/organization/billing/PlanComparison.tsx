import { FEATURE_LABELS, FEATURES } from '../../../../shared/plans'
import type { BillingState } from '../../../api/billing'
import { PLAN_TYPES, type PlanType } from '../../../api/types'
import { Badge } from '../../../components/Badges'
import { Button } from '../../../components/Button'
import { Card } from '../../../components/Feedback'
import { formatCount } from '../../../components/format'
import { Included } from './CurrentPlanCard'
import { allowanceInWords, formatPrice, TRAINING_LABELS } from './planWords'

/** The three plans side by side; an owner switches from here (through the confirmation dialog). */
export function PlanComparison({
  state,
  canChange,
  onSwitch,
  busyPlan,
}: {
  state: BillingState
  canChange: boolean
  onSwitch: (plan: PlanType) => void
  /** The plan whose Checkout is being opened. */
  busyPlan?: PlanType | null
}) {
  // With billing on the button says which way the price goes; with it off any plan is a free switch.
  const verb = (price: number) =>
    !state.billing.enabled ? 'Switch' : price > state.entitlements.priceUsd ? 'Upgrade' : 'Downgrade'
  return (
    <Card title="Plans">
      <ul className="grid gap-4 md:grid-cols-3" aria-label="Plans">
        {PLAN_TYPES.map((p) => {
          const plan = state.plans[p]
          const current = p === state.planType
          return (
            <li
              key={p}
              className={`flex flex-col gap-3 rounded-lg border p-4 ${current ? 'border-emerald-600 ring-1 ring-emerald-600' : 'border-slate-200'}`}
              data-testid="plan-card"
              data-plan={p}
            >
              <div className="flex items-center justify-between gap-2">
                <h3 className="text-base font-semibold text-slate-900">{plan.label}</h3>
                {current && <Badge color="green">Current plan</Badge>}
              </div>
              <p>
                <span className="text-2xl font-semibold text-slate-900">{formatPrice(plan.priceUsd)}</span>{' '}
                <span className="text-sm text-slate-600">a month</span>
              </p>
              <ul className="space-y-1 text-sm text-slate-700">
                <li>{formatCount(plan.monthlyMessages)} messages a month</li>
                <li>
                  {formatCount(plan.numbers)} WhatsApp number{plan.numbers === 1 ? '' : 's'}
                </li>
                <li>
                  {TRAINING_LABELS[plan.knowledge.training]}: {allowanceInWords(plan.knowledge)}
                </li>
                {FEATURES.map((f) => (
                  <li key={f} className="flex gap-2">
                    <Included yes={plan.features[f]} />
                    <span className={plan.features[f] ? '' : 'text-slate-600'}>{FEATURE_LABELS[f]}</span>
                  </li>
                ))}
              </ul>
              {canChange && !current && (
                <Button
                  className="mt-auto"
                  variant={plan.priceUsd > state.entitlements.priceUsd ? 'primary' : 'secondary'}
                  busy={busyPlan === p}
                  onClick={() => onSwitch(p)}
                >
                  {verb(plan.priceUsd)} to {plan.label}
                </Button>
              )}
            </li>
          )
        })}
      </ul>
    </Card>
  )
}
