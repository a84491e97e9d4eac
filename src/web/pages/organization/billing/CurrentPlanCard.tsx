import type { ReactNode } from 'react'
import { FEATURE_LABELS, FEATURES } from '../../../../shared/plans'
import type { Entitlements } from '../../../api/billing'
import { Card } from '../../../components/Feedback'
import { formatCount } from '../../../components/format'
import { allowanceInWords, formatPrice, TRAINING_LABELS } from './planWords'

function Overridden({ when }: { when: boolean }) {
  if (!when) return null
  return <span className="ml-1 text-xs font-normal text-slate-600">(set for this organization)</span>
}

/** ✓ or ✗ with words for screen readers: the symbol alone says nothing aloud. */
export function Included({ yes }: { yes: boolean }) {
  return (
    <>
      <span aria-hidden className={yes ? 'text-emerald-700' : 'text-slate-500'}>
        {yes ? '✓' : '✗'}
      </span>
      <span className="sr-only">{yes ? 'Included:' : 'Not included:'}</span>
    </>
  )
}

/**
 * The organization's plan and what it includes, with the values an operator set marked; with
 * billing on, the subscription (`children`) and "Manage billing" (`actions`).
 */
export function CurrentPlanCard({
  entitlements: e,
  actions,
  children,
}: {
  entitlements: Entitlements
  actions?: ReactNode
  children?: ReactNode
}) {
  return (
    <Card title="Your plan" actions={actions}>
      <div className="space-y-4" data-testid="billing-current-plan" data-plan={e.planType}>
        <p className="text-sm">
          <span className="text-xl font-semibold text-slate-900" data-testid="billing-plan-name">
            {e.label}
          </span>{' '}
          <span className="text-slate-600">· {formatPrice(e.priceUsd)} a month</span>
        </p>
        {children}
        <dl className="grid gap-3 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-slate-600">Messages a month</dt>
            <dd className="font-medium" data-testid="billing-messages-limit">
              {formatCount(e.monthlyMessages)}
              <Overridden when={e.overridden.monthlyMessages} />
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">WhatsApp numbers</dt>
            <dd className="font-medium" data-testid="billing-numbers-limit">
              {formatCount(e.numbers)}
              <Overridden when={e.overridden.numbers} />
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">{TRAINING_LABELS[e.knowledge.training]}</dt>
            <dd className="font-medium" data-testid="billing-knowledge-limit">
              {allowanceInWords(e.knowledge)}
              <Overridden when={e.overridden.maxTotalChars} />
            </dd>
          </div>
        </dl>
        <ul className="grid gap-1 text-sm sm:grid-cols-2" aria-label={`Features of your ${e.label} plan`}>
          {FEATURES.map((f) => (
            <li
              key={f}
              className="flex gap-2"
              data-testid="billing-feature"
              data-feature={f}
              data-included={e.features[f]}
            >
              <Included yes={e.features[f]} />
              <span>
                {FEATURE_LABELS[f]}
                <Overridden when={e.overridden.features.includes(f)} />
              </span>
            </li>
          ))}
        </ul>
      </div>
    </Card>
  )
}
