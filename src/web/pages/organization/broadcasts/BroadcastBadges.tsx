import type { Broadcast, BroadcastStatus, RecipientStatus } from '../../../api/types'
import { Badge } from '../../../components/Badges'

type Tone = Parameters<typeof Badge>[0]['color']

const BROADCAST: Record<BroadcastStatus, { label: string; color: Tone }> = {
  scheduled: { label: 'Scheduled', color: 'blue' },
  sending: { label: 'Sending', color: 'blue' },
  completed: { label: 'Completed', color: 'green' },
  cancelled: { label: 'Cancelled', color: 'gray' },
  stopped: { label: 'Stopped', color: 'red' },
}

export const broadcastStatusLabel = (status: BroadcastStatus) => BROADCAST[status]?.label ?? status

export function BroadcastStatusBadge({
  status,
  reason,
}: {
  status: BroadcastStatus
  reason?: string | null
}) {
  const s = BROADCAST[status] ?? { label: status, color: 'gray' as const }
  return (
    <span data-testid="broadcast-status" data-status={status}>
      <Badge color={s.color} title={reason ?? undefined}>
        {s.label}
      </Badge>
    </span>
  )
}

/** Every recipient status, in the order a message moves through them (for filters and counts). */
export const RECIPIENT_STATUSES: { id: RecipientStatus; label: string; color: Tone }[] = [
  { id: 'pending', label: 'Waiting', color: 'gray' },
  { id: 'queued', label: 'Queued', color: 'gray' },
  { id: 'sent', label: 'Sent', color: 'blue' },
  { id: 'delivered', label: 'Delivered', color: 'green' },
  { id: 'read', label: 'Read', color: 'green' },
  { id: 'failed', label: 'Failed', color: 'red' },
  { id: 'undelivered', label: 'Not delivered', color: 'red' },
  { id: 'skipped', label: 'Skipped', color: 'amber' },
]

export const recipientStatusLabel = (status: RecipientStatus) =>
  RECIPIENT_STATUSES.find((s) => s.id === status)?.label ?? status

export function RecipientStatusBadge({ status }: { status: RecipientStatus }) {
  const s = RECIPIENT_STATUSES.find((r) => r.id === status)
  return <Badge color={s?.color ?? 'gray'}>{s?.label ?? status}</Badge>
}

/** Why recipients are skipped, in the order the detail lists them. */
export const SKIP_REASONS = [
  'opted_out',
  'no_consent',
  'duplicate_number',
  'missing_variables',
  'over_limit',
  'cancelled',
] as const satisfies readonly (keyof Broadcast['skippedReasons'])[]

const REASONS: Record<string, string> = {
  opted_out: 'Opted out',
  no_consent: 'No consent (never opted in)',
  over_limit: 'Over the monthly limit',
  duplicate_number: 'Duplicate number',
  missing_variables: 'Missing variables',
  cancelled: 'Cancelled',
}

/** A skip reason in words; a delivery error (Twilio's message) is shown as it came. */
export const reasonLabel = (reason: string | null | undefined) => (reason ? (REASONS[reason] ?? reason) : '')
