import { useId, useState } from 'react'
import { Link } from 'react-router-dom'
import { useMarkNotificationsRead, useUnreadNotifications } from '../../../api/notifications'
import { Button, focusRing } from '../../../components/Button'
import { formatDateTime } from '../../../components/format'
import { attentionReasonLabel } from './inboxWords'

/**
 * The bell in the organization's header: how many conversations wait for me (my unread dashboard
 * notifications), each a link to the conversation in the Inbox.
 */
export function NotificationBell({ orgId }: { orgId: string }) {
  const notifications = useUnreadNotifications(orgId)
  const markRead = useMarkNotificationsRead(orgId)
  const [open, setOpen] = useState(false)
  const panelId = useId()
  const list = notifications.data?.notifications ?? []
  const count = notifications.data?.unreadCount ?? 0
  return (
    <div className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className={`relative inline-flex items-center gap-1 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm ${focusRing}`}
        data-testid="notification-bell"
        data-count={count}
      >
        <svg aria-hidden viewBox="0 0 20 20" className="h-4 w-4 fill-current text-slate-700">
          <path d="M10 2a5 5 0 0 0-5 5v3.6L3.3 13.4A1 1 0 0 0 4.2 15h11.6a1 1 0 0 0 .9-1.6L15 10.6V7a5 5 0 0 0-5-5Zm0 16a2.5 2.5 0 0 0 2.4-2h-4.8A2.5 2.5 0 0 0 10 18Z" />
        </svg>
        <span className="sr-only">Notifications:</span>
        <span
          className={`rounded-full px-1.5 text-xs font-semibold ${count > 0 ? 'bg-red-700 text-white' : 'bg-slate-100 text-slate-700'}`}
        >
          {count}
        </span>
        <span className="sr-only">unread</span>
      </button>
      {open && (
        <div
          id={panelId}
          className="absolute right-0 z-20 mt-2 w-80 space-y-2 rounded-lg border border-slate-200 bg-white p-3 shadow-lg"
          data-testid="notification-panel"
        >
          <p className="text-sm font-semibold">Conversations waiting for a person</p>
          {count === 0 && <p className="text-sm text-slate-600">Nothing new.</p>}
          <ul className="divide-y divide-slate-200">
            {list.map((n) => (
              <li key={n.id} className="py-2">
                <Link
                  to={`?tab=inbox&conversation=${n.conversationId}`}
                  onClick={() => setOpen(false)}
                  className={`block text-sm ${focusRing}`}
                  data-testid="notification-link"
                >
                  <span className="block font-medium text-emerald-800 underline">
                    {n.contactLabel}: {attentionReasonLabel(n.reason)}
                  </span>
                  <span className="block text-xs text-slate-600">{formatDateTime(n.createdAt)}</span>
                </Link>
              </li>
            ))}
          </ul>
          {count > 0 && (
            <Button
              variant="secondary"
              className="w-full"
              busy={markRead.isPending}
              onClick={() => markRead.mutate({ all: true })}
            >
              Mark all as read
            </Button>
          )}
        </div>
      )}
    </div>
  )
}
