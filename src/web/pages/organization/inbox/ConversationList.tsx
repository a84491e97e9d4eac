import { type InboxQuery, useInboxConversations } from '../../../api/inbox'
import { Button } from '../../../components/Button'
import { EmptyState, ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { ConversationRow } from './ConversationRow'

/** The conversations matching the filter and search, newest activity first, with "Load more". */
export function ConversationList({
  orgId,
  query,
  selected,
  unread,
  onOpen,
}: {
  orgId: string
  query: InboxQuery
  selected: string | null
  /** Conversations with an unread notification for me. */
  unread: Set<string>
  onOpen: (id: string) => void
}) {
  const list = useInboxConversations(orgId, query)
  if (list.isPending) return <LoadingBlock label="Loading conversations…" />
  if (!list.data) return <ErrorNotice error={list.error} title="Could not load the conversations" />
  const conversations = list.data.pages.flatMap((p) => p.conversations)
  if (conversations.length === 0) {
    return (
      <EmptyState title={query.q ? 'No conversation matches' : 'Nothing here'}>
        {query.filter === 'attention'
          ? 'No conversation needs a person right now.'
          : 'Try another filter, or write to the number from the simulator.'}
      </EmptyState>
    )
  }
  return (
    <div className="space-y-2">
      <ul
        className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white"
        aria-label="Conversations"
      >
        {conversations.map((c) => (
          <li key={c.id}>
            <ConversationRow
              conversation={c}
              selected={c.id === selected}
              unread={unread.has(c.id)}
              onOpen={() => onOpen(c.id)}
            />
          </li>
        ))}
      </ul>
      {list.hasNextPage && (
        <Button
          variant="secondary"
          className="w-full"
          busy={list.isFetchingNextPage}
          onClick={() => list.fetchNextPage()}
        >
          Load more
        </Button>
      )}
      {list.isError && <ErrorNotice error={list.error} title="Could not load more" />}
    </div>
  )
}
