import type { ConversationSummary } from '../../../api/types'
import { focusRing } from '../../../components/Button'
import { EmptyState } from '../../../components/Feedback'
import { formatDateTime, formatPhone } from '../../../components/format'
import { ConversationStatus } from './ConversationStatus'
import { SimulatedBadge } from './SimulatedBadge'

export function ConversationList({
  conversations,
  onOpen,
}: {
  conversations: ConversationSummary[]
  onOpen: (id: string) => void
}) {
  if (conversations.length === 0) {
    return (
      <EmptyState title="No conversations yet">
        Write to the number from the simulator to start one.
      </EmptyState>
    )
  }
  return (
    <ul className="divide-y divide-slate-200" aria-label="Recent conversations">
      {conversations.map((c) => (
        <li key={c.id}>
          <button
            type="button"
            onClick={() => onOpen(c.id)}
            className={`flex w-full flex-wrap items-center justify-between gap-2 px-1 py-3 text-left hover:bg-slate-50 ${focusRing}`}
            data-testid="conversation-row"
          >
            <span className="min-w-0 flex-1">
              <span className="block text-sm font-medium">
                {c.contact.profileName ? `${c.contact.profileName} · ` : ''}
                <span className="font-mono">{formatPhone(c.contact.waId, 'international')}</span>
                {c.contact.simulated && <SimulatedBadge />}
              </span>
              <span className="block truncate text-sm text-slate-600">{c.lastMessage ?? '—'}</span>
            </span>
            <span className="flex items-center gap-2 text-xs text-slate-500">
              <ConversationStatus conversation={c} />
              {formatDateTime(c.lastMessageAt)}
            </span>
          </button>
        </li>
      ))}
    </ul>
  )
}
