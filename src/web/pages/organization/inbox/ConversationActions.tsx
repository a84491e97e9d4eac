import { useHandBack, useTakeOver } from '../../../api/conversations'
import { type InboxConversation, useRefreshConversation, useReopen, useResolve } from '../../../api/inbox'
import { Button } from '../../../components/Button'
import { ErrorNotice } from '../../../components/Feedback'
import { AssignSelect } from './AssignSelect'

/** Take over or hand back to the assistant, assign, resolve or reopen. */
export function ConversationActions({
  orgId,
  conversation: c,
  myUserId,
}: {
  orgId: string
  conversation: InboxConversation
  myUserId: string | undefined
}) {
  const takeOver = useTakeOver(orgId, c.id)
  const handBack = useHandBack(orgId, c.id)
  const resolve = useResolve(orgId, c.id)
  const reopen = useReopen(orgId, c.id)
  const refresh = useRefreshConversation(orgId)
  const after = { onSuccess: () => refresh(c.id) }
  const failed = [
    [takeOver.error, 'Could not take over'],
    [handBack.error, 'Could not hand back'],
    [resolve.error, 'Not resolved'],
    [reopen.error, 'Not reopened'],
  ] as const
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        {c.status !== 'human' ? (
          <Button onClick={() => takeOver.mutate(undefined, after)} busy={takeOver.isPending}>
            Take over
          </Button>
        ) : (
          <Button
            variant="secondary"
            onClick={() => handBack.mutate(undefined, after)}
            busy={handBack.isPending}
          >
            Hand back to AI
          </Button>
        )}
        {c.resolvedAt ? (
          <Button variant="secondary" onClick={() => reopen.mutate(undefined)} busy={reopen.isPending}>
            Reopen
          </Button>
        ) : (
          <Button variant="secondary" onClick={() => resolve.mutate(undefined)} busy={resolve.isPending}>
            Resolve
          </Button>
        )}
        <AssignSelect
          orgId={orgId}
          conversationId={c.id}
          assignedUserId={c.assignedTo?.userId ?? null}
          myUserId={myUserId}
        />
      </div>
      {failed.map(([error, title]) => error && <ErrorNotice key={title} error={error} title={title} />)}
    </div>
  )
}
