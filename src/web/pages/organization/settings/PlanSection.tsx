import { type FormEvent, useState } from 'react'
import { Link } from 'react-router-dom'
import type { PlanOverrides } from '../../../../shared/plans'
import { useAccount } from '../../../api/account'
import { useBilling } from '../../../api/billing'
import { ApiError } from '../../../api/client'
import { PLANS, useSetPlan } from '../../../api/plans'
import { type Organization, PLAN_TYPES, type PlanType } from '../../../api/types'
import { Button, focusRing } from '../../../components/Button'
import { Card, ErrorNotice, SuccessNotice } from '../../../components/Feedback'
import { SelectField, TextField } from '../../../components/Field'
import {
  OperatorOverridesFields,
  type OverridesErrors,
  overridesChangeOf,
  overridesDraftOf,
  overridesOfEntitlements,
} from '../billing/OperatorOverrides'

/**
 * The organization's plan and monthly limit. Members see them; only a platform operator changes
 * them (until billing does), so the form appears for operators alone.
 */
export function PlanSection({ org }: { org: Organization }) {
  const account = useAccount()
  const billing = useBilling(org.id)
  const plan = PLANS[org.planType]
  const custom = org.monthlyMessageLimit !== plan.monthlyMessages
  return (
    <Card title="Plan">
      <div className="space-y-4" data-testid="settings-plan">
        <dl className="grid gap-3 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-slate-500">Plan</dt>
            <dd className="font-medium" data-testid="plan-name">
              {plan.label}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Messages a month</dt>
            <dd className="font-medium" data-testid="plan-limit">
              {org.monthlyMessageLimit.toLocaleString()}
              {custom && (
                <span className="ml-1 text-xs font-normal text-slate-500">(set for this organization)</span>
              )}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">WhatsApp numbers</dt>
            <dd className="font-medium">{plan.numbers}</dd>
          </div>
        </dl>
        {account.data?.isOperator ? (
          <div className="space-y-3 border-t border-slate-200 pt-4">
            <p className="text-sm text-slate-600">
              You are a platform operator: the change is recorded with your name.
            </p>
            <OperatorPlanForm
              // Remounted once the overrides are known, so the form starts from them.
              key={billing.data ? 'overrides' : 'plan'}
              orgId={org.id}
              planType={org.planType}
              monthlyMessageLimit={org.monthlyMessageLimit}
              overrides={billing.data ? overridesOfEntitlements(billing.data.entitlements) : undefined}
            />
          </div>
        ) : (
          <p className="text-sm text-slate-600">
            Owners switch plans in the{' '}
            <Link to="?tab=billing" className={`font-medium text-emerald-700 underline ${focusRing}`}>
              Billing tab
            </Link>
            . Limits of your own (a custom deal) are changed by the platform operator: contact us to raise
            them.
          </p>
        )}
      </div>
    </Card>
  )
}

/** The operator's plan and limit form (Settings, and the operator's organizations page). */
export function OperatorPlanForm({
  orgId,
  planType: currentPlan,
  monthlyMessageLimit,
  overrides,
  idPrefix = 'operator',
}: {
  orgId: string
  planType: PlanType
  monthlyMessageLimit: number
  /** The organization's current overrides (undefined: not known, so only what is edited is sent). */
  overrides?: PlanOverrides | null
  /** Distinct ids when several forms share a page. */
  idPrefix?: string
}) {
  const setPlan = useSetPlan(orgId)
  const [planType, setPlanType] = useState<PlanType>(currentPlan)
  const [useCustom, setUseCustom] = useState(monthlyMessageLimit !== PLANS[currentPlan].monthlyMessages)
  const [initialOverrides] = useState(() => overridesDraftOf(overrides))
  const [overridesDraft, setOverridesDraft] = useState(initialOverrides)
  const [overrideErrors, setOverrideErrors] = useState<OverridesErrors>({})
  const [limit, setLimit] = useState(String(monthlyMessageLimit))
  const [limitError, setLimitError] = useState<string>()
  const err = setPlan.error instanceof ApiError ? setPlan.error : null

  function submit(e: FormEvent) {
    e.preventDefault()
    if (useCustom && !/^\d+$/.test(limit.trim())) {
      setLimitError('Enter a whole number of messages')
      return
    }
    setLimitError(undefined)
    const { change, errors } = overridesChangeOf(initialOverrides, overridesDraft)
    setOverrideErrors(errors)
    if (Object.keys(errors).length > 0) return
    setPlan.mutate({
      planType,
      monthlyMessageLimit: useCustom ? Number(limit) : null,
      ...(change ? { overrides: change } : {}),
    })
  }

  return (
    <form
      onSubmit={submit}
      // "Plan changed." describes the values just sent: editing them again takes it away.
      onChange={() => setPlan.isSuccess && setPlan.reset()}
      noValidate
      className="space-y-4"
      data-testid="operator-plan-form"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          id={`${idPrefix}-plan`}
          label="Plan"
          value={planType}
          onChange={(e) => setPlanType(PLAN_TYPES.find((p) => p === e.target.value) ?? planType)}
          error={err?.fieldError('planType')}
        >
          {PLAN_TYPES.map((p) => (
            <option key={p} value={p}>
              {PLANS[p].label} ({PLANS[p].monthlyMessages.toLocaleString()} messages a month)
            </option>
          ))}
        </SelectField>
        <div className="space-y-2">
          <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
            <input type="checkbox" checked={useCustom} onChange={(e) => setUseCustom(e.target.checked)} />
            Custom monthly limit
          </label>
          {useCustom && (
            <TextField
              id={`${idPrefix}-limit`}
              label="Messages a month"
              type="number"
              min={0}
              max={10_000_000}
              value={limit}
              onChange={(e) => setLimit(e.target.value)}
              error={limitError ?? err?.fieldError('monthlyMessageLimit')}
            />
          )}
        </div>
      </div>
      <OperatorOverridesFields
        idPrefix={idPrefix}
        planType={planType}
        draft={overridesDraft}
        onChange={setOverridesDraft}
        errors={overrideErrors}
      />
      {setPlan.isError && <ErrorNotice error={setPlan.error} title="The plan was not changed" />}
      <div className="flex items-center gap-3">
        <Button type="submit" busy={setPlan.isPending}>
          Change plan
        </Button>
        {setPlan.isSuccess && !setPlan.isPending && <SuccessNotice>Plan changed.</SuccessNotice>}
      </div>
    </form>
  )
}
