import type { InboxConversation } from '../../../api/inbox'
import { focusRing } from '../../../components/Button'
import { formatDateTime, formatPhone } from '../../../components/format'
import { InboxBadges } from './InboxBadges'

/** One conversation in the list: the customer, the last message, its badges; selecting opens it. */
export function ConversationRow({
  conversation: c,
  selected,
  unread,
  onOpen,
}: {
  conversation: InboxConversation
  selected: boolean
  unread: boolean
  onOpen: () => void
}) {
  return (
    <button
      type="button"
      onClick={onOpen}
      aria-current={selected || undefined}
      data-testid="inbox-row"
      data-conversation={c.id}
      className={`block w-full space-y-1 px-3 py-3 text-left ${focusRing} ${
        selected ? 'bg-emerald-50' : 'hover:bg-slate-50'
      }`}
    >
      <span className="flex items-baseline justify-between gap-2">
        <span className={`truncate text-sm ${unread ? 'font-semibold' : 'font-medium'}`}>
          {c.contact.name ?? c.contact.profileName ?? formatPhone(c.contact.waId, 'international')}
        </span>
        <span className="shrink-0 text-xs text-slate-600">{formatDateTime(c.lastMessageAt)}</span>
      </span>
      {(c.contact.name ?? c.contact.profileName) && (
        <span className="block font-mono text-xs text-slate-600">
          {formatPhone(c.contact.waId, 'international')}
        </span>
      )}
      <span className="block truncate text-sm text-slate-600" data-testid="inbox-row-last">
        {c.lastMessage ?? '—'}
      </span>
      <InboxBadges conversation={c} unread={unread} />
    </button>
  )
}
