import { useState } from 'react'
import { useConversation, useHandBack, useReply, useTakeOver } from '../../../api/conversations'
import { atLeast, type Organization } from '../../../api/types'
import { MessageStatusBadge } from '../../../components/Badges'
import { Button } from '../../../components/Button'
import { Card, ErrorNotice, LoadingBlock, ReadOnlyNote } from '../../../components/Feedback'
import { TextAreaField } from '../../../components/Field'
import { formatDateTime, formatPhone, messageSourceLabel } from '../../../components/format'
import { TemplateComposer } from '../templates/TemplateComposer'
import { ConversationStatus } from './ConversationStatus'
import { SimulatedBadge } from './SimulatedBadge'

export function Transcript({ org, cid, onClose }: { org: Organization; cid: string; onClose: () => void }) {
  const conv = useConversation(org.id, cid)
  const takeOver = useTakeOver(org.id, cid)
  const handBack = useHandBack(org.id, cid)
  const reply = useReply(org.id, cid)
  const [text, setText] = useState('')
  const canAct = atLeast(org.role, 'agent')
  const c = conv.data?.conversation
  return (
    <Card
      title="Conversation"
      actions={
        <Button variant="secondary" onClick={onClose}>
          Back to the list
        </Button>
      }
    >
      {conv.isPending && <LoadingBlock label="Loading the transcript…" />}
      {conv.isError && <ErrorNotice error={conv.error} title="Could not load the conversation" />}
      {c && conv.data && (
        <div className="space-y-4">
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <span className="font-medium">{c.contact.profileName ?? 'Customer'}</span>
            <span className="font-mono text-slate-600">{formatPhone(c.contact.waId, 'international')}</span>
            {c.contact.simulated && <SimulatedBadge />}
            <span data-testid="conversation-status" data-status={c.status}>
              <ConversationStatus conversation={c} />
            </span>
          </div>
          <ol
            className="max-h-[28rem] space-y-2 overflow-y-auto rounded-lg bg-[#efeae2] p-3"
            aria-label="Transcript"
            data-testid="transcript"
          >
            {conv.data.messages.length === 0 && <li className="text-sm text-slate-600">No messages.</li>}
            {conv.data.messages.map((m) => (
              <li
                key={m.id}
                className={`flex ${m.direction === 'outbound' ? 'justify-end' : 'justify-start'}`}
                data-direction={m.direction}
              >
                <div
                  className={`max-w-[85%] rounded-lg px-3 py-2 text-sm shadow ${
                    m.direction === 'outbound' ? 'bg-[#d9fdd3]' : 'bg-white'
                  }`}
                >
                  <p className="whitespace-pre-wrap">{m.body}</p>
                  {m.media.map((media) => (
                    <a
                      key={media.url}
                      href={media.url}
                      className="block text-xs text-sky-700 underline"
                      target="_blank"
                      rel="noreferrer"
                    >
                      {media.contentType}
                    </a>
                  ))}
                  <div className="mt-1 flex flex-wrap items-center justify-end gap-2 text-[11px] text-slate-600">
                    {m.direction === 'outbound' && (
                      <span data-testid="message-source">{messageSourceLabel(m.source)}</span>
                    )}
                    <span>{formatDateTime(m.createdAt)}</span>
                    <MessageStatusBadge status={m.status} errorMessage={m.errorMessage} />
                  </div>
                  {(m.errorMessage || m.errorCode) && (
                    <p className="mt-1 text-xs text-red-700">
                      {m.errorCode ? `${m.errorCode}: ` : ''}
                      {m.errorMessage}
                    </p>
                  )}
                </div>
              </li>
            ))}
          </ol>
          {!canAct && (
            <ReadOnlyNote>Viewers can read conversations; agents and above can answer them.</ReadOnlyNote>
          )}
          {canAct && (
            <div className="space-y-3">
              <div className="flex flex-wrap gap-2">
                {c.status !== 'human' && (
                  <Button onClick={() => takeOver.mutate(undefined)} busy={takeOver.isPending}>
                    Take over
                  </Button>
                )}
                {c.status === 'human' && (
                  <Button
                    variant="secondary"
                    onClick={() => handBack.mutate(undefined)}
                    busy={handBack.isPending}
                  >
                    Hand back to AI
                  </Button>
                )}
              </div>
              {takeOver.isError && <ErrorNotice error={takeOver.error} title="Could not take over" />}
              {handBack.isError && <ErrorNotice error={handBack.error} title="Could not hand back" />}
              {!c.windowOpen && (
                <div className="space-y-2 rounded-md border border-slate-200 p-3" data-testid="window-closed">
                  <p className="text-sm text-slate-700">
                    {c.windowClosesAt
                      ? `The customer's last message was more than 24 hours ago (the window closed ${formatDateTime(c.windowClosesAt)}).`
                      : 'This customer has not written yet.'}{' '}
                    WhatsApp only lets you write with an approved template until they answer.
                  </p>
                  <TemplateComposer orgId={org.id} conversationId={cid} />
                </div>
              )}
              {c.windowOpen && c.status === 'human' && (
                <form
                  noValidate
                  className="space-y-2"
                  onSubmit={(e) => {
                    e.preventDefault()
                    if (text.trim()) reply.mutate(text, { onSuccess: () => setText('') })
                  }}
                >
                  <TextAreaField
                    id="agent-reply"
                    label="Reply as an agent"
                    value={text}
                    onChange={(e) => setText(e.target.value)}
                  />
                  {reply.isError && <ErrorNotice error={reply.error} title="Reply not sent" showFields />}
                  <Button type="submit" busy={reply.isPending} disabled={!text.trim()}>
                    Send reply
                  </Button>
                </form>
              )}
            </div>
          )}
        </div>
      )}
    </Card>
  )
}
