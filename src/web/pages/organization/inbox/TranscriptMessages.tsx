import { useEffect, useRef } from 'react'
import type { Message } from '../../../api/types'
import { MessageStatusBadge } from '../../../components/Badges'
import { formatDateTime, messageSourceLabel } from '../../../components/format'

/** The transcript, oldest first, each message with who wrote it and its delivery status; kept scrolled to the newest. */
export function TranscriptMessages({ messages }: { messages: Message[] }) {
  const list = useRef<HTMLOListElement>(null)
  const last = messages.at(-1)?.id
  // Scrolls the transcript only (scrollIntoView would scroll the page too).
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when a new message arrives
  useEffect(() => {
    const el = list.current
    if (el) el.scrollTop = el.scrollHeight
  }, [last])
  return (
    <ol
      ref={list}
      className="max-h-[28rem] space-y-2 overflow-y-auto rounded-lg bg-[#efeae2] p-3"
      aria-label="Transcript"
      data-testid="inbox-transcript"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
      tabIndex={0}
    >
      {messages.length === 0 && <li className="text-sm text-slate-700">No messages.</li>}
      {messages.map((m) => (
        <li
          key={m.id}
          className={`flex ${m.direction === 'outbound' ? 'justify-end' : 'justify-start'}`}
          data-direction={m.direction}
          data-testid="inbox-message"
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
                className="block text-xs text-sky-800 underline"
                target="_blank"
                rel="noreferrer"
              >
                {media.contentType}
              </a>
            ))}
            <div className="mt-1 flex flex-wrap items-center justify-end gap-2 text-[11px] text-slate-700">
              {m.direction === 'outbound' && <span>{messageSourceLabel(m.source)}</span>}
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
  )
}
