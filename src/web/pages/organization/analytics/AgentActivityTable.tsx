import type { Analytics } from '../../../api/analytics'
import { EmptyState } from '../../../components/Feedback'
import { formatCount, formatDuration } from '../../../components/format'
import { TableHead } from '../../../components/TableHead'

/** What each member did in the range: messages sent, conversations answered, how soon they first replied. */
export function AgentActivityTable({ agents }: { agents: Analytics['perAgent'] }) {
  if (agents.length === 0) return <EmptyState title="No agent replies in this range" />
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="agents-table">
        <TableHead
          caption="Activity per agent"
          columns={['Agent', 'Messages', 'Conversations', 'Median first reply']}
        />
        <tbody className="divide-y divide-slate-100">
          {agents.map((a) => (
            <tr key={a.userId}>
              <td className="py-2 pr-3 font-medium">{a.name ?? a.email ?? 'Former member'}</td>
              <td className="py-2 pr-3">{formatCount(a.messages)}</td>
              <td className="py-2 pr-3">{formatCount(a.conversations)}</td>
              <td className="py-2 pr-3">{formatDuration(a.medianFirstResponseMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
