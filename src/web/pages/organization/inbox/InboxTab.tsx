import { useEffect, useMemo, useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import { useSession } from '../../../api/auth'
import { type InboxFilter, useInboxConversations } from '../../../api/inbox'
import { useMarkNotificationsRead, useUnreadNotifications } from '../../../api/notifications'
import { atLeast, type Organization } from '../../../api/types'
import { EmptyState } from '../../../components/Feedback'
import { useDebounced } from '../broadcasts/useDebounced'
import { CannedRepliesDialog } from './CannedRepliesDialog'
import { ConversationList } from './ConversationList'
import { ConversationPane } from './ConversationPane'
import { InboxFilters } from './InboxFilters'
import { isInboxFilter } from './inboxWords'
import { LiveIndicator } from './LiveIndicator'
import { NotificationSettingsDialog } from './NotificationSettingsDialog'

/**
 * The team's inbox: the conversations on the left (filters, search, badges), the open one on the
 * right. The filter and the open conversation live in the URL (?filter=…&conversation=…), so a
 * notification can link straight to a conversation and the back button works.
 */
export function InboxTab({ org }: { org: Organization }) {
  const [params, setParams] = useSearchParams()
  const session = useSession()
  const myUserId = session.data?.user.id
  const requested = params.get('filter')
  const filter: InboxFilter = isInboxFilter(requested) ? requested : 'open'
  const open = params.get('conversation')
  const [search, setSearch] = useState('')
  const q = useDebounced(search, 300)
  // The same query the list shows (one request): its first page counts each filter.
  const counts = useInboxConversations(org.id, { filter, q }).data?.pages[0]?.counts
  const notifications = useUnreadNotifications(org.id)
  const markRead = useMarkNotificationsRead(org.id)
  const unread = useMemo(
    () => new Set((notifications.data?.notifications ?? []).map((n) => n.conversationId)),
    [notifications.data],
  )

  // Opening a conversation reads its notifications.
  const unreadHere = (notifications.data?.notifications ?? [])
    .filter((n) => n.conversationId === open)
    .map((n) => n.id)
  const unreadKey = unreadHere.join(',')
  // biome-ignore lint/correctness/useExhaustiveDependencies: `unreadKey` stands for `unreadHere`
  useEffect(() => {
    if (unreadHere.length > 0 && !markRead.isPending) markRead.mutate({ ids: unreadHere })
  }, [unreadKey])

  const update = (changes: Record<string, string | null>) => {
    const p = new URLSearchParams(params)
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) p.delete(key)
      else p.set(key, value)
    }
    setParams(p)
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <LiveIndicator orgId={org.id} />
        <div className="flex flex-wrap gap-2">
          {atLeast(org.role, 'agent') && <NotificationSettingsDialog orgId={org.id} />}
          {atLeast(org.role, 'admin') && <CannedRepliesDialog orgId={org.id} />}
        </div>
      </div>
      <div className="grid gap-4 lg:grid-cols-[22rem_minmax(0,1fr)]">
        <div className={`space-y-3 ${open ? 'hidden lg:block' : ''}`}>
          <InboxFilters
            filter={filter}
            onFilter={(next) => update({ filter: next })}
            search={search}
            onSearch={setSearch}
            counts={counts}
          />
          <ConversationList
            orgId={org.id}
            query={{ filter, q }}
            selected={open}
            unread={unread}
            onOpen={(id) => update({ conversation: id })}
          />
        </div>
        <div>
          {open ? (
            <ConversationPane
              key={open}
              org={org}
              cid={open}
              myUserId={myUserId}
              onClose={() => update({ conversation: null })}
            />
          ) : (
            <EmptyState title="Pick a conversation">
              Its transcript, the customer's 24-hour window, notes and actions show here.
            </EmptyState>
          )}
        </div>
      </div>
    </div>
  )
}
