import { useInboxTranscript } from '../../../api/inbox'
import { atLeast, type Organization } from '../../../api/types'
import { Button } from '../../../components/Button'
import { Card, ErrorNotice, LoadingBlock, ReadOnlyNote } from '../../../components/Feedback'
import { formatPhone } from '../../../components/format'
import { ConversationActions } from './ConversationActions'
import { CustomerWindow } from './CustomerWindow'
import { InboxBadges } from './InboxBadges'
import { NotesPanel } from './NotesPanel'
import { ReplyBox } from './ReplyBox'
import { TranscriptMessages } from './TranscriptMessages'

/** The open conversation: who, its badges, the transcript, what an agent can do, and the team's notes. */
export function ConversationPane({
  org,
  cid,
  myUserId,
  onClose,
}: {
  org: Organization
  cid: string
  myUserId: string | undefined
  onClose: () => void
}) {
  const conv = useInboxTranscript(org.id, cid)
  const canAct = atLeast(org.role, 'agent')
  const c = conv.data?.conversation
  return (
    <Card
      title={
        c ? (
          <span data-testid="inbox-conversation-title">
            {c.contact.name ?? c.contact.profileName ?? 'Customer'}{' '}
            <span className="font-mono text-sm font-normal text-slate-600">
              {formatPhone(c.contact.waId, 'international')}
            </span>
          </span>
        ) : (
          'Conversation'
        )
      }
      actions={
        <Button variant="secondary" onClick={onClose}>
          Close
        </Button>
      }
    >
      {conv.isPending && <LoadingBlock label="Loading the transcript…" />}
      {conv.isError && <ErrorNotice error={conv.error} title="Could not load the conversation" />}
      {c && conv.data && (
        <div className="space-y-4" data-testid="inbox-conversation" data-status={c.status}>
          <InboxBadges conversation={c} />
          {canAct ? (
            <ConversationActions orgId={org.id} conversation={c} myUserId={myUserId} />
          ) : (
            <ReadOnlyNote>Viewers can read conversations; agents and above can answer them.</ReadOnlyNote>
          )}
          <TranscriptMessages messages={conv.data.messages} />
          <CustomerWindow orgId={org.id} conversation={c} canAct={canAct} />
          {canAct && c.windowOpen && (
            <ReplyBox orgId={org.id} conversationId={c.id} aiAnswering={c.status !== 'human'} />
          )}
          <NotesPanel
            orgId={org.id}
            conversationId={c.id}
            myUserId={myUserId}
            canWrite={canAct}
            canDeleteAny={atLeast(org.role, 'admin')}
          />
        </div>
      )}
    </Card>
  )
}
