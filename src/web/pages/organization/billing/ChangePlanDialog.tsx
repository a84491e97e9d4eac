import { Link } from 'react-router-dom'
import { type BillingState, type NumbersOverPlan, useChangePlan } from '../../../api/billing'
import { ApiError } from '../../../api/client'
import type { PlanType } from '../../../api/types'
import { Button, focusRing } from '../../../components/Button'
import { formatPhone } from '../../../components/format'
import { Modal } from '../../../components/Modal'
import { PlanErrorNotice } from '../../../components/PlanRequired'
import { useToast } from '../../../components/Toast'
import { planChanges } from './planChanges'
import { formatPrice } from './planWords'

/** A 409 CHECKOUT_REQUIRED: no live subscription to change, the plan is bought through Checkout. */
const checkoutRequired = (error: unknown) =>
  error instanceof ApiError &&
  error.status === 409 &&
  (error.details as { reason?: unknown } | undefined)?.reason === 'CHECKOUT_REQUIRED'

/** The live numbers a 409 NUMBERS_OVER_PLAN asks to release, when the error is one. */
function numbersOverPlan(error: unknown): NumbersOverPlan | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null
  const d = error.details as Partial<NumbersOverPlan> | undefined
  if (d?.reason !== 'NUMBERS_OVER_PLAN' || !Array.isArray(d.numbers)) return null
  return { reason: d.reason, allowed: typeof d.allowed === 'number' ? d.allowed : 0, numbers: d.numbers }
}

function ChangeList({ title, items, testId }: { title: string; items: string[]; testId: string }) {
  if (items.length === 0) return null
  return (
    <div>
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-slate-700" data-testid={testId}>
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </div>
  )
}

/** Confirms a plan switch with what it changes (gains and losses), then PUT …/billing/plan. */
export function ChangePlanDialog({
  orgId,
  state,
  target,
  onClose,
  onCheckout,
}: {
  orgId: string
  state: BillingState
  /** The plan to switch to; null when the dialog is closed. */
  target: PlanType | null
  onClose: () => void
  /** Opens Stripe Checkout for the plan (billing on, when the server says there is nothing to change). */
  onCheckout: (plan: PlanType) => void
}) {
  const change = useChangePlan(orgId)
  const toast = useToast()
  const plan = target ? state.plans[target] : null
  const close = () => {
    change.reset()
    onClose()
  }
  const billingOn = state.billing.enabled
  const summary = plan
    ? planChanges(state.entitlements, plan, state.usage, billingOn && state.billing.extraNumbers.available)
    : null
  const over = numbersOverPlan(change.error)
  const current = state.entitlements
  return (
    <Modal open={target !== null} title={plan ? `Switch to ${plan.label}?` : 'Switch plan'} onClose={close}>
      {plan && summary && target && (
        <div className="space-y-4" data-testid="change-plan-dialog">
          <p className="text-sm text-slate-700">
            From {current.label} ({formatPrice(current.priceUsd)} a month) to {plan.label} (
            {formatPrice(plan.priceUsd)} a month).{' '}
            {billingOn
              ? 'Your subscription changes at once; Stripe prorates the difference on your next invoice.'
              : 'Billing is off in this installation: nothing is charged. The change applies at once.'}
          </p>
          <ChangeList title="You gain" items={summary.gains} testId="plan-gains" />
          <ChangeList title="You lose" items={summary.losses} testId="plan-losses" />
          {summary.warnings.length > 0 && (
            <ul
              className="list-disc space-y-1 rounded-md border border-amber-200 bg-amber-50 py-2 pr-3 pl-8 text-sm text-amber-900"
              data-testid="plan-warnings"
            >
              {summary.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          {checkoutRequired(change.error) ? (
            <div
              role="alert"
              className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900"
              data-testid="checkout-required"
            >
              <p>There is no active subscription to change: subscribe to {plan.label} through Stripe.</p>
              <Button className="mt-2" onClick={() => onCheckout(target)}>
                Continue to checkout
              </Button>
            </div>
          ) : over ? (
            <div
              role="alert"
              className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
              data-testid="numbers-over-plan"
            >
              <p className="font-medium">
                The {plan.label} plan holds {over.allowed} number{over.allowed === 1 ? '' : 's'}: release
                these first, then switch.
              </p>
              <ul className="mt-1 list-disc pl-5">
                {over.numbers.map((n) => (
                  <li key={n.id} className="font-mono">
                    {formatPhone(n.phoneNumber, 'international')}
                  </li>
                ))}
              </ul>
              <Link
                to={{ search: '' }}
                className={`mt-1 inline-block font-medium underline ${focusRing}`}
                onClick={close}
              >
                Go to the numbers (Overview)
              </Link>
            </div>
          ) : (
            <PlanErrorNotice error={change.error} title="The plan was not changed" />
          )}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button
              variant={plan.priceUsd < current.priceUsd ? 'danger' : 'primary'}
              busy={change.isPending}
              onClick={() =>
                change.mutate(target, {
                  onSuccess: () => {
                    toast(`You are now on the ${plan.label} plan.`)
                    close()
                  },
                })
              }
            >
              Switch to {plan.label}
            </Button>
          </div>
        </div>
      )}
    </Modal>
  )
}
