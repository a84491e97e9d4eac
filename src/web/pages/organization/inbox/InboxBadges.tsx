import type { InboxConversation } from '../../../api/inbox'
import { Badge } from '../../../components/Badges'
import { attentionReasonLabel } from './inboxWords'

/**
 * What a conversation's row and header say at a glance: who answers (AI or a person), why it needs
 * a person (in words), who it is assigned to, whether it is resolved, and whether it is new to me.
 */
export function InboxBadges({
  conversation: c,
  unread,
}: {
  conversation: InboxConversation
  unread?: boolean
}) {
  return (
    <span className="flex flex-wrap items-center gap-1">
      {unread && (
        <span data-testid="unread-badge">
          <Badge color="blue">New</Badge>
        </span>
      )}
      {c.needsAttention && (
        <span data-testid="attention-badge" data-reason={c.attentionReason ?? ''}>
          <Badge color="red" title="Needs attention">
            {attentionReasonLabel(c.attentionReason)}
          </Badge>
        </span>
      )}
      <Badge color={c.status === 'human' ? 'amber' : 'green'}>{c.status === 'human' ? 'Agent' : 'AI'}</Badge>
      {c.assignedTo && (
        <span data-testid="assignee-badge">
          <Badge color="gray" title="Assigned to">{`→ ${c.assignedTo.name}`}</Badge>
        </span>
      )}
      {c.resolvedAt && (
        <span data-testid="resolved-badge">
          <Badge color="green">Resolved</Badge>
        </span>
      )}
    </span>
  )
}
