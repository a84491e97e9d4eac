import type { AttentionReason, InboxFilter } from '../../../api/inbox'

/** The filter chips, in the order an agent works through them. */
export const FILTERS: { id: InboxFilter; label: string }[] = [
  { id: 'attention', label: 'Needs attention' },
  { id: 'human', label: 'With a person' },
  { id: 'open', label: 'Open' },
  { id: 'resolved', label: 'Resolved' },
  { id: 'mine', label: 'Assigned to me' },
  { id: 'all', label: 'All' },
]

export const isInboxFilter = (value: string | null): value is InboxFilter =>
  FILTERS.some((f) => f.id === value)

const REASONS: Record<AttentionReason, string> = {
  customer_asked: 'Asked for a person',
  assistant_unable: 'The assistant could not help',
  customer_waiting: 'Customer is waiting for a reply',
  limit_reached: 'Monthly limit reached',
  send_failed: 'A message could not be sent',
}

/** Why a conversation needs a person, in the owner's words rather than the API's. */
export const attentionReasonLabel = (reason: string | null | undefined) =>
  reason ? (REASONS[reason as AttentionReason] ?? reason.replace(/_/g, ' ')) : 'Needs a person'

/** "3 h", "25 min": how long until `iso`, rounded the way a person says it. */
export function timeUntil(iso: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((new Date(iso).getTime() - now) / 60_000))
  if (minutes < 60) return `${minutes} min`
  return `${Math.floor(minutes / 60)} h`
}
