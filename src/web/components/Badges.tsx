import type { TrainingStatus } from '../api/types'
import { messageStatusLabel } from './format'

const tone = {
  green: 'bg-emerald-100 text-emerald-800',
  blue: 'bg-sky-100 text-sky-800',
  amber: 'bg-amber-100 text-amber-800',
  red: 'bg-red-100 text-red-800',
  gray: 'bg-slate-100 text-slate-700',
}

export function Badge({
  color,
  children,
  title,
}: {
  color: keyof typeof tone
  children: string
  title?: string
}) {
  return (
    <span
      title={title}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${tone[color]}`}
    >
      {children}
    </span>
  )
}

const numberColors: Record<string, keyof typeof tone> = {
  none: 'gray',
  purchasing: 'blue',
  registering: 'blue',
  active: 'green',
  releasing: 'amber',
  released: 'gray',
  failed: 'red',
}

export const numberStatusLabel = (status: string) =>
  ({
    none: 'No number',
    purchasing: 'Purchasing…',
    registering: 'Registering…',
    active: 'Active',
    releasing: 'Releasing…',
    released: 'Released',
    failed: 'Failed',
  })[status] ?? status

export function NumberStatusBadge({ status }: { status: string }) {
  return <Badge color={numberColors[status] ?? 'gray'}>{numberStatusLabel(status)}</Badge>
}

const trainingColors: Record<TrainingStatus, keyof typeof tone> = {
  untrained: 'gray',
  training: 'blue',
  trained: 'green',
  failed: 'red',
}

export const trainingLabel = (status: TrainingStatus, progress?: number) =>
  ({
    untrained: 'Not trained',
    training: `Training${progress !== undefined ? ` ${progress}%` : '…'}`,
    trained: 'Trained',
    failed: 'Training failed',
  })[status] ?? status

export function TrainingBadge({ status, progress }: { status: TrainingStatus; progress?: number }) {
  return <Badge color={trainingColors[status] ?? 'gray'}>{trainingLabel(status, progress)}</Badge>
}

const messageColors: Record<string, keyof typeof tone> = {
  queued: 'gray',
  accepted: 'gray',
  sending: 'gray',
  sent: 'blue',
  delivered: 'green',
  read: 'green',
  received: 'gray',
  failed: 'red',
  undelivered: 'red',
}

export function MessageStatusBadge({
  status,
  errorMessage,
}: {
  status: string
  errorMessage?: string | null
}) {
  return (
    <Badge color={messageColors[status] ?? 'gray'} title={errorMessage ?? undefined}>
      {messageStatusLabel(status)}
    </Badge>
  )
}

/** WhatsApp-like ticks: ✓ sent, ✓✓ delivered, blue ✓✓ read, ! failed. */
export function Ticks({ status }: { status: string }) {
  if (status === 'failed' || status === 'undelivered') {
    return (
      <span
        role="img"
        className="font-bold text-red-600"
        aria-label={messageStatusLabel(status)}
        data-status={status}
      >
        !
      </span>
    )
  }
  const double = status === 'delivered' || status === 'read' || status === 'received'
  const single = status === 'sent'
  const label = double ? '✓✓' : single ? '✓' : '🕓'
  return (
    <span
      role="img"
      className={status === 'read' ? 'text-sky-700' : 'text-slate-600'}
      aria-label={messageStatusLabel(status)}
      data-status={status}
    >
      {label}
    </span>
  )
}
