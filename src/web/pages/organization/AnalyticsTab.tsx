import { useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import {
  useConversation,
  useConversations,
  useHandBack,
  useReply,
  useStats,
  useTakeOver,
} from '../../api/conversations'
import { atLeast, type ConversationSummary, type Organization } from '../../api/types'
import { Badge, MessageStatusBadge } from '../../components/Badges'
import { Button, focusRing } from '../../components/Button'
import { Card, EmptyState, ErrorNotice, LoadingBlock, ReadOnlyNote } from '../../components/Feedback'
import { TextAreaField } from '../../components/Field'
import {
  formatCount,
  formatDateTime,
  formatDuration,
  formatOrgDate,
  formatPhone,
  messageSourceLabel,
} from '../../components/format'
import { MessagesChart } from '../../components/MessagesChart'
import { TemplateComposer } from './templates/TemplateComposer'

function Stat({ label, value, testId }: { label: string; value: string | number; testId?: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold" data-testid={testId}>
        {typeof value === 'number' ? formatCount(value) : value}
      </dd>
    </div>
  )
}

const statusBadge = (c: ConversationSummary) => (
  <>
    <Badge color={c.status === 'human' ? 'amber' : 'green'}>{c.status === 'human' ? 'Agent' : 'AI'}</Badge>
    {c.needsAttention && <Badge color="red">Needs attention</Badge>}
  </>
)

function ConversationList({
  conversations,
  onOpen,
}: {
  conversations: ConversationSummary[]
  onOpen: (id: string) => void
}) {
  if (conversations.length === 0) {
    return (
      <EmptyState title="No conversations yet">
        Write to the number from the simulator to start one.
      </EmptyState>
    )
  }
  return (
    <ul className="divide-y divide-slate-200" aria-label="Recent conversations">
      {conversations.map((c) => (
        <li key={c.id}>
          <button
            type="button"
            onClick={() => onOpen(c.id)}
            className={`flex w-full flex-wrap items-center justify-between gap-2 px-1 py-3 text-left hover:bg-slate-50 ${focusRing}`}
            data-testid="conversation-row"
          >
            <span className="min-w-0 flex-1">
              <span className="block text-sm font-medium">
                {c.contact.profileName ? `${c.contact.profileName} · ` : ''}
                <span className="font-mono">{formatPhone(c.contact.waId, 'international')}</span>
                {c.contact.simulated && <SimulatedBadge />}
              </span>
              <span className="block truncate text-sm text-slate-600">{c.lastMessage ?? '—'}</span>
            </span>
            <span className="flex items-center gap-2 text-xs text-slate-500">
              {statusBadge(c)}
              {formatDateTime(c.lastMessageAt)}
            </span>
          </button>
        </li>
      ))}
    </ul>
  )
}

function Transcript({ org, cid, onClose }: { org: Organization; cid: string; onClose: () => void }) {
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
              {statusBadge(c)}
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

export function AnalyticsTab({ org }: { org: Organization }) {
  const stats = useStats(org.id)
  const conversations = useConversations(org.id)
  const [params, setParams] = useSearchParams()
  const open = params.get('conversation')
  const setOpen = (id: string | null) => {
    const p = new URLSearchParams(params)
    if (id) p.set('conversation', id)
    else p.delete('conversation')
    setParams(p)
  }
  if (open) return <Transcript org={org} cid={open} onClose={() => setOpen(null)} />
  const s = stats.data
  const list = conversations.data ?? s?.recent
  return (
    <div className="space-y-4">
      {stats.isPending && <LoadingBlock label="Loading analytics…" lines={4} />}
      {stats.isError && <ErrorNotice error={stats.error} title="Could not load the figures" />}
      {s && (
        <>
          <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
            <Stat
              label="All messages this month"
              value={s.month.inbound + s.month.outbound}
              testId="stat-messages"
            />
            <Stat label="Conversations" value={s.conversations.total} testId="stat-conversations" />
            <Stat label="Unique customers" value={s.uniqueCustomers} testId="stat-customers" />
            <Stat
              label="Average reply time"
              value={formatDuration(s.averageReplyLatencyMs)}
              testId="stat-latency"
            />
          </dl>
          <Card title="Messages per day">
            {s.perDay.length === 0 ? (
              <EmptyState title="No messages yet" />
            ) : (
              <MessagesChart data={s.perDay} />
            )}
            <p className="mt-2 text-xs text-slate-500">
              All messages this month: {formatCount(s.month.inbound)} received,{' '}
              {formatCount(s.month.outbound)} sent ·{' '}
              <span data-testid="stats-usage">
                Answers counted this month: {formatCount(s.usage.used)} / {formatCount(s.usage.limit)}
              </span>
              {s.usage.limitReachedAt
                ? ` · limit reached ${formatOrgDate(s.usage.limitReachedAt, org.businessHours.timezone, true)}`
                : ''}
            </p>
          </Card>
        </>
      )}
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
        {list && <ConversationList conversations={list} onOpen={setOpen} />}
      </Card>
    </div>
  )
}

/** A conversation played in the simulator: never sent to a phone, not counted against the month. */
function SimulatedBadge() {
  return (
    <span
      className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-800"
      title="Written in the simulator: replies were not sent to a phone and are not counted"
      data-testid="simulated-badge"
    >
      Simulated
    </span>
  )
}
