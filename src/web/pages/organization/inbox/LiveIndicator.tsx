import { useLiveStatus } from '../../../api/live'

/** Whether the inbox updates by itself right now, or is catching up every few seconds. */
export function LiveIndicator({ orgId }: { orgId: string }) {
  const status = useLiveStatus(orgId)
  return (
    <span
      className="inline-flex items-center gap-1.5 text-xs text-slate-600"
      data-testid="live-status"
      data-status={status}
    >
      <span
        aria-hidden
        className={`h-2 w-2 rounded-full ${status === 'live' ? 'bg-emerald-600' : 'bg-amber-500'}`}
      />
      {status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
    </span>
  )
}
