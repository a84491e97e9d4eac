import { useConversations } from '../../../api/conversations'
import type { Organization, Stats } from '../../../api/types'
import { Card, ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { formatCount } from '../../../components/format'
import { ConversationList } from './ConversationList'

/** The latest conversations, each opening its transcript. */
export function RecentConversations({
  org,
  stats: s,
  onOpen,
}: {
  org: Organization
  stats: Stats | undefined
  onOpen: (id: string) => void
}) {
  const conversations = useConversations(org.id)
  const list = conversations.data ?? s?.recent
  return (
    <Card title="Conversations">
      {s && (
        <div className="mb-3 flex flex-wrap gap-3 text-sm text-slate-600">
          <span>This month: {formatCount(s.conversations.thisMonth)}</span>
          <span>With an agent: {formatCount(s.conversations.withHuman)}</span>
          <span>Needs attention: {formatCount(s.conversations.needsAttention)}</span>
        </div>
      )}
      {conversations.isError && !list && (
        <ErrorNotice error={conversations.error} title="Could not load the conversations" />
      )}
      {!list && conversations.isPending && <LoadingBlock label="Loading conversations…" />}
      {list && <ConversationList conversations={list} onOpen={onOpen} />}
    </Card>
  )
}
