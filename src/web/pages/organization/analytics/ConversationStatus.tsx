import type { ConversationSummary } from '../../../api/types'
import { Badge } from '../../../components/Badges'

/** Who answers the conversation now, and whether it waits for a person. */
export function ConversationStatus({ conversation: c }: { conversation: ConversationSummary }) {
  return (
    <>
      <Badge color={c.status === 'human' ? 'amber' : 'green'}>{c.status === 'human' ? 'Agent' : 'AI'}</Badge>
      {c.needsAttention && <Badge color="red">Needs attention</Badge>}
    </>
  )
}
