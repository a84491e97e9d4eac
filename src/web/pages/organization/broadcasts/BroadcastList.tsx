import type { Broadcast } from '../../../api/types'
import { focusRing } from '../../../components/Button'
import { EmptyState } from '../../../components/Feedback'
import { formatOrgDate } from '../../../components/format'
import { TableHead } from '../../../components/TableHead'
import { BroadcastStatusBadge } from './BroadcastBadges'
import { BroadcastProgress } from './BroadcastDetail'
import { formatLocal } from './orgTime'

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
        <TableHead caption="Broadcasts" columns={['Name', 'Template', 'Status', 'Progress', 'When']} />
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
                <BroadcastProgress broadcast={b} compact />
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
