import type { InboxConversation } from '../../../api/inbox'
import { formatDateTime } from '../../../components/format'
import { TemplateComposer } from '../templates/TemplateComposer'
import { timeUntil } from './inboxWords'

/**
 * WhatsApp's 24-hour customer-service window: open, how long it stays open; closed, why free text
 * cannot go out and the approved-template composer to write first instead.
 */
export function CustomerWindow({
  orgId,
  conversation: c,
  canAct,
}: {
  orgId: string
  conversation: InboxConversation
  canAct: boolean
}) {
  if (c.windowOpen && c.windowClosesAt) {
    return (
      <p className="text-xs text-slate-600" data-testid="customer-window" data-open="true">
        The customer's window closes in {timeUntil(c.windowClosesAt)} ({formatDateTime(c.windowClosesAt)}):
        you can write freely until then.
      </p>
    )
  }
  return (
    <div
      className="space-y-2 rounded-md border border-amber-200 bg-amber-50 p-3"
      data-testid="customer-window"
      data-open="false"
    >
      <p className="text-sm font-medium text-amber-900">Window closed: send a template</p>
      <p className="text-sm text-slate-700">
        {c.windowClosesAt
          ? `The customer's last message was more than 24 hours ago (the window closed ${formatDateTime(c.windowClosesAt)}).`
          : 'This customer has not written yet.'}{' '}
        WhatsApp only lets you write with an approved template until they answer.
      </p>
      {canAct && <TemplateComposer orgId={orgId} conversationId={c.id} />}
    </div>
  )
}
