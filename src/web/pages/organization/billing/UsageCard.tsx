import type { BillingProvider, BillingUsage, Entitlements } from '../../../api/billing'
import { Card } from '../../../components/Feedback'
import { formatCount } from '../../../components/format'
import { ProgressBar } from '../../../components/ProgressBar'
import { UsageBar } from '../../../components/UsageBar'

/** Usage this month against the plan's limits, with what is billed beyond them (billing on). */
export function UsageCard({
  usage: u,
  entitlements: e,
  billing,
}: {
  usage: BillingUsage
  entitlements: Entitlements
  billing: BillingProvider
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
  const overageUsed = u.overageUsed
  const allowance = billing.enabled ? billing.overage.allowance : 0
  const extraBilled = billing.enabled ? billing.extraNumbers.billed : 0
  return (
    <Card title="Usage this month">
      <div className="space-y-4" data-testid="billing-usage">
        <div>
          {allowance > 0 ? (
            // Billed overage: reaching the limit does not pause replies (UsageBar would say it does).
            bar('billing-messages', 'Answers counted this month', u.messagesUsed, u.messagesLimit)
          ) : (
            <UsageBar id="billing-messages" used={u.messagesUsed} limit={u.messagesLimit} />
          )}
          {overageUsed > 0 && (
            <p className="mt-1 text-xs text-slate-700" data-testid="billing-overage-used">
              {formatCount(overageUsed)} message{overageUsed === 1 ? '' : 's'} beyond the limit this month,
              billed as overage.
            </p>
          )}
          {allowance > 0 && (
            <p className="mt-1 text-xs text-slate-600">
              Beyond {formatCount(u.messagesLimit)}, up to {formatCount(allowance)} more are answered and
              billed this month.
            </p>
          )}
        </div>
        <div>
          {bar('billing-numbers', 'WhatsApp numbers in use', u.numbersUsed, u.numbersLimit, false)}
          {extraBilled > 0 && (
            <p className="mt-1 text-xs text-slate-700" data-testid="billing-extra-numbers">
              {formatCount(extraBilled)} number{extraBilled === 1 ? '' : 's'} beyond the{' '}
              {formatCount(e.numbers)} in your plan, billed each month.
            </p>
          )}
        </div>
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
