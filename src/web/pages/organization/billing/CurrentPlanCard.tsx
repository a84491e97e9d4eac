import { FEATURE_LABELS, FEATURES } from '../../../../shared/plans'
import type { BillingUsage, Entitlements } from '../../../api/billing'
import { Card } from '../../../components/Feedback'
import { formatCount } from '../../../components/format'
import { ProgressBar } from '../../../components/ProgressBar'
import { UsageBar } from '../../../components/UsageBar'
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

/** The organization's plan and what it includes, with the values an operator set marked. */
export function CurrentPlanCard({ entitlements: e }: { entitlements: Entitlements }) {
  return (
    <Card title="Your plan">
      <div className="space-y-4" data-testid="billing-current-plan" data-plan={e.planType}>
        <p className="text-sm">
          <span className="text-xl font-semibold text-slate-900" data-testid="billing-plan-name">
            {e.label}
          </span>{' '}
          <span className="text-slate-600">· {formatPrice(e.priceUsd)} a month</span>
        </p>
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

/** Usage this month against the plan's limits. */
export function UsageCard({
  usage: u,
  entitlements: e,
}: {
  usage: BillingUsage
  entitlements: Entitlements
}) {
  // Holding every number the plan allows is normal; only more than that (after a downgrade) is not.
  const bar = (id: string, label: string, used: number, limit: number, nearFull = true) => (
    <ProgressBar
      id={id}
      label={label}
      value={used}
      max={limit}
      figure={`${formatCount(used)} / ${formatCount(limit)}`}
      valueText={`${formatCount(used)} of ${formatCount(limit)}`}
      level={used > limit ? 'full' : nearFull && limit > 0 && used / limit >= 0.8 ? 'warn' : 'ok'}
    />
  )
  return (
    <Card title="Usage this month">
      <div className="space-y-4" data-testid="billing-usage">
        <UsageBar id="billing-messages" used={u.messagesUsed} limit={u.messagesLimit} />
        {bar('billing-numbers', 'WhatsApp numbers in use', u.numbersUsed, u.numbersLimit, false)}
        {bar(
          'billing-knowledge-chars',
          'Characters of knowledge',
          u.knowledgeChars,
          e.knowledge.maxTotalChars,
        )}
        {bar('billing-knowledge-sources', 'Knowledge sources', u.knowledgeSources, e.knowledge.maxSources)}
      </div>
    </Card>
  )
}
