import type { Broadcast } from '../../../api/types'
import { focusRing } from '../../../components/Button'
import { EmptyState } from '../../../components/Feedback'
import { formatCount, formatOrgDate } from '../../../components/format'
import { BroadcastStatusBadge } from './BroadcastBadges'
import { doneOf } from './BroadcastDetail'
import { formatLocal } from './orgTime'

/** A row's progress: a thin bar with the figure beside it (the detail has the labelled bar). */
function MiniProgress({ broadcast }: { broadcast: Broadcast }) {
  const done = doneOf(broadcast)
  const total = broadcast.recipientCount
  const pct = total === 0 ? 100 : Math.round((done / total) * 100)
  return (
    <span className="flex items-center gap-2">
      <span className="h-1.5 w-20 overflow-hidden rounded-full bg-slate-200" aria-hidden>
        <span className="block h-full bg-emerald-500" style={{ width: `${pct}%` }} />
      </span>
      <span className="tabular-nums" data-testid="broadcast-row-progress">
        {`${formatCount(done)} / ${formatCount(total)}`}
      </span>
    </span>
  )
}

/** Every broadcast, newest first: what it sent, where it stands, when. */
export function BroadcastList({
  broadcasts,
  onOpen,
  canSend,
}: {
  broadcasts: Broadcast[]
  onOpen: (id: string) => void
  canSend: boolean
}) {
  if (broadcasts.length === 0) {
    return (
      <EmptyState title="No broadcasts yet">
        {canSend
          ? 'A broadcast sends an approved template to a segment or to tagged contacts, now or at a time you choose.'
          : 'Broadcasts your team sends will be listed here.'}
      </EmptyState>
    )
  }
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="broadcasts-table">
        <caption className="sr-only">Broadcasts</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="py-2 pr-3">
              Name
            </th>
            <th scope="col" className="py-2 pr-3">
              Template
            </th>
            <th scope="col" className="py-2 pr-3">
              Status
            </th>
            <th scope="col" className="py-2 pr-3">
              Progress
            </th>
            <th scope="col" className="py-2">
              When
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {broadcasts.map((b) => (
            <tr key={b.id} data-testid="broadcast-row" data-status={b.status}>
              <td className="py-2 pr-3">
                <button
                  type="button"
                  className={`text-left font-medium text-emerald-700 underline ${focusRing}`}
                  onClick={() => onOpen(b.id)}
                >
                  {b.name}
                </button>
              </td>
              <td className="py-2 pr-3">{b.template.name}</td>
              <td className="py-2 pr-3">
                <BroadcastStatusBadge status={b.status} reason={b.stoppedReason} />
              </td>
              <td className="py-2 pr-3">
                <MiniProgress broadcast={b} />
              </td>
              <td className="py-2 text-slate-700">
                {b.startedAt
                  ? `Started ${formatOrgDate(b.startedAt, b.timeZone, true)}`
                  : b.status === 'scheduled'
                    ? `Scheduled for ${formatLocal(b.sendAtLocal, b.timeZone)}`
                    : `Created ${formatOrgDate(b.createdAt, b.timeZone, true)}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
