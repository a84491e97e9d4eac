import { useState } from 'react'
import { useReply } from '../../../api/conversations'
import { useRefreshConversation } from '../../../api/inbox'
import { Button } from '../../../components/Button'
import { ErrorNotice } from '../../../components/Feedback'
import { TextAreaField } from '../../../components/Field'
import { CannedReplyPicker } from './CannedReplyPicker'

/** The agent's answer, with the team's canned replies to start from (inserted where the text ends). */
export function ReplyBox({
  orgId,
  conversationId,
  aiAnswering,
}: {
  orgId: string
  conversationId: string
  aiAnswering: boolean
}) {
  const reply = useReply(orgId, conversationId)
  const refresh = useRefreshConversation(orgId)
  const [text, setText] = useState('')
  return (
    <form
      noValidate
      className="space-y-2"
      aria-label="Reply"
      onSubmit={(e) => {
        e.preventDefault()
        if (!text.trim()) return
        reply.mutate(text, {
          onSuccess: () => {
            setText('')
            refresh(conversationId)
          },
        })
      }}
    >
      <TextAreaField
        id="inbox-reply"
        label="Reply as an agent"
        value={text}
        onChange={(e) => setText(e.target.value)}
        hint={aiAnswering ? 'Sending a reply takes the conversation over from the assistant.' : undefined}
      />
      {reply.isError && <ErrorNotice error={reply.error} title="Reply not sent" showFields />}
      <div className="flex flex-wrap items-center justify-between gap-2">
        <CannedReplyPicker
          orgId={orgId}
          onPick={(body) => setText((t) => (t.trim() ? `${t.trimEnd()}\n${body}` : body))}
        />
        <Button type="submit" busy={reply.isPending} disabled={!text.trim()}>
          Send reply
        </Button>
      </div>
    </form>
  )
}
