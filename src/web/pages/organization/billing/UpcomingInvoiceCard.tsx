import { useUpcomingInvoice } from '../../../api/billing'
import { errorMessage } from '../../../api/client'
import { Card, LoadingBlock } from '../../../components/Feedback'
import { formatDate } from '../../../components/format'
import { formatMoney } from './planWords'

/** Owners: what Stripe would charge next, line by line (plan, extra numbers, overage so far). */
export function UpcomingInvoiceCard({ orgId }: { orgId: string }) {
  const upcoming = useUpcomingInvoice(orgId)
  return (
    <Card title="Next invoice">
      <div data-testid="billing-upcoming">
        {upcoming.isPending ? (
          <LoadingBlock label="Asking Stripe for the next invoice…" lines={2} />
        ) : upcoming.isError ? (
          <p className="text-sm text-amber-800" data-testid="billing-upcoming-error">
            Could not reach Stripe for the next invoice ({errorMessage(upcoming.error)}). Try again later.
          </p>
        ) : !upcoming.data.upcoming ? (
          <p className="text-sm text-slate-600">No invoice is coming: there is no active subscription.</p>
        ) : (
          <div className="space-y-2 text-sm">
            <p>
              <span className="text-xl font-semibold text-slate-900" data-testid="billing-upcoming-amount">
                {formatMoney(upcoming.data.upcoming.amountDue, upcoming.data.upcoming.currency)}
              </span>{' '}
              {upcoming.data.upcoming.periodEnd && (
                <span className="text-slate-600">on {formatDate(upcoming.data.upcoming.periodEnd)}</span>
              )}
            </p>
            {upcoming.data.upcoming.lines.length > 0 && (
              <ul className="divide-y divide-slate-100 text-slate-700">
                {upcoming.data.upcoming.lines.map((line, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: lines have no id and never reorder
                  <li key={i} className="flex justify-between gap-4 py-1">
                    <span>{line.description}</span>
                    <span className="tabular-nums">
                      {formatMoney(line.amount, upcoming.data.upcoming?.currency ?? 'usd')}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </Card>
  )
}
